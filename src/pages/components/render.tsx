import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { logDatabaseFault, toAppError, Words, type AppError } from '../../lib/errors';
import { type AppEnv } from '../../lib/http';
import { LANG_COOKIE, parseLocale } from '../../lib/i18n';
import { pageCtx, t } from './context';
import { Layout } from './Layout';
import { Card, LinkButton, Notice } from './ui';

/**
 * Sends a rendered page; pages show what one person may see, so no shared cache keeps them. Its
 * Referrer-Policy is the app's no-referrer (securityHeaders), and no page loosens it with a `<meta
 * name="referrer">`: a sign-off or sign-in link's token would be the Referer of the page's own requests.
 */
export async function renderPage(c: Context<AppEnv>, node: Child, status: ContentfulStatusCode = 200) {
  c.header('Cache-Control', 'no-store');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('X-Frame-Options', 'DENY');
  rememberLanguage(c);
  return c.html(`<!doctype html>${await String(node)}`, status);
}

/** A `?lang=` switch is remembered in a cookie, so the next page (and the next visit) keeps the language. */
function rememberLanguage(c: Context<AppEnv>) {
  const lang = c.req.query('lang');
  if (!lang) return;
  setCookie(c, LANG_COOKIE, parseLocale(lang), { path: '/', sameSite: 'Lax', maxAge: 365 * 86400, secure: c.var.deps.config.publicUrl.startsWith('https:') });
}

/** Any error as a page in the layout: its message in the page's language, never a stack or data. */
/** Why a refusal was made, when it says so in both languages (`details.reason`), for the page beneath its message. */
const reasonOf = (e: AppError): Words | null => {
  const reason = e.details && typeof e.details === 'object' ? (e.details as { reason?: unknown }).reason : undefined;
  return reason instanceof Words ? reason : null;
};

/**
 * The form a refusal came from (`details.back`, a path on this site), when the refusal came before
 * the form's route could send it back filled in: the browser's Back keeps what was typed, and the
 * shared app.js makes this link do that.
 */
const backOf = (e: AppError): string | null => {
  const back = e.details && typeof e.details === 'object' ? (e.details as { back?: unknown }).back : undefined;
  return typeof back === 'string' && /^\/(?![/\\])/.test(back) ? back : null;
};

export function errorPage(c: Context<AppEnv>, err: unknown) {
  const e = toAppError(err);
  if (e.code === 'internal') c.var.log.error({ err }, 'page failed');
  else if (e.code === 'unavailable') logDatabaseFault(c, err);
  const ctx = pageCtx(c);
  const title = e.status === 403 ? t(ctx, '无权访问', 'Not allowed') : e.status === 404 ? t(ctx, '未找到', 'Not found') : t(ctx, '无法处理', 'Cannot do that');
  return renderPage(
    c,
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <Notice tone="bad">{e.localized(ctx.locale)}</Notice>
      {reasonOf(e) ? <p class="reason">{reasonOf(e)!.in(ctx.locale)}</p> : null}
      <Card>
        <div class="actions">
          {backOf(e) ? <a class="btn" href={backOf(e)!} data-back>{t(ctx, '返回表单', 'Back to the form')}</a> : null}
          <LinkButton href={ctx.person ? '/' : '/login'} kind="secondary">{ctx.person ? t(ctx, '返回工作台', 'Back to the workspace') : t(ctx, '登录', 'Sign in')}</LinkButton>
        </div>
      </Card>
    </Layout>,
    e.status,
  );
}
