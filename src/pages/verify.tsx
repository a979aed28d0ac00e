import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { cstDate } from '../domain/cst';
import { registryLabel } from '../domain/registry-labels';
import type { AppError } from '../lib/errors';
import type { AppEnv } from '../lib/http';
import type { verifyCode } from '../services/inspections';
import { Layout } from './components/Layout';
import { pageCtx, type PageCtx } from './components/context';
import { renderPage } from './components/render';
import { Button, Card, Facts, Notice } from './components/ui';

export type Verification = Awaited<ReturnType<typeof verifyCode>>;

/**
 * The verdict in one line, then the facts. A code is only good when it is live *and* the account is
 * registered: a suspended account's code is shown as not valid even though the code itself stands.
 */
function verdict(v: Verification): { cls: string; tone: 'ok' | 'bad' | 'warn'; mark: string; zh: string; en: string } {
  if (v.status === 'revoked') return { cls: 'invalid', tone: 'bad', mark: '✕', zh: '该审查合格编码已撤销', en: 'This inspection pass code has been revoked' };
  if (v.status === 'expired') return { cls: 'expired', tone: 'warn', mark: '⌛', zh: '该审查合格编码已过期', en: 'This inspection pass code has expired' };
  if (!v.valid) {
    const state = registryLabel('accountStatus', v.account.status);
    return { cls: 'invalid', tone: 'bad', mark: '!', zh: `账号当前状态为“${state}”，编码暂不有效`, en: `The account is ${registryLabel('accountStatus', v.account.status, 'en')}; the code is not currently valid` };
  }
  return { cls: 'valid', tone: 'ok', mark: '✓', zh: '审查合格编码有效', en: 'Valid inspection pass code' };
}

/** A label in Chinese with its English beneath: the page is read by anyone who scans a poster. */
const Both = ({ zh, en }: { zh: Child; en: Child }) => <>{zh}<br /><small class="muted">{en}</small></>;

/** A registry value in both languages, `zh / en`, in a span the tests and the eye can find. */
const both = (kind: Parameters<typeof registryLabel>[0], value: string, cls?: string) => <><span class={cls}>{registryLabel(kind, value)}</span> / {registryLabel(kind, value, 'en')}</>;

/** What anyone who scans an account's QR code sees: zh-CN first, English beneath each line. */
export function VerifyPage({ ctx, v }: { ctx: PageCtx; v: Verification }) {
  const d = verdict(v);
  const code = encodeURIComponent(v.code);
  // A fact the code does not have (no registration number, not revoked) is left out.
  const facts = ([
    [<Both zh="账号名称" en="Account" />, v.account.name],
    [<Both zh="平台" en="Platform" />, both('platform', v.account.platform)],
    [<Both zh="主办单位" en="Host unit" />, v.account.unit],
    v.account.registrationNo ? [<Both zh="登记编号" en="Registration no." />, v.account.registrationNo] : null,
    [<Both zh="账号状态" en="Account status" />, both('accountStatus', v.account.status, 'account-status')],
    [<Both zh="检查年度" en="Inspection year" />, `${v.year} 年度 / ${v.year}`],
    [<Both zh="年检结论" en="Result" />, both('result', v.result)],
    [<Both zh="发放日期" en="Issued" />, cstDate(v.issuedAt)],
    // The code itself stands while the account is not registered: said so, beside the verdict's "not valid".
    [<Both zh="编码状态" en="Code status" />, !v.valid && v.status === 'valid'
      ? <>{both('codeStatus', v.status, 'code-status')}<br /><small class="muted">未撤销、未过期，但账号当前不在正常登记状态，暂不作数 / not revoked or expired, but it does not count while the account is not registered</small></>
      : both('codeStatus', v.status, 'code-status')],
    v.revokedAt ? [<Both zh="撤销日期" en="Revoked" />, cstDate(v.revokedAt)] : null,
    v.expiredAt ? [<Both zh="过期日期" en="Expired" />, cstDate(v.expiredAt)] : null,
  ] as ([Child, Child] | null)[]).filter((row) => row !== null);
  return (
    <Layout ctx={ctx} title={`审查合格编码查验 ${v.code}`} bare>
      <div class={`notice ${d.tone} verdict pass-verdict ${d.cls}`} role="status" data-valid={String(v.valid)} data-status={v.status}>
        <span class="mark" aria-hidden="true">{d.mark}</span>
        <div><strong>{d.zh}</strong><br /><span class="muted">{d.en}</span></div>
      </div>
      <Card>
        <h1>{v.account.name}</h1>
        <div class="pass-code">{v.code}</div>
      </Card>
      <Card title="查验结果 Verification"><Facts rows={facts} /></Card>
      <section class="card qr">
        <img src={`/verify/${code}/qr.svg`} alt={`查验二维码 QR code for ${v.code}`} width="180" height="180" />
        <div class="muted">扫码查验 · Scan to verify · <a href={`/verify/${code}/qr.png`} download>PNG</a> · <a href={`/api/v1/verify/${code}`}>JSON</a></div>
      </section>
      <LookupForm another />
    </Layout>
  );
}

/**
 * A box to type a code into, for people who read it off a poster rather than scan it; under an
 * answer, for the next code.
 */
function LookupForm({ another }: { another: boolean }) {
  return (
    <Card title={another ? '查验其他编码 Check another code' : '输入编码 Enter the code'}>
      <form class="lookup" method="get" action="/verify">
        <input type="text" name="code" placeholder="SJ-2026-WX-0001-T" aria-label="审查合格编码 Inspection pass code" autocomplete="off" spellcheck={false} />
        <Button>查验 Verify</Button>
      </form>
    </Card>
  );
}

export function LookupPage({ ctx }: { ctx: PageCtx }) {
  return (
    <Layout ctx={ctx} title="审查合格编码查验" bare>
      <Card>
        <h1>审查合格编码查验</h1>
        <div class="muted">Verify an official account’s inspection pass code</div>
      </Card>
      <LookupForm another={false} />
    </Layout>
  );
}

/** A refusal (a typo, an unknown code, too many checks) in both languages, with the form to try again. */
export function VerifyRefusedPage({ ctx, title, zh, en }: { ctx: PageCtx; title: string; zh: string; en: string }) {
  return (
    <Layout ctx={ctx} title={title} bare>
      <Notice tone="bad"><strong>{zh}</strong><br /><span class="muted">{en}</span></Notice>
      <LookupForm another={false} />
    </Layout>
  );
}

/** The verify pages as answers (the routes stay plain .ts). */
export const verifyAnswer = (c: Context<AppEnv>, v: Verification) => renderPage(c, <VerifyPage ctx={pageCtx(c)} v={v} />);
export const lookupAnswer = (c: Context<AppEnv>) => renderPage(c, <LookupPage ctx={pageCtx(c)} />);
export const refusedAnswer = (c: Context<AppEnv>, title: string, err: AppError) => {
  const said = publicWords(err);
  return renderPage(c, <VerifyRefusedPage ctx={pageCtx(c)} title={title} zh={said.zh} en={said.en} />, err.status);
};

/** A refusal as the public reads it: a code that is not one is named as typed, not as the API's parameter `code`. */
function publicWords(err: AppError): { zh: string; en: string } {
  if (err.code !== 'code_malformed') return { zh: err.localized('zh-CN'), en: err.localized('en') };
  const typed = String(err.params.code ?? '');
  return { zh: `“${typed}”不是有效的审查合格编码（应形如 SJ-2026-WX-0042-B），请核对后重新输入`, en: `“${typed}” is not an inspection pass code (they look like SJ-2026-WX-0042-B); check it and try again` };
}
