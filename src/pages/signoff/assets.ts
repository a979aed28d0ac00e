import { DIFF_CSS } from '../components/diff';

/**
 * The sign-off pages' own styles, on top of the shared app.css; served as a file from this origin
 * (no inline style, nothing from another origin). The shared app.js gives focus to the error
 * summary and locks submitted forms.
 */

export const SIGNOFF_CSS = `${DIFF_CSS}
.error-summary{border:4px solid #b3261e;background:#fff;padding:14px 16px;margin-bottom:14px;border-radius:6px}
.error-summary:focus{outline:3px solid #ffbf47;outline-offset:0}
.error-summary h2{color:#b3261e;margin:0 0 8px;font-size:18px}.error-summary ul{margin:0;padding-left:20px}
.error-summary a{color:#b3261e;font-weight:600}
.field-error{border-left:4px solid #b3261e!important;padding-left:10px}
fieldset{border:0;margin:0;padding:0;min-width:0}legend{padding:0}legend h2{margin-bottom:6px}
label.check{display:flex;gap:10px;align-items:flex-start;padding:10px 0;border-bottom:1px solid #f0ebe3}label.check input{width:22px;height:22px;margin:2px 0 0;flex:none}
ul.version-files{list-style:none;margin:0;padding:0;display:grid;gap:8px}ul.version-files li{word-break:break-all}
ul.version-files .thumb{display:block;min-width:44px;min-height:44px;margin-bottom:4px}ul.version-files .thumb img{max-width:240px;max-height:180px;border:1px solid #e5e6eb;border-radius:4px}
/* On a touch screen the links a thumb taps (an attachment, the way back, the hand-on) are at least 44 × 44 px (WCAG 2.5.5, Apple's HIG); a mouse keeps them compact. */
@media (max-width:768px),(pointer:coarse){ul.version-files li>a:not(.thumb),.next a,.barred a{display:inline-flex;align-items:center;min-width:44px;min-height:44px}}
/* The text a leader approves is read whole on a phone: a long link or word wraps, a wide table scrolls inside the card (its cells keep a readable width). */
.body{overflow-wrap:anywhere}
.body img{max-width:100%;height:auto}.body table{border-collapse:collapse;display:block;max-width:100%;overflow-x:auto}.body td,.body th{border:1px solid #dcdfe6;padding:4px 8px;min-width:5em;overflow-wrap:normal}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:8px 0 0;font-size:14px}dl.facts dt{color:#666}dl.facts dd{margin:0;min-width:0;word-break:break-word}
.hash{font-size:12px;word-break:break-all}
ul.accounts{margin:0;padding:0;list-style:none}
ol.record{list-style:none;margin:0;padding:0}ol.record>li{border-bottom:1px solid #eee;padding:8px 0}ol.record>li.just-made{background:#f2f8f3;border-left:4px solid #1f7a3a;padding-left:8px}
ul.ticks{list-style:none;margin:4px 0;padding:0;font-size:13px;color:#444;display:flex;flex-wrap:wrap;gap:2px 12px}ul.ticks li.unticked{color:#666}
.comment{margin:4px 0;white-space:pre-wrap;word-break:break-word}
.tag.decision-approve{background:#e6f4ea;color:#1f5131}.tag.decision-return{background:#fff4e0;color:#7a4b00}.tag.decision-reject{background:#fdecea;color:#7a1c1c}
.hint{color:#555;font-size:14px;margin:4px 0}
details>summary{cursor:pointer;min-height:44px;padding:8px 0}details>summary h2{display:inline}
.card .actions button,button.resend{font:inherit;font-weight:600;min-height:44px;padding:10px 18px;border:0;border-radius:6px;cursor:pointer;color:#fff}
#decision .actions button{flex:1;min-width:110px}button:disabled{opacity:.55;cursor:not-allowed}
button.approve{background:#0b7a3b}button.return{background:#a04a08}button.reject{background:#b3261e}
button.transfer,button.resend{background:#35506b;flex:0 1 auto}
.lang-switch{text-align:right;font-size:14px}
.changes h3{font-size:15px;margin:10px 0 4px}ul.file-changes{margin:8px 0;padding-left:20px;font-size:14px}
.findings{margin:0;padding-left:20px}.findings li{margin-bottom:10px}.findings .excerpt{font-size:13px;color:#555;word-break:break-all}.findings mark{background:#fff1b8}
button:focus-visible,a:focus-visible,input:focus-visible,textarea:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #ffbf47;outline-offset:1px}
`;
