import { DIFF_CSS } from '../components/diff';

/**
 * Styles of the workspace, draft and settings pages, on top of the shared app.css; a file served from
 * this origin (no inline style). The draft page's version diffs take DIFF_CSS, shared with the
 * sign-off page and the editor.
 */
export const WORKSPACE_CSS = `${DIFF_CSS}
.stats a.stat{text-decoration:none;color:var(--text)}.stats a.stat:hover{border-color:var(--brand)}.stat.late b{color:var(--bad)}
/* The checklist inside a timeline entry is not a timeline entry itself. */
.timeline ul.ticks li{padding:0}.timeline ul.ticks li::before{content:none}
ul.ticks{list-style:none;margin:4px 0;padding:0;font-size:13px;color:var(--muted);display:flex;flex-wrap:wrap;gap:2px 12px}ul.ticks li.unticked{color:var(--muted)}
.comment{margin:4px 0;white-space:pre-wrap;word-break:break-word;background:#f7f8fa;border-left:3px solid var(--line);padding:4px 10px}
.diff-form{display:flex;flex-wrap:wrap;gap:10px;align-items:flex-end}.diff-form .field{margin:0;min-width:110px}
.action-forms{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:12px}
.action-forms form{border:1px solid var(--line);border-radius:8px;padding:12px}
.action-forms h3{margin:0 0 8px}
.findings li{margin-bottom:4px}
ul.plain{list-style:none;margin:0;padding:0}ul.plain li{padding:4px 0;border-bottom:1px solid #f0f1f3}
.token-once{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all;background:#fff;border:1px dashed var(--ok);padding:8px;border-radius:6px;user-select:all}
.hash{font-size:12px;word-break:break-all}
table.data caption{text-align:left;padding-bottom:6px}
`;
