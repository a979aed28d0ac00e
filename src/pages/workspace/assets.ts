/**
 * Styles of the workspace, draft and settings pages, on top of the shared app.css; a file served from
 * this origin (no inline style). Diff colours keep AA contrast and are not the only cue (ins/del are
 * also underlined/struck through, and announced by screen readers through their hidden labels).
 */
export const WORKSPACE_CSS = `
.visually-hidden{position:absolute!important;width:1px;height:1px;margin:0;padding:0;overflow:hidden;clip:rect(0 0 0 0);border:0;white-space:nowrap}
.stats a.stat{text-decoration:none;color:var(--text)}.stats a.stat:hover{border-color:var(--brand)}.stat.late b{color:var(--bad)}
/* The checklist inside a timeline entry is not a timeline entry itself. */
.timeline ul.ticks li{padding:0}.timeline ul.ticks li::before{content:none}
ul.ticks{list-style:none;margin:4px 0;padding:0;font-size:13px;color:var(--muted);display:flex;flex-wrap:wrap;gap:2px 12px}ul.ticks li.unticked{color:var(--muted)}
.comment{margin:4px 0;white-space:pre-wrap;word-break:break-word;background:#f7f8fa;border-left:3px solid var(--line);padding:4px 10px}
.diff-text{white-space:pre-wrap;word-break:break-word;line-height:1.9;border:1px solid var(--line);border-radius:6px;padding:10px 12px;background:#fff}
.diff-text ins{background:#d7f5dd;color:#04451f;text-decoration:underline}.diff-text del{background:#ffe1de;color:#7a0c0c;text-decoration:line-through}
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
