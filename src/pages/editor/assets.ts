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
.field .hint.warn{color:#7a4b00}
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
 * CORS forbid fetching them) are removed with a notice saying how to add them. Files over the limit
 * the page states (data-file-max, FILE_MAX_BYTES) are refused here, naming them, before anything is
 * posted: the server would refuse the whole form before reading it, and what was typed with it.
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
  var FILE_MAX=+area.getAttribute('data-file-max')||0,FORM_MAX=+area.getAttribute('data-form-max')||0;
  /** Each field's problem in the words the server-rendered form uses (fieldMessages). */
  var SAID={};try{SAID=JSON.parse(area.getAttribute('data-field-messages')||'{}');}catch(e){}
  function mb(n){return Math.round(n/1024/1024*10)/10+' MB';}
  /** A file over the limit, said as the server says it (file_too_large), naming the file. */
  function tooBig(file){return FILE_MAX&&file.size>FILE_MAX?T('文件「'+file.name+'」过大：每个文件不超过 '+mb(FILE_MAX),'The file "'+file.name+'" is too large: at most '+mb(FILE_MAX)+' a file'):'';}
  var FILE_SRC=/^(?:https?:\\/\\/[^\\/]+)?\\/api\\/v1\\/files\\/[0-9a-fA-F-]{36}$/;
  function say(msg){if(status)status.textContent=msg;}
  function esc(s){return String(s).replace(/[&<>"']/g,function(c){return '&#'+c.charCodeAt(0)+';';});}
  function textToHtml(text){return text.replace(/\\r\\n?/g,'\\n').split(/\\n{2,}/).filter(function(p){return p.trim();}).map(function(p){return '<p>'+esc(p).replace(/\\n/g,'<br>')+'</p>';}).join('');}
  /** The page's error summary, as the server renders it, naming the field to mend. */
  function problem(message,field){
    var old=document.querySelector('.error-summary');if(old)old.remove();
    var box=document.createElement('div');box.className='error-summary';box.setAttribute('role','alert');box.setAttribute('tabindex','-1');box.setAttribute('data-said-here','');
    box.innerHTML='<h2>'+esc(T('提交的内容有问题','There is a problem'))+'</h2><ul><li><a href="#f-'+esc(field)+'">'+esc(message)+'</a></li></ul>';
    var head=document.querySelector('.page-head');head.parentNode.insertBefore(box,head.nextSibling);box.focus();
  }
  /** What this script said went wrong is gone once the thing it was about has worked. */
  function solved(){var box=document.querySelector('.error-summary[data-said-here]');if(box)box.remove();}
  function fieldOf(err,fallback){
    var d=err&&err.details;
    if(Array.isArray(d)&&d[0]&&d[0].path)return String(d[0].path).split('.')[0];
    if(d&&d.field&&d.field!=='file')return d.field;
    return fallback;
  }
  /** A refusal said once, at the top: a field's problem as the form words it, else the server's message. */
  function told(err,fallback){
    var field=fieldOf(err,fallback);
    problem((err.code==='validation_failed'&&SAID[field])||err.message||T('操作失败','That did not work'),field);
    err.said=true;
  }
  function call(url,body,json){
    var headers={'X-CSRF-Token':csrf};if(json)headers['Content-Type']='application/json';
    return fetch(url,{method:'POST',headers:headers,body:json?JSON.stringify(body):body,credentials:'same-origin'}).then(function(r){
      return r.json().catch(function(){return {};}).then(function(j){if(!r.ok)throw (j&&j.error)||{message:T('上传失败','Upload failed')};return j;});
    },function(){throw {message:T('无法连接服务器，请检查网络后重试。','The server cannot be reached; check the connection and try again.')};});
  }
  /**
   * The link dialog takes what the server keeps: http, https and mailto addresses (and addresses
   * without a scheme). Any other scheme is refused there, and a pasted link with one loses its link
   * (its text stays) before Jodit would rewrite javascript:… into http://javascript:….
   */
  var SCHEME=/^[a-z][a-z0-9+.-]*:/i,KEPT_SCHEME=/^(?:https?|mailto):/i;
  function badHref(href){var h=String(href||'').replace(/[\\u0000-\\u0020]+/g,'');return SCHEME.test(h)&&!KEPT_SCHEME.test(h);}
  function linkForm(j){
    var f=Jodit.defaultOptions.link.formTemplate(j);
    (f.allChildren||[]).forEach(function(c){
      if(c.state&&c.state.name==='url'&&c.validators)c.validators.add(function(input){
        if(!badHref(input.value))return true;
        input.error=T('链接地址须以 http://、https:// 或 mailto: 开头','A link must start with http://, https:// or mailto:');return false;
      });
    });
    return f;
  }
  /** Unwraps the links of a node (an element or a pasted fragment) whose scheme the server drops. */
  function dropUnsafeLinks(node){
    if(!node||!node.querySelectorAll)return;
    var links=[].slice.call(node.querySelectorAll('a[href]'));
    if(node.nodeName==='A')links.push(node);
    links.forEach(function(a){
      if(!badHref(a.getAttribute('href')))return;
      if(a===node){a.removeAttribute('href');return;}
      while(a.firstChild)a.parentNode.insertBefore(a.firstChild,a);
      a.remove();
    });
  }
  if(format.value!=='html')area.value=textToHtml(area.value);
  format.value='html';
  var picker=document.createElement('input');picker.type='file';picker.accept='image/jpeg,image/png,image/gif,image/webp';picker.hidden=true;
  picker.setAttribute('aria-label',T('选择要插入的图片','Choose an image to insert'));
  form.appendChild(picker);
  /**
   * Only what survives the server's sanitizer (src/domain/html.ts: headings, paragraphs, emphasis,
   * lists, links, tables, images, quotes; no classes, styles, targets or rel) is offered: no 代码
   * (pre) block, no list styles, no link class, new-window or nofollow, no cell or image alignment
   * or colours. Jodit.atom: Jodit would otherwise merge these lists with its own longer ones.
   */
  var editor=Jodit.make(area,{
    language:en?'en':'zh_cn',
    // Words Jodit's zh_cn leaves in English: the link dialog's address field (it has only ' URL', with a space).
    i18n:{zh_cn:{URL:'链接地址'}},
    minHeight:360,toolbarAdaptive:false,toolbarSticky:false,allowTabNavigation:true,tabIndex:0,
    buttons:['paragraph','bold','italic','underline','|','ul','ol','|','link','table',
      {name:'upload-image',icon:'image',tooltip:T('插入图片','Insert image'),exec:function(){picker.click();}},'|','undo','redo','eraser'],
    controls:{
      paragraph:{list:Jodit.atom({p:'Paragraph',h1:'Heading 1',h2:'Heading 2',h3:'Heading 3',h4:'Heading 4',blockquote:'Quote'})},
      ul:{list:null},ol:{list:null}
    },
    popup:{a:Jodit.atom(['eye','link','unlink']),img:Jodit.atom(['delete']),cells:Jodit.atom(['splitv','merge','addcolumn','addrow','deleteTable'])},
    link:{formTemplate:linkForm,modeClassName:null,openInNewTabCheckbox:false,noFollowCheckbox:false,processVideoLink:false},
    disablePlugins:['about','ai-assistant','speech-recognize','source','print','video','file','media','iframe','powered-by-jodit','spellcheck','xpath','fullsize','preview','stat','image-properties'],
    askBeforePasteHTML:false,askBeforePasteFromWord:false,processPasteFromWord:true,
    defaultActionOnPaste:'insert_clear_html',defaultActionOnPasteFromWord:'insert_clear_html',
    hidePoweredByJodit:true,showCharsCounter:false,showWordsCounter:false,showXPathInStatusbar:false,
    sourceEditor:'area',beautifyHTML:false,uploader:{insertImageAsBase64URI:true}
  });
  // Ahead of Jodit's own cleaner, which would keep such a link as http://javascript:…
  editor.events.on('safeHTML',dropUnsafeLinks,{top:true});
  /** Jodit's own synchronizeValues is throttled: a submit right after typing could post the text of a moment ago. */
  function sync(){area.value=editor.value;}
  editor.editor.setAttribute('aria-labelledby','body-label');
  editor.editor.setAttribute('aria-describedby','f-body-hint');
  /**
   * A new draft is saved first, with what the form holds, so its images have a draft to belong to;
   * once (images pasted together wait for the same save), and the page becomes its edit form:
   * heading, breadcrumb and address, so a reload opens that draft rather than making another.
   */
  var making=null;
  function becameDraft(d){
    draftId=d.id;area.setAttribute('data-draft-id',d.id);form.action='/drafts/'+d.id+'/edit';
    [['baseVersion','1'],['accountIdsOffered','1']].forEach(function(kv){var i=document.createElement('input');i.type='hidden';i.name=kv[0];i.value=kv[1];form.appendChild(i);});
    history.replaceState(null,'','/drafts/'+d.id+'/edit'+location.search);
    var heading=T('修改稿件','Edit draft'),h1=document.querySelector('.page-head h1');
    if(h1)h1.textContent=heading;
    document.title=document.title.replace(T('新建稿件','New draft'),heading);
    var here=document.querySelector('nav.crumbs > :last-child');
    if(here){
      var link=document.createElement('a');link.href='/drafts/'+d.id;link.textContent=d.title;
      here.parentNode.insertBefore(link,here);here.parentNode.insertBefore(document.createTextNode(' / '),here);here.textContent=heading;
    }
    [].forEach.call(document.querySelectorAll('a[href^="/drafts/new?"]'),function(a){
      var href=a.getAttribute('href');if(/[?&]lang=/.test(href))a.setAttribute('href',href.replace('/drafts/new','/drafts/'+d.id+'/edit'));
    });
    var imp=document.getElementById('import');if(imp)imp.remove();
  }
  function ensureDraft(){
    if(draftId)return Promise.resolve(draftId);
    if(making)return making;
    var checked=[].map.call(form.querySelectorAll('input[name=accountIds]:checked'),function(i){return i.value;});
    var title=form.querySelector('[name=title]').value.trim();
    var body=editor.value.replace(/<img[^>]*>/g,'').replace(/<[^>]*>|&nbsp;/g,'').trim()?editor.value:'<p>'+esc(T('（正文待写）','(text to come)'))+'</p>';
    making=call('/api/v1/drafts',{title:title||T('未命名稿件','Untitled draft'),body:body,bodyFormat:'html',unitId:form.querySelector('[name=unitId]').value,
      accountIds:checked,urgency:form.querySelector('[name=urgency]').value},true).then(function(d){
      becameDraft(d);
      say(T('已自动保存为草稿（发布账号和紧急程度已随草稿保存）。','Saved as a draft (with its accounts and urgency).'));
      return d.id;
    },function(err){making=null;told(err,'form');throw err;});
    return making;
  }
  /** Uploads one image; a refusal is said at the top (naming the file) and the status line cleared. */
  function upload(file){
    var big=tooBig(file);
    if(big){problem(big,'body');return Promise.reject({said:true});}
    pending++;say(T('正在上传 '+file.name+' …','Uploading '+file.name+' …'));
    return ensureDraft().then(function(id){var fd=new FormData();fd.append('file',file,file.name);return call('/api/v1/drafts/'+id+'/files',fd,false);})
      .then(function(f){pending--;solved();say(f.duplicate?T('稿件中已有此文件：'+f.name+'（未重复上传）',f.name+' is already among the draft’s files (not added again)'):T('已上传 '+f.name,'Uploaded '+f.name));return f;},
        function(err){pending--;say('');if(!err.said)told(err,'body');throw err;});
  }
  picker.addEventListener('change',function(){
    var file=picker.files&&picker.files[0];picker.value='';if(!file)return;
    upload(file).then(function(f){editor.s.insertHTML('<img src="'+esc(f.url)+'" alt="'+esc(f.name.replace(/\\.[^.]+$/,''))+'">');sync();},function(){});
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
  /**
   * Before the form goes: no image still uploading; every chosen file within the limit, and all of
   * them within what one post takes (said here, naming the file, with nothing lost); and 导入, which
   * makes a new draft of the document, asks before the typed text and chosen attachments go.
   */
  function chosen(name){var i=form.querySelector('input[type=file][name='+name+']');return i&&i.files?[].slice.call(i.files):[];}
  function importLoses(){
    var lost=[],text=(editor.editor.textContent||'').replace(/\\s+/g,' ').trim(),files=chosen('attachments').map(function(f){return f.name;});
    if(text)lost.push(T('已输入的正文（'+text.length+' 字：“'+text.slice(0,30)+(text.length>30?'…':'')+'”）','the text typed ('+text.length+' characters: "'+text.slice(0,30)+(text.length>30?'…':'')+'")'));
    if(files.length)lost.push(T('已选择的附件：'+files.join('、'),'the attachments chosen: '+files.join(', ')));
    return lost;
  }
  form.addEventListener('submit',function(e){
    function stop(){e.preventDefault();e.stopImmediatePropagation();}
    if(pending>0){stop();say(T('图片仍在上传，请稍候再提交。','Images are still uploading; submit again in a moment.'));return;}
    var total=0,names=['attachments','docx'];
    for(var n=0;n<names.length;n++){
      var files=chosen(names[n]);
      for(var i=0;i<files.length;i++){
        var big=tooBig(files[i]);
        if(big){stop();problem(big,names[n]);return;}
        total+=files[i].size;
      }
    }
    if(FORM_MAX&&total>FORM_MAX){stop();problem(T('所选文件合计 '+mb(total)+'，一次保存不超过 '+mb(FORM_MAX)+'：请先保存一部分，其余再次添加。','The files chosen come to '+mb(total)+'; one save takes at most '+mb(FORM_MAX)+': save some now and add the rest afterwards.'),'attachments');return;}
    var intent=e.submitter&&e.submitter.name==='intent'?e.submitter.value:'';
    if(intent==='import'){
      var lost=importLoses();
      if(lost.length&&!window.confirm(T('导入会以 Word 文档的内容新建稿件，以下内容不会保留：\\n','Importing makes a new draft of the Word document; this will not be kept:\\n')+lost.join('\\n')+T('\\n\\n仍要导入吗？','\\n\\nImport anyway?'))){stop();return;}
    }
    sync();submitting=true;
  },true);
  window.impEditor=editor;
})();
`;

export const EDITOR_JS_URL = pageAsset('editor.js', EDITOR_JS);
