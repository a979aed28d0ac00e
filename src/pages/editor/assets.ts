import { DIFF_CSS } from '../components/diff';
import { pageAsset } from '../render';

/**
 * The draft form's own styles (on top of app.css): the editor beside the pre-screen, one column on
 * phones, and the word diff of a save made elsewhere (409) shown above the form.
 */
const EDITOR_CSS = `${DIFF_CSS}
.editor-grid{display:grid;grid-template-columns:minmax(0,1fr) 300px;gap:16px;align-items:start}
.editor-side{position:sticky;top:72px}
.body-field textarea{min-height:360px;font-family:inherit;line-height:1.7}
fieldset.files{border:0;margin:0 0 18px;padding:0;min-width:0}fieldset.files legend{font-weight:600;padding:0;margin-bottom:4px}
.file-list{list-style:none;margin:0;padding:0}.file-list li{padding:6px 0;border-bottom:1px solid var(--line);word-break:break-all}
.file-list .remove{display:inline-flex;gap:4px;align-items:center;font-size:13px;color:var(--muted);margin-left:8px}
.findings{margin:0;padding-left:20px}.findings li{margin-bottom:10px}.findings .excerpt{font-size:13px;color:var(--muted);word-break:break-all}
.findings mark{background:#fff1b8}
.prescreen .none{color:var(--ok)}
.form-actions{position:sticky;bottom:0;background:var(--bg);padding:10px 0;margin-top:0;z-index:2}
/* Jodit's own look, brought to AA: its placeholder (#a5a5a5 on white, 2.4:1) in the muted text colour, and
   the focus ring its toolbar buttons and text area take off (outline:0) put back, inside the control. */
.jodit-container .jodit-placeholder{color:var(--muted)}
.jodit-container :focus-visible{outline:3px solid var(--focus)!important;outline-offset:-3px;box-shadow:inset 0 0 0 4px var(--text)}
@media (max-width:900px){.editor-grid{grid-template-columns:minmax(0,1fr)}.editor-side{position:static}}
`;

export const EDITOR_CSS_URL = pageAsset('editor.css', EDITOR_CSS);

/**
 * The draft form's script: turns the body's textarea into the Jodit editor (served from /vendor/,
 * this origin) and keeps the form working as before — Jodit writes the HTML back into the textarea
 * named `body`, and `bodyFormat` becomes html. Images go up through POST /api/v1/drafts/{id}/files
 * with the session cookie and the CSRF header as they are inserted or pasted; a new draft is first
 * saved (POST /api/v1/drafts with what the form holds), and the page becomes that draft's edit form.
 * Pasted images the browser cannot hand over (Word's local files, other sites' pictures: CSP and
 * CORS forbid fetching them) are removed with a notice saying how to add them.
 */
