import { pageAsset } from '../render';

/** The draft form's own styles (on top of app.css): the editor beside the pre-screen, one column on phones. */
const EDITOR_CSS = `
.editor-grid{display:grid;grid-template-columns:minmax(0,1fr) 300px;gap:16px;align-items:start}
.editor-side{position:sticky;top:72px}
.body-field textarea{min-height:360px;font-family:inherit;line-height:1.7}
.file-list{list-style:none;margin:0;padding:0}.file-list li{padding:6px 0;border-bottom:1px solid var(--line);word-break:break-all}
.file-list .remove{display:inline-flex;gap:4px;align-items:center;font-size:13px;color:var(--muted);margin-left:8px}
.findings{margin:0;padding-left:20px}.findings li{margin-bottom:10px}.findings .excerpt{font-size:13px;color:var(--muted);word-break:break-all}
.findings mark{background:#fff1b8}
.prescreen .none{color:var(--ok)}
.form-actions{position:sticky;bottom:0;background:var(--bg);padding:10px 0;margin-top:0;z-index:2}
@media (max-width:900px){.editor-grid{grid-template-columns:minmax(0,1fr)}.editor-side{position:static}}
`;

export const EDITOR_CSS_URL = pageAsset('editor.css', EDITOR_CSS);
