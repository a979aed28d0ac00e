import { registerAsset } from '../assets';

/**
 * The publicity console's own style and script, served from this origin. Pages work without the
 * script: it makes the people picker's search a type-ahead and shows the poster's print button.
 */
export const CONSOLE_CSS = `
.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:0 14px;align-items:end}
.filters .field{margin-bottom:12px}.filters .actions{margin:0 0 12px}
.picker-search{margin-bottom:6px}
.picker-row{display:flex;gap:8px;align-items:stretch}.picker-row input{flex:1;min-width:0}.picker-row .btn{margin:0}
.picker-list{max-height:260px;overflow:auto;border:1px solid var(--line);border-radius:6px;padding:2px 12px}
.page-head .actions{margin-top:0}
.student-row{border:1px solid var(--line);border-radius:8px;padding:10px 12px 2px;margin:8px 0 12px}
.student-row.lapsed{border-color:var(--warn);background:var(--warn-bg)}
.student-row .pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:0 14px}
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
  // The people picker searches as one types, through the same limited search its no-script button posts to.
  document.querySelectorAll('[data-picker]').forEach(function(box){
    var name=box.getAttribute('data-picker'),single=box.hasAttribute('data-single');
    var input=box.querySelector('.picker-search input'),button=box.querySelector('.picker-search button'),list=box.querySelector('.picker-list');
    if(!input||!list)return;
    var timer=null,seq=0;
    function render(items,q){
      list.querySelectorAll('.choice').forEach(function(c){var i=c.querySelector('input');if(!i||!i.checked)c.remove();});
      var have={};list.querySelectorAll('.choice input').forEach(function(i){have[i.value]=1;});
      list.querySelectorAll('.empty').forEach(function(e){e.remove();});
      items.forEach(function(p){
        if(have[p.id])return;
        var id=box.id+'-'+p.id,label=document.createElement('label'),inp=document.createElement('input'),span=document.createElement('span'),hint=document.createElement('span');
        label.className='choice';label.htmlFor=id;
        inp.type=single?'radio':'checkbox';inp.id=id;inp.name=name;inp.value=p.id;
        span.textContent=p.name;hint.className='hint';hint.textContent=[p.unitName,p.email].filter(Boolean).join(' · ');
        span.appendChild(hint);label.appendChild(inp);label.appendChild(span);list.appendChild(label);
      });
      if(!list.querySelector('.choice')){var e=document.createElement('p');e.className='empty';e.textContent=q?(list.getAttribute('data-none')||'').replace('{q}',q):(list.getAttribute('data-empty')||'');list.appendChild(e);}
    }
    function run(){
      var q=input.value.trim(),mine=++seq;
      if(!q){render([],'');return;}
      fetch('/api/v1/directory/people?limit=10&q='+encodeURIComponent(q),{credentials:'same-origin',headers:{accept:'application/json'}})
        .then(function(r){return r.ok?r.json():{items:[]};})
        .then(function(b){if(mine===seq)render(b.items||[],q);})
        .catch(function(){});
    }
    input.addEventListener('input',function(){clearTimeout(timer);timer=setTimeout(run,200);});
    input.addEventListener('keydown',function(e){if(e.key==='Enter'){e.preventDefault();clearTimeout(timer);run();}});
    if(button)button.addEventListener('click',function(e){e.preventDefault();clearTimeout(timer);run();});
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
