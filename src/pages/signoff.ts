import { html, raw } from 'hono/html';
import { POSITIONS } from '../../db/schema';
import { CHECKLIST, CHECKLIST_ITEMS } from '../domain/checklist';
import { LABELS, label } from '../lib/i18n';
import type { openLink } from '../services/signoff';
import { page } from './layout';
import { registerAsset } from './assets';
import { cstMinute } from '../domain/cst';
import { bodyHtml } from '../domain/html';

type LinkView = Awaited<ReturnType<typeof openLink>>;


/**
 * The page a busy leader opens from a phone: the exact text under review, the record so far, the
 * checklist and three buttons. It posts JSON to the API; without JavaScript the form posts here.
 */
export function signoffPage(view: LinkView, token: string) {
  const { draft, review, version, reviewer } = view;
  const earlier = POSITIONS.filter((p) => draft.levels.indexOf(p) >= 0 && draft.levels.indexOf(p) < draft.levels.indexOf(review.level));
  const history = draft.reviews.filter((r) => r.decision);
  return page({
    title: `审核：${version.title}`,
    body: html`
<section>
  <h1>${version.title}</h1>
  <div class="meta">
    ${draft.urgency === 'urgent' ? html`<span class="tag urgent">加急 · 当日回复</span> ` : ''}
    第 ${version.no} 版 · 内容指纹 <code title="${version.contentSha256}">${version.contentSha256.slice(0, 12)}</code> · 提交于 ${cstMinute(version.createdAt)}
  </div>
  <div class="meta">审核人：${reviewer.name}（${label('level', review.level)} / ${label('level', review.level, 'en')}）· 链接 ${cstMinute(view.expiresAt)} 前有效</div>
</section>
<section><h2>稿件正文 Text under review</h2><div class="body">${raw(bodyHtml(version.body, version.bodyFormat, (fileId) => `/api/v1/signoff/${token}/files/${fileId}`))}</div></section>
${history.length
  ? html`<section><h2>审核记录 Record so far</h2><table><tr><th>级别</th><th>审核人</th><th>意见</th><th>时间</th></tr>
      ${history.map((r) => html`<tr><td>${label('level', r.level)}</td><td>${r.reviewer.name}</td><td>${label('decision', r.decision ?? '')}${r.comment ? html`：${r.comment}` : ''}</td><td>${r.at ? cstMinute(r.at) : ''}</td></tr>`)}
    </table></section>`
  : ''}
<div id="result" class="notice" hidden></div>
<form id="decision" method="post" action="/s/${token}" data-status="${JSON.stringify(Object.fromEntries(Object.keys(LABELS.status).map((k) => [k, label('status', k)])))}">
<section>
  <h2>审核要点 Checklist（批准须全部勾选）</h2>
  ${CHECKLIST_ITEMS.map((item) => html`<label class="check"><input type="checkbox" name="checklist" value="${item}"><span>${CHECKLIST[item][0]}<br><small class="meta">${CHECKLIST[item][1]}</small></span></label>`)}
</section>
<section>
  <h2>审核意见 Comment</h2>
  <textarea name="comment" placeholder="退回或不予通过时必填 / required to return or reject"></textarea>
  ${earlier.length
    ? html`<p class="meta">退回至 Return to：<select name="returnTo"><option value="drafter">撰写人 drafter</option>${earlier.map((l) => html`<option value="${l}">${label('level', l)} ${label('level', l, 'en')}</option>`)}</select></p>`
    : html`<input type="hidden" name="returnTo" value="drafter">`}
  <div class="actions">
    <button class="approve" name="decision" value="approve">同意 Approve</button>
    <button class="return" name="decision" value="return">退回修改 Return</button>
    <button class="reject" name="decision" value="reject">不予通过 Reject</button>
  </div>
</section>
</form>
<script src="/assets/signoff.js" defer></script>`,
  });
}

/**
 * Posts the form as JSON so errors come back in place; one click, then the buttons lock. A served
 * file, not an inline script: the CSP allows scripts from this origin only.
 */
const SCRIPT = `
const form=document.getElementById('decision'),out=document.getElementById('result');
const STATUS=form?JSON.parse(form.dataset.status||'{}'):{};if(form)
form.addEventListener('submit',async(e)=>{e.preventDefault();
  const decision=e.submitter&&e.submitter.value;const fd=new FormData(form);
  const checklist={};for(const b of form.querySelectorAll('input[name=checklist]'))checklist[b.value]=b.checked;
  const body={decision,checklist,comment:fd.get('comment')||undefined};
  if(decision==='return')body.returnTo=fd.get('returnTo')||'drafter';
  for(const b of form.querySelectorAll('button'))b.disabled=true;
  try{const r=await fetch('/api/v1/signoff/'+location.pathname.split('/').pop(),{method:'POST',headers:{'content-type':'application/json','accept-language':'zh-CN'},body:JSON.stringify(body)});
    const j=await r.json();out.hidden=false;
    if(r.ok){out.className='notice ok';out.textContent='已记录您的决定，稿件状态：'+(STATUS[j.status]||j.status)+'。Your decision is recorded ('+j.status+').';form.remove();}
    else{out.className='notice bad';out.textContent=j.error.message;if(r.status<409)for(const b of form.querySelectorAll('button'))b.disabled=false;else form.remove();}
  }catch(err){out.hidden=false;out.className='notice bad';out.textContent='网络错误，请重试 / network error, try again';for(const b of form.querySelectorAll('button'))b.disabled=false;}
});`;
registerAsset('signoff.js', 'text/javascript; charset=utf-8', SCRIPT);
