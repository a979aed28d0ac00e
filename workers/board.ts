import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context, Hono, Next } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { requestClient } from '../src/lib/client-ip';
import { AppError, errorBody, words } from '../src/lib/errors';
import { formBody, type AppDeps, type AppEnv } from '../src/lib/http';
import { localeOf } from '../src/lib/i18n';
import { errorPage } from '../src/pages/components/render';
import { boardSignIn, boardSignOut } from '../src/pages/operations/board';
import { authenticate, hasRole, heldToken, tokenHolder } from '../src/services/auth';
import { inTransaction } from '../src/services/context';
import { endSession, sessionFor, startSession } from '../src/services/sessions';
import type { Queues } from './queues';
import { isUuid } from '../src/lib/text';

export const BOARD_PATH = '/admin/queues';
const LOGIN_PATH = '/admin/login';
const LOGOUT_PATH = '/admin/logout';
const SANS = '-apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
const MONO = 'ui-monospace, "Noto Sans Mono CJK SC", Menlo, Consolas, monospace';
const COOKIE = 'imp_admin';

const SESSION_MS = 8 * 3600_000;

/**
 * Bull Board at /admin/queues, for admins only. A browser cannot send a bearer header, so an admin
 * signs in once with their token on /admin/login and gets an 8-hour session (stored, as a page
 * session is, and standing on that token: signing out, ending it from /settings, deactivation or
 * revoking the token ends it at once) in an HttpOnly,
 * SameSite=Strict cookie scoped to /admin (the board's retry/clean buttons are POSTs: Strict keeps
 * them same-site). The admin role is checked on every request.
 */
