import { html, raw } from 'hono/html';
import { registryLabel } from '../domain/registry-labels';
import type { verifyCode } from '../services/inspections';
import { page } from './layout';
import { cstDate } from '../domain/cst';

export type Verification = Awaited<ReturnType<typeof verifyCode>>;


const STYLE = `.verdict{display:flex;gap:14px;align-items:center}.verdict .mark{font-size:34px;line-height:1}
.verdict.valid{background:#e6f4ea;color:#1f5131}.verdict.invalid{background:#fdecea;color:#7a1c1c}.verdict.expired{background:#eee;color:#444}
dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 14px;margin:0}dt{color:#666}dd{margin:0;word-break:break-word}
.code{font:600 18px/1.4 ui-monospace,Menlo,Consolas,monospace;letter-spacing:1px}.qr{text-align:center}.qr img{width:180px;height:180px}
form.lookup{display:flex;gap:8px}form.lookup input{flex:1;min-width:0;font:inherit;padding:10px;border:1px solid #ccc;border-radius:6px;text-transform:uppercase}
form.lookup button{flex:0 0 auto;min-width:0;padding:10px 16px;background:#9b1c1c}`;

/**
 * The verdict in one line, then the facts. A code is only good when it is live *and* the account is
 * registered: a suspended account's code is shown as not valid even though the code itself stands.
 */
function verdict(v: Verification): { cls: string; mark: string; zh: string; en: string } {
  if (v.status === 'revoked') return { cls: 'invalid', mark: '✕', zh: '该审查合格编码已撤销', en: 'This inspection pass code has been revoked' };
  if (v.status === 'expired') return { cls: 'expired', mark: '⌛', zh: '该审查合格编码已过期', en: 'This inspection pass code has expired' };
  if (!v.valid) {
    const state = registryLabel('accountStatus', v.account.status);
    return { cls: 'invalid', mark: '!', zh: `账号当前状态为“${state}”，编码暂不有效`, en: `The account is ${registryLabel('accountStatus', v.account.status, 'en')}; the code is not currently valid` };
  }
  return { cls: 'valid', mark: '✓', zh: '审查合格编码有效', en: 'Valid inspection pass code' };
}

/** What anyone who scans an account's QR code sees: zh-CN first, English beneath each line. */
export function verifyPage(v: Verification) {
  const d = verdict(v);
  const row = (zh: string, en: string, value: unknown) => html`<dt>${zh}<br><small>${en}</small></dt><dd>${value}</dd>`;
  return page({
    title: `审查合格编码查验 ${v.code}`,
    body: html`<style>${raw(STYLE)}</style>
<div class="notice verdict ${d.cls}" role="status" data-valid="${String(v.valid)}" data-status="${v.status}">
  <span class="mark" aria-hidden="true">${d.mark}</span>
  <div><strong>${d.zh}</strong><br><span class="meta">${d.en}</span></div>
</div>
<section>
  <h1>${v.account.name}</h1>
  <div class="code">${v.code}</div>
</section>
<section>
  <h2>查验结果 Verification</h2>
  <dl>
    ${row('账号名称', 'Account', v.account.name)}
    ${row('平台', 'Platform', `${registryLabel('platform', v.account.platform)} / ${registryLabel('platform', v.account.platform, 'en')}`)}
    ${row('主办单位', 'Host unit', v.account.unit)}
    ${v.account.registrationNo ? row('登记编号', 'Registration no.', v.account.registrationNo) : ''}
    ${row('账号状态', 'Account status', html`<span class="account-status">${registryLabel('accountStatus', v.account.status)}</span> / ${registryLabel('accountStatus', v.account.status, 'en')}`)}
    ${row('检查年度', 'Inspection year', `${v.year} 年度 / ${v.year}`)}
    ${row('年检结论', 'Result', `${registryLabel('result', v.result)} / ${registryLabel('result', v.result, 'en')}`)}
    ${row('发放日期', 'Issued', cstDate(v.issuedAt))}
    ${row('编码状态', 'Code status', html`<span class="code-status">${registryLabel('codeStatus', v.status)}</span> / ${registryLabel('codeStatus', v.status, 'en')}`)}
    ${v.revokedAt ? row('撤销日期', 'Revoked', cstDate(v.revokedAt)) : ''}
    ${v.expiredAt ? row('过期日期', 'Expired', cstDate(v.expiredAt)) : ''}
  </dl>
</section>
<section class="qr">
  <img src="/verify/${encodeURIComponent(v.code)}/qr.svg" alt="查验二维码 QR code for ${v.code}">
  <div class="meta">扫码查验 · Scan to verify · <a href="/verify/${encodeURIComponent(v.code)}/qr.png" download>PNG</a> · <a href="/api/v1/verify/${encodeURIComponent(v.code)}">JSON</a></div>
</section>
${lookupForm()}`,
  });
}

/**
 * A box to type a code into, for people who read it off a poster rather than scan it; under an
 * answer, for the next code.
 */
export function lookupForm(another = true) {
  return html`<section><h2>${another ? '查验其他编码 Check another code' : '输入编码 Enter the code'}</h2>
<form class="lookup" method="get" action="/verify"><input name="code" placeholder="SJ-2026-WX-0001-T" aria-label="审查合格编码 Inspection pass code" autocomplete="off" spellcheck="false"><button type="submit">查验 Verify</button></form></section>`;
}

export function lookupPage() {
  return page({ title: '审查合格编码查验', body: html`<style>${raw(STYLE)}</style><section><h1>审查合格编码查验</h1><div class="meta">Verify an official account’s inspection pass code</div></section>${lookupForm(false)}` });
}