const EDITOR_JS = `(function(){
  var area=document.querySelector('textarea[data-editor]');
  if(!area||!window.Jodit)return;
  var form=area.form,en=area.getAttribute('data-lang')==='en';
  var T=function(zh,e){return en?e:zh;};
  var csrf=(document.querySelector('meta[name=csrf-token]')||{}).content||'';
  var format=document.getElementById('f-bodyFormat');
  var status=document.getElementById('editor-status');
  var draftId=area.getAttribute('data-draft-id');
  var pending=0;
  var FILE_SRC=/^(?:https?:\\/\\/[^\\/]+)?\\/api\\/v1\\/files\\/[0-9a-fA-F-]{36}$/;
  function say(msg){if(status)status.textContent=msg;}
  function esc(s){return String(s).replace(/[&<>"']/g,function(c){return '&#'+c.charCodeAt(0)+';';});}
  function textToHtml(text){return text.replace(/\\r\\n?/g,'\\n').split(/\\n{2,}/).filter(function(p){return p.trim();}).map(function(p){return '<p>'+esc(p).replace(/\\n/g,'<br>')+'</p>';}).join('');}
  /** The page's error summary, as the server renders it, naming the field to mend. */
  function problem(message,field){
    var old=document.querySelector('.error-summary');if(old)old.remove();
    var box=document.createElement('div');box.className='error-summary';box.setAttribute('role','alert');box.setAttribute('tabindex','-1');
    box.innerHTML='<h2>'+esc(T('提交的内容有问题','There is a problem'))+'</h2><ul><li><a href="#f-'+esc(field)+'">'+esc(message)+'</a></li></ul>';
    var head=document.querySelector('.page-head');head.parentNode.insertBefore(box,head.nextSibling);box.focus();
  }
  function fieldOf(err,fallback){
    var d=err&&err.details;
    if(Array.isArray(d)&&d[0]&&d[0].path)return String(d[0].path).split('.')[0];
    if(d&&d.field&&d.field!=='file')return d.field;
    return fallback;
  }
  function call(url,body,json){
    var headers={'X-CSRF-Token':csrf};if(json)headers['Content-Type']='application/json';
    return fetch(url,{method:'POST',headers:headers,body:json?JSON.stringify(body):body,credentials:'same-origin'}).then(function(r){
      return r.json().catch(function(){return {};}).then(function(j){if(!r.ok)throw (j&&j.error)||{message:T('上传失败','Upload failed')};return j;});
    });
  }
  if(format.value!=='html')area.value=textToHtml(area.value);
  format.value='html';
  var picker=document.createElement('input');picker.type='file';picker.accept='image/jpeg,image/png,image/gif,image/webp';picker.hidden=true;
  picker.setAttribute('aria-label',T('选择要插入的图片','Choose an image to insert'));
  form.appendChild(picker);
  var editor=Jodit.make(area,{
    language:en?'en':'zh_cn',minHeight:360,toolbarAdaptive:false,toolbarSticky:false,allowTabNavigation:true,tabIndex:0,
    buttons:['paragraph','bold','italic','underline','|','ul','ol','|','link','table',
      {name:'upload-image',icon:'image',tooltip:T('插入图片','Insert image'),exec:function(){picker.click();}},'|','undo','redo','eraser'],
    disablePlugins:['about','ai-assistant','speech-recognize','source','print','video','file','media','iframe','powered-by-jodit','spellcheck','xpath','fullsize','preview','stat','image-properties'],
    askBeforePasteHTML:false,askBeforePasteFromWord:false,processPasteFromWord:true,
    defaultActionOnPaste:'insert_clear_html',defaultActionOnPasteFromWord:'insert_clear_html',
    hidePoweredByJodit:true,showCharsCounter:false,showWordsCounter:false,showXPathInStatusbar:false,
    sourceEditor:'area',beautifyHTML:false,uploader:{insertImageAsBase64URI:true}
  });
  /** Jodit's own synchronizeValues is throttled: a submit right after typing could post the text of a moment ago. */
  function sync(){area.value=editor.value;}
  editor.editor.setAttribute('aria-labelledby','body-label');
  editor.editor.setAttribute('aria-describedby','f-body-hint');
  /** A new draft is saved first, with what the form holds, so its images have a draft to belong to. */
  function ensureDraft(){
    if(draftId)return Promise.resolve(draftId);
    var checked=[].map.call(form.querySelectorAll('input[name=accountIds]:checked'),function(i){return i.value;});
    var title=form.querySelector('[name=title]').value.trim();
    var body=editor.value.replace(/<img[^>]*>/g,'').replace(/<[^>]*>|&nbsp;/g,'').trim()?editor.value:'<p>'+esc(T('（正文待写）','(text to come)'))+'</p>';
    return call('/api/v1/drafts',{title:title||T('未命名稿件','Untitled draft'),body:body,bodyFormat:'html',unitId:form.querySelector('[name=unitId]').value,
      accountIds:checked,urgency:form.querySelector('[name=urgency]').value},true).then(function(d){
      draftId=d.id;area.setAttribute('data-draft-id',d.id);form.action='/drafts/'+d.id+'/edit';
      var base=document.createElement('input');base.type='hidden';base.name='baseVersion';base.value='1';form.appendChild(base);
      history.replaceState(null,'','/drafts/'+d.id+'/edit'+location.search);
      var imp=document.getElementById('import');if(imp)imp.remove();
      say(T('已自动保存为草稿（发布账号和紧急程度已随草稿保存）。','Saved as a draft (with its accounts and urgency).'));
      return d.id;
    },function(err){problem(err.message||String(err),fieldOf(err,'form'));throw err;});
  }
  function upload(file){
    pending++;say(T('正在上传 '+file.name+' …','Uploading '+file.name+' …'));
    return ensureDraft().then(function(id){var fd=new FormData();fd.append('file',file,file.name);return call('/api/v1/drafts/'+id+'/files',fd,false);})
      .then(function(f){pending--;say(T('已上传 '+f.name,'Uploaded '+f.name));return f;},
        function(err){pending--;if(err&&err.code)problem(err.message,'body');throw err;});
  }
  picker.addEventListener('change',function(){
    var file=picker.files&&picker.files[0];picker.value='';if(!file)return;
    upload(file).then(function(f){editor.s.insertHTML('<img src="'+esc(f.url)+'" alt="'+esc(f.name.replace(/\\.[^.]+$/,''))+'">');sync();});
  });
  var EXT={'image/png':'png','image/jpeg':'jpg','image/gif':'gif','image/webp':'webp'};
  function dataFile(uri,n){
    var m=/^data:([^;,]+)(;base64)?,(.*)$/.exec(uri);if(!m||!EXT[m[1]])return null;
    var raw=m[2]?atob(m[3]):decodeURIComponent(m[3]),bytes=new Uint8Array(raw.length);
    for(var i=0;i<raw.length;i++)bytes[i]=raw.charCodeAt(i);
    return new File([bytes],T('粘贴的图片','pasted-image')+n+'.'+EXT[m[1]],{type:m[1]});
  }
  /** Pasted or dropped images become the draft's own files; what cannot be fetched is taken out and said. */
  var seq=0;
  function adoptImages(){
    var dropped=0;
    [].forEach.call(editor.editor.querySelectorAll('img'),function(img){
      var src=img.getAttribute('src')||'';
      if(FILE_SRC.test(src)||img.hasAttribute('data-uploading'))return;
      var file=/^data:/.test(src)?dataFile(src,++seq):null;
      if(!file){dropped++;img.remove();return;}
      img.setAttribute('data-uploading','1');
      upload(file).then(function(f){img.setAttribute('src',f.url);img.removeAttribute('data-uploading');sync();},function(){img.remove();sync();});
    });
    if(dropped){sync();say(T('已移除 '+dropped+' 张无法读取的图片（Word 本地图片或其他网站的图片）：请用「插入图片」上传，或导入 .docx 文件。','Removed '+dropped+' image(s) the browser cannot read (Word\\'s local images or other sites\\' pictures): add them with Insert image, or import the .docx.'));}
  }
  /**
   * 发布前自查 as the person writes: 400 ms after typing or pasting stops, the form is posted with
   * intent=check (what the button does without JavaScript, files left out) and the findings beside
   * the text are replaced by the answer's. An answer overtaken by later typing is dropped.
   */
  var side=document.querySelector('.editor-side'),screenTimer=0,asked=0;
  function screen(){
    if(!side)return;
    sync();
    var fd=new FormData(form),n=++asked;
    ['attachments','docx','removeFileIds'].forEach(function(k){fd.delete(k);});
    fd.set('intent','check');
    fetch(form.action,{method:'POST',body:fd,credentials:'same-origin'}).then(function(r){return r.ok?r.text():null;}).then(function(html){
      if(!html||n!==asked)return;
      var fresh=new DOMParser().parseFromString(html,'text/html').querySelector('.editor-side');
      if(fresh&&fresh.innerHTML!==side.innerHTML)side.innerHTML=fresh.innerHTML;
    },function(){});
  }
  function screenSoon(){clearTimeout(screenTimer);screenTimer=setTimeout(screen,400);}
  var titleField=form.querySelector('[name=title]');if(titleField)titleField.addEventListener('input',screenSoon);
  /** 发布前自查 screens in place: posting the form would send it back without the files chosen (a file input cannot be refilled). */
  var checkButton=form.querySelector('button[name=intent][value=check]');
  if(checkButton&&side)checkButton.addEventListener('click',function(e){e.preventDefault();screen();say(T('已按当前内容自查，结果见「发布前自查」栏。','Checked as the text stands: the findings are in the pre-screen panel.'));});
  var timer=0;
  editor.events.on('afterPaste',function(){setTimeout(adoptImages,0);screenSoon();});
  editor.events.on('change',function(){clearTimeout(timer);timer=setTimeout(adoptImages,300);screenSoon();});
  /**
   * Leaving with unsaved changes asks first (the browser's own 离开此网站？ prompt): what the form
   * holds is compared with what it held when the page was ready, so typing and undoing it is no change.
   */
  function held(){sync();var out=[];new FormData(form).forEach(function(v,k){if(k!=='_csrf')out.push(k+'='+(typeof v==='string'?v:v.name+':'+v.size));});return out.join('&');}
  var atLoad=held(),submitting=false;
  window.addEventListener('beforeunload',function(e){if(submitting||held()===atLoad)return;e.preventDefault();e.returnValue='';});
  form.addEventListener('submit',function(e){
    if(pending>0){e.preventDefault();e.stopImmediatePropagation();say(T('图片仍在上传，请稍候再提交。','Images are still uploading; submit again in a moment.'));return;}
    sync();submitting=true;
  },true);
  window.impEditor=editor;
})();
`;

export const EDITOR_JS_URL = pageAsset('editor.js', EDITOR_JS);