export function mountQueueBoard(app: Hono<AppEnv>, queues: Queues, deps: AppDeps): void {
  const adapter = new HonoAdapter(serveStatic).setBasePath(BOARD_PATH);
  // Which database's jobs these are: the installation id in the title and under every queue's name.
  const { installationId } = queues.settings;
  createBullBoard({
    queues: Object.values(queues.byName).map((q) => new BullMQAdapter(q, { description: `安装 / installation ${installationId}` })),
    serverAdapter: adapter,
    options: {
      uiConfig: {
        boardTitle: `队列 · 安装 ${installationId.slice(0, 8)}`,
        // Bull Board ships a zh-CN catalogue; the team reads Chinese first.
        locale: { lng: 'zh-CN' },
        // Its docs icon points at github.com; the sign-out link leads to our own confirmation form.
        hideDocsLink: true,
        miscLinks: [{ text: '退出登录 / Sign out', url: LOGOUT_PATH }],
        // System fonts with Chinese glyphs instead of IBM Plex from Google Fonts (see withoutOutsideAssets).
        theme: { light: { 'font-sans': SANS, 'font-mono': MONO }, dark: { 'font-sans': SANS, 'font-mono': MONO } },
      },
    },
  });
  const secure = deps.config.publicUrl.startsWith('https:');

  // An admin signed in to the pages needs no token: straight to the board.
  app.get(LOGIN_PATH, (c) => (c.get('person') && hasRole(c.get('person')!, 'admin') ? c.redirect(BOARD_PATH, 303) : boardSignIn(c, LOGIN_PATH)));
  app.post(LOGIN_PATH, async (c) => {
    const form = await formBody(c);
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    const held = token ? await heldToken(deps.db, deps.config.appSecret, token) : null;
    if (!held) return boardSignIn(c, LOGIN_PATH, '令牌无效。 / Invalid token.', 401);
    if (!hasRole(held.person, 'admin')) return boardSignIn(c, LOGIN_PATH, '该令牌不属于管理员。 / This token is not an admin’s.', 403);
    const started = await inTransaction(deps.db, deps, (tx) =>
      startSession(tx, deps, held.person.id, 'board', requestClient(c), SESSION_MS));
    setCookie(c, COOKIE, `${started.token}.${held.tokenId}`, { path: '/admin', httpOnly: true, sameSite: 'Strict', secure, maxAge: SESSION_MS / 1000 });
    return c.redirect(BOARD_PATH, 303);
  });
  app.get(LOGOUT_PATH, (c) => boardSignOut(c, LOGOUT_PATH, BOARD_PATH));
  app.post(LOGOUT_PATH, async (c) => {
    const session = await boardSession(c);
    if (session) await endSession(deps.db, deps, session.person, session.sessionId);
    deleteCookie(c, COOKIE, { path: '/admin' });
    return c.redirect(LOGIN_PATH, 303);
  });

  /**
   * The board's cookie: `<session token>.<API token id>`. The session is stored (signing out ends it)
   * and stands on the token it was opened with: revoking that token ends it at once too.
   */
  const boardSession = async (c: Context<AppEnv>) => {
    const value = getCookie(c, COOKIE) ?? '';
    const dot = value.lastIndexOf('.');
    const tokenId = value.slice(dot + 1);
    if (dot < 0 || !isUuid(tokenId)) return null;
    const session = await sessionFor(deps.db, deps, value.slice(0, dot), 'board');
    const holder = session ? await tokenHolder(deps.db, tokenId) : null;
    return holder && holder.id === session!.person.id ? session : null;
  };
  const guard = async (c: Context<AppEnv>, next: Next) => {
    const header = c.req.header('authorization');
    const wantsHtml = c.req.method === 'GET' && (c.req.header('accept') ?? '').includes('text/html');
    let error: AppError | null = null;
    try {
      // A bearer token; else an admin signed in to the pages (their session, checked like any page's);
      // else the board's own sign-in cookie.
      const person = header
        ? await authenticate(deps.db, deps.config.appSecret, header)
        : (c.get('person') ?? (await boardSession(c))?.person ?? null);
      if (!person) throw new AppError('unauthorized');
      if (!hasRole(person, 'admin')) error = new AppError('forbidden', { reason: words('仅管理员可查看队列', 'admins only') });
    } catch (err) {
      error = err instanceof AppError ? err : new AppError('unauthorized');
    }
    if (!error) return next();
    if (wantsHtml && error.code === 'unauthorized') return c.redirect(LOGIN_PATH, 303);
    // A signed-in person who is not an admin, in a browser: a page that says so, not JSON.
    if (wantsHtml) return errorPage(c, error);
    return c.json(errorBody(error, localeOf(c)), error.status as 401 | 403);
  };
  // The board reads Redis directly: while it is unreachable, its API says so (503) rather than failing (500).
  const redisUp = async (c: Context<AppEnv>, next: Next) => {
    if (queues.connection.status === 'ready' || !c.req.path.startsWith(`${BOARD_PATH}/api/`)) return next();
    c.header('Retry-After', '5');
    return c.json(errorBody(new AppError('unavailable', { reason: words('队列服务（Redis）暂时无法连接；通知仍在数据库中等待发送', 'the queue (Redis) cannot be reached; notifications wait in the database') }), localeOf(c)), 503);
  };
  for (const path of [BOARD_PATH, `${BOARD_PATH}/*`]) app.use(path, guard, redisUp, withoutOutsideAssets);
  app.route(BOARD_PATH, adapter.registerPlugin());
}

/**
 * Bull Board's page template links IBM Plex from fonts.googleapis.com (blocked in mainland China,
 * absent on an intranet) and says lang="en": its HTML answers lose every stylesheet from another
 * origin (the theme above sets system fonts) and speak zh-CN. The JS and CSS are served from here.
 */
const withoutOutsideAssets = async (c: Context<AppEnv>, next: Next) => {
  await next();
  if (!(c.res.headers.get('content-type') ?? '').includes('text/html')) return;
  const page = (await c.res.text())
    .replace(/<link\b[^>]*\bhref="(?:https?:)?\/\/[^"]*"[^>]*>/gi, '')
    .replace(/<html lang="[^"]*"/i, '<html lang="zh-CN"');
  const headers = new Headers(c.res.headers);
  headers.delete('content-length');
  c.res = new Response(page, { status: c.res.status, headers });
};
