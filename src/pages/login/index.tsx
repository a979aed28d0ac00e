import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { requestClient } from '../../lib/client-ip';
import { toAppError } from '../../lib/errors';
import { formBody, type AppEnv } from '../../lib/http';
import { localeOf } from '../../lib/i18n';
import { textProblem } from '../../lib/text';
import { inTransaction } from '../../services/context';
import { beginSignOn, finishSignOn, OIDC_COOKIE, OIDC_FLOW_MS } from '../../services/oidc';
import { endSession, justUsedLinkNext, loginLinkHolder, requestLoginLink, signInWithLink, startSession } from '../../services/sessions';
import { pageCtx, t } from '../components/context';
import { renderPage } from '../components/render';
import { clearSessionCookie, setSessionCookie } from '../sessions';
import { LoginLinkPage } from './LoginLinkPage';
import { LoginPage } from './LoginPage';

/** `next` only ever leads within this site (never `//evil.example` or a full URL). */
export function safeNext(value: unknown): string {
  const next = typeof value === 'string' ? value : '';
  return /^\/(?![/\\])[^\s]*$/.test(next) && !next.startsWith('/login') ? next : '/';
}

const emailField = z.email().max(254);

function loginPage(c: Context<AppEnv>, props: Omit<Parameters<typeof LoginPage>[0], 'ctx'>, status: ContentfulStatusCode = 200) {
  return renderPage(c, <LoginPage ctx={pageCtx(c)} sso={c.var.deps.config.oidc?.label} {...props} />, status);
}

/** A mailed sign-in link (app.ts keeps its answers out of every cache, as a sign-off link's). */
export const LOGIN_LINK_PATH = '/login/:token{iml_[A-Za-z0-9_-]{1,200}}';

/** Where the link page's button posts: the link itself, keeping a chosen `?lang=` for the answer. */
const linkAction = (c: Context<AppEnv>) => `${c.req.path}${c.req.query('lang') ? `?lang=${localeOf(c)}` : ''}`;

/** A used, expired or unknown link: the sign-in page saying which, with the form to ask for a new one. */
function linkRefused(c: Context<AppEnv>, err: unknown) {
  const e = toAppError(err);
  if (!e.code.startsWith('login_link_')) throw err;
  return loginPage(c, { next: '/', linkProblem: e.localized(pageCtx(c).locale) }, e.status);
}

export const loginRouter = new Hono<AppEnv>()
  .get('/login', (c) => {
    const next = safeNext(c.req.query('next'));
    // Already signed in: straight on.
    if (c.get('person')) return c.redirect(next, 303);
    return loginPage(c, { next, signedOut: c.req.query('signed_out') === '1' });
  })
  .post('/login', async (c) => {
    const form = await formBody(c);
    const next = safeNext(form.next);
    const email = typeof form.email === 'string' ? form.email.trim() : '';
    const l = pageCtx(c).locale;
    const parsed = emailField.safeParse(email);
    if (!parsed.success || textProblem(email)) {
      const message = email ? t(l, '请输入有效的邮箱地址，例如 zhang.san@example.edu.cn', 'Enter a valid e-mail address, like zhang.san@example.edu.cn') : t(l, '请输入工作邮箱', 'Enter your work e-mail address');
      return loginPage(c, { next, email: textProblem(email) ? '' : email, errors: { email: message } }, 400);
    }
    try {
      await requestLoginLink(c.var.deps.db, c.var.deps, { email: parsed.data, ip: requestClient(c).ip, next });
    } catch (err) {
      const e = toAppError(err);
      if (e.code !== 'rate_limited') throw err;
      return loginPage(c, { next, email, linkProblem: e.localized(l) }, 429);
    }
    return loginPage(c, { next, email, sent: true });
  })
  .get('/login/sso', async (c) => {
    const sso = c.var.deps.config.oidc;
    if (!sso) return c.redirect('/login', 303);
    let begun: Awaited<ReturnType<typeof beginSignOn>>;
    try {
      begun = await beginSignOn(c.var.deps, sso, safeNext(c.req.query('next')));
    } catch (err) {
      const e = toAppError(err);
      if (e.code !== 'unavailable') throw err;
      return loginPage(c, { next: safeNext(c.req.query('next')), linkProblem: e.localized(pageCtx(c).locale) }, e.status);
    }
    const { redirectTo, cookie } = begun;
    // Lax: the identity provider's redirect back is a top-level GET, which carries it.
    setCookie(c, OIDC_COOKIE, cookie, { path: '/login/sso', httpOnly: true, sameSite: 'Lax', secure: c.var.deps.config.publicUrl.startsWith('https:'), maxAge: OIDC_FLOW_MS / 1000 });
    return c.redirect(redirectTo, 303);
  })
  .get('/login/sso/callback', async (c) => {
    const sso = c.var.deps.config.oidc;
    if (!sso) return c.redirect('/login', 303);
    const flowCookie = getCookie(c, OIDC_COOKIE);
    deleteCookie(c, OIDC_COOKIE, { path: '/login/sso' });
    try {
      const { personId, next } = await finishSignOn(c.var.deps.db, c.var.deps, sso, new URL(c.req.url).search, flowCookie);
      const started = await inTransaction(c.var.deps.db, c.var.deps, (tx) => startSession(tx, c.var.deps, personId, 'oidc', requestClient(c)));
      setSessionCookie(c, started.token);
      return c.redirect(safeNext(next), 303);
    } catch (err) {
      const e = toAppError(err);
      if (e.code !== 'sso_failed') throw err;
      return loginPage(c, { next: '/', linkProblem: e.localized(pageCtx(c).locale) }, e.status);
    }
  })
  // Opening the link only shows whom it signs in: link scanners and chat previews open it too.
  .get(LOGIN_LINK_PATH, async (c) => {
    try {
      const holder = await loginLinkHolder(c.var.deps.db, c.var.deps, c.req.param('token'));
      return renderPage(c, <LoginLinkPage ctx={pageCtx(c)} holder={holder} action={linkAction(c)} />);
    } catch (err) {
      return linkRefused(c, err);
    }
  })
  // Its button: uses the link up and starts the session.
  .post(LOGIN_LINK_PATH, async (c) => {
    try {
      const started = await signInWithLink(c.var.deps.db, c.var.deps, c.req.param('token'), requestClient(c));
      setSessionCookie(c, started.token);
      return c.redirect(safeNext(started.next), 303);
    } catch (err) {
      // Pressed twice (a double click without scripts; the browser shows the second answer): on to
      // where the first went, signed in by the first's cookie (or, had it been lost, asked to sign in there).
      const next = toAppError(err).code === 'login_link_used' ? await justUsedLinkNext(c.var.deps.db, c.var.deps, c.req.param('token')) : null;
      return next ? c.redirect(safeNext(next), 303) : linkRefused(c, err);
    }
  })
  .post('/logout', async (c) => {
    const person = c.get('person');
    const sessionId = c.get('sessionId');
    if (person && sessionId) await endSession(c.var.deps.db, c.var.deps, person, sessionId);
    clearSessionCookie(c);
    return c.redirect(`/login?signed_out=1${c.req.query('lang') ? `&lang=${encodeURIComponent(c.req.query('lang')!)}` : ''}`, 303);
  });
