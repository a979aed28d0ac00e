/**
 * The 审核单's style sheet and script, served from this origin. The print rules give one clean A4
 * page: no site header or buttons, black on white, rows never split across pages.
 */
export const SHEET_CSS = `
.sheet{background:#fff;padding:20px;border-radius:8px}
.sheet-head{background:none;color:inherit;padding:0 0 8px;display:flex;justify-content:space-between;align-items:flex-start;gap:16px;border-bottom:2px solid #9b1c1c;margin-bottom:12px}
.sheet-head h1{font-size:22px;letter-spacing:2px;margin:0 0 4px}
.qr{margin:0;text-align:center;flex:0 0 auto}.qr svg{width:104px;height:104px;display:block}.qr figcaption{font-size:11px;color:#555}
table.sheet-facts,table.sheet-levels{width:100%;border-collapse:collapse;margin-bottom:12px;font-size:13px}
table.sheet-levels{table-layout:fixed}.c-level{width:13%}.c-reviewer{width:11%}.c-decision{width:25%}.c-checklist{width:16%}.c-time{width:15%}.c-audit{width:20%}
.sheet-levels .hash{font-size:9px}.sheet-facts th{width:7em}
.legend{font-size:11px;color:#444;margin:0 0 10px}
.sheet-facts th,.sheet-facts td,.sheet-levels th,.sheet-levels td{border:1px solid #999;padding:5px 6px;vertical-align:top;text-align:left}
.sheet-facts th,.sheet-levels thead th{background:#f4f1ec;white-space:nowrap;font-weight:600}
.sheet-title{font-weight:700;font-size:15px}
.hash{font:11px/1.3 ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
ul.ticks{list-style:none;margin:0;padding:0;font-size:12px}ul.ticks li.no{color:#9b1c1c}ul.ticks.short{display:flex;flex-wrap:wrap;gap:0 8px}
ul.accounts{margin:0;padding:0;list-style:none}
.comment{white-space:pre-wrap;word-break:break-word;margin-top:4px}
.flag.appointed{display:inline-block;margin-top:4px;padding:0 6px;border:1px solid #b7791f;color:#7a4b00;border-radius:4px;font-size:11px}
.tag.decision-approve{background:#e6f4ea;color:#1f5131}.tag.decision-return{background:#fff4e0;color:#7a4b00}.tag.decision-reject{background:#fdecea;color:#7a1c1c}
.sheet-foot{font-size:12px;border-top:1px solid #ccc;padding:8px 0 0;text-align:left;color:#222}.sheet-foot p{margin:2px 0}.url{word-break:break-all}
.verdict strong{font-size:18px}
.lang-switch{text-align:right;font-size:14px}
button.print{background:#35506b;flex:0 1 auto}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:640px){
  .sheet{padding:12px}
  table.sheet-levels{table-layout:auto}.sheet-levels colgroup{display:none}
  .sheet-levels thead{display:none}
  .sheet-levels tr{display:block;border:1px solid #999;margin-bottom:8px}
  .sheet-levels td{display:block;border:0;border-bottom:1px solid #eee}
  .sheet-levels td[data-label]::before{content:attr(data-label);display:block;color:#666;font-size:11px}
  .sheet-facts th,.sheet-facts td{display:block;border-width:0 0 1px}
}
@page{size:A4;margin:14mm 14mm 16mm}
@media print{
  html,body{background:#fff!important;color:#000;font-size:10pt}
  table.sheet-facts,table.sheet-levels{font-size:9.5pt}.sheet-levels .hash{font-size:6.5pt}.legend{font-size:8pt}
  body>header,body>footer,header.topbar,footer.foot,.skip,.no-print,.lang-switch{display:none!important}
  .shell,main{display:block;max-width:none;padding:0;margin:0}
  main{max-width:none;padding:0;margin:0}
  .sheet{padding:0;border-radius:0;box-shadow:none}
  .sheet-levels tr{page-break-inside:avoid;break-inside:avoid}
  .sheet-facts th,.sheet-levels thead th{background:#eee!important;-webkit-print-color-adjust:exact;print-color-adjust:exact}
  .tag{border:1px solid #666;background:none!important;color:#000!important}
  a{color:#000;text-decoration:none}
}
`;

/** Shows the print button only where a script can press it; the sheet prints from the browser menu anyway. */
export const SHEET_JS = `
(function () {
  var b = document.querySelector('[data-print]');
  if (b) { b.hidden = false; b.addEventListener('click', function () { window.print(); }); }
})();
`;
