import { registerAsset } from '../assets';

/**
 * The publicity console's own style and script, served from this origin. Pages work without the
 * script: it adds the filter box of the people picker and the poster's print button.
 */
export const CONSOLE_CSS = `
.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:0 14px;align-items:end}
.filters .field{margin-bottom:12px}.filters .actions{margin:0 0 12px}
.picker-filter{margin-bottom:6px}
.picker-list{max-height:260px;overflow:auto;border:1px solid var(--line);border-radius:6px;padding:2px 12px}
.picker-list .choice[hidden]{display:none}
.page-head .actions{margin-top:0}
.forms{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:14px}
.forms form{border:1px solid var(--line);border-radius:8px;padding:12px 14px;margin:0}
.forms form h3{margin-top:0}
.progress{height:8px;background:var(--grey-bg);border-radius:4px;overflow:hidden;min-width:80px}.progress>span{display:block;height:100%;background:var(--ok)}
.report{white-space:pre-wrap;word-break:break-word}
.hash{word-break:break-all;font-size:12px}
pre.payload{white-space:pre-wrap;word-break:break-all;font-size:12px;margin:0;min-width:24ch;max-width:48ch}
.poster{background:#fff;border:2px solid #9b1c1c;border-radius:10px;padding:28px;max-width:560px;margin:0 auto;text-align:center}
.poster h1{font-size:24px;margin:0 0 4px}.poster .code{font:700 28px/1.2 ui-monospace,Menlo,Consolas,monospace;letter-spacing:1px;margin:14px 0;word-break:break-all}
.poster .qr svg{width:240px;height:240px;max-width:100%}
.poster .url{font-size:12px;word-break:break-all;color:var(--muted)}
.poster dl.facts{text-align:left;margin:14px auto 0;max-width:420px}
@media print{
  .poster{border:2px solid #000;max-width:none;margin:0}
  .poster .qr svg{width:70mm;height:70mm}
  .poster .url{color:#000}
}
`;

export const CONSOLE_JS = `(function(){
  document.querySelectorAll('[data-picker]').forEach(function(box){
    var input=box.querySelector('.picker-filter input');
    if(!input)return;
    input.parentNode.hidden=false;
    input.addEventListener('input',function(){
      var q=input.value.trim().toLowerCase();
      box.querySelectorAll('.picker-list .choice').forEach(function(c){
        var box2=c.querySelector('input');
        c.hidden=!!q&&!(box2&&box2.checked)&&(c.getAttribute('data-search')||'').indexOf(q)<0;
      });
    });
  });
  document.querySelectorAll('[data-print]').forEach(function(b){b.hidden=false;b.addEventListener('click',function(){window.print();});});
})();
`;

function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

registerAsset('console.css', 'text/css; charset=utf-8', CONSOLE_CSS);
registerAsset('console.js', 'text/javascript; charset=utf-8', CONSOLE_JS);
export const CONSOLE_CSS_URL = `/assets/console.css?v=${fingerprint(CONSOLE_CSS)}`;
export const CONSOLE_JS_URL = `/assets/console.js?v=${fingerprint(CONSOLE_JS)}`;
