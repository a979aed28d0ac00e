import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context, Hono, Next } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import type { Db } from '../db/client';
import { constantTimeEqual, hmacHex } from '../src/lib/crypto';
import { AppError, errorBody } from '../src/lib/errors';
import type { AppDeps, AppEnv } from '../src/lib/http';
import { localeOf } from '../src/lib/i18n';
import { page } from '../src/pages/layout';
import { authenticate, findPerson, hasRole, type Person } from '../src/services/auth';
import type { Queues } from './queues';

export const BOARD_PATH = '/admin/queues';
const LOGIN_PATH = '/admin/login';
const COOKIE = 'imp_admin';

const SESSION_MS = 8 * 3600_000;

/**
 * A dashboard session: `<personId>.<expiresAt ms>.<HMAC>`. The token itself never goes into the
 * cookie; the person's admin role is checked again on every request, so demotion ends access.
 */
async function sessionValue(secret: string, personId: string, expiresAt: number) {
  return `${personId}.${expiresAt}.${await hmacHex(secret, `board-session:${personId}.${expiresAt}`)}`;
}

async function sessionPerson(db: Db, secret: string, value: string | undefined, now: number): Promise<Person | null> {
  const [personId, expires, mac] = (value ?? '').split('.');
  if (!personId || !expires || !mac || !/^\d+$/.test(expires) || Number(expires) < now) return null;
  const expected = await sessionValue(secret, personId, Number(expires));
  if (!constantTimeEqual(expected, value!)) return null;
  return findPerson(db, personId);
}

/**
 * Bull Board at /admin/queues, for admins only. A browser cannot send a bearer header, so an admin
 * signs in once with their token on /admin/login and gets a signed 8-hour session in an HttpOnly,
 * SameSite=Strict cookie scoped to /admin (the board's retry/clean buttons are POSTs: Strict keeps
 * them same-site).
 */
export function mountQueueBoard(app: Hono<AppEnv>, queues: Queues, deps: AppDeps): void {
  const adapter = new HonoAdapter(serveStatic).setBasePath(BOARD_PATH);
  createBullBoard({
    queues: Object.values(queues.byName).map((q) => new BullMQAdapter(q)),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'Imprimatur 队列' } },
  });
  const secure = deps.config.publicUrl.startsWith('https:');

  const loginForm = (error?: string) =>
    page({
      title: '队列管理登录 / Queue dashboard sign-in',
      body: html`<section><h1>队列管理 · Queue dashboard</h1>
${error ? html`<div class="notice bad">${error}</div>` : ''}
<form method="post" action="${LOGIN_PATH}">
<p>请输入管理员的个人令牌（imp_…）。<br><span class="meta">Paste an admin's personal token.</span></p>
<p><textarea name="token" required autocomplete="off" style="min-height:60px"></textarea></p>
<div class="actions"><button class="approve" type="submit">登录 / Sign in</button></div>
</form></section>`,
    });

  app.get(LOGIN_PATH, (c) => c.html(loginForm()));
  app.post(LOGIN_PATH, async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    let person: Person;
    try {
      person = await authenticate(deps.db, deps.config.appSecret, `Bearer ${token}`);
    } catch {
      return c.html(loginForm('令牌无效。 / Invalid token.'), 401);
    }
    if (!hasRole(person, 'admin')) return c.html(loginForm('该令牌不属于管理员。 / This token is not an admin’s.'), 403);
    const session = await sessionValue(deps.config.appSecret, person.id, Date.now() + SESSION_MS);
    setCookie(c, COOKIE, session, { path: '/admin', httpOnly: true, sameSite: 'Strict', secure, maxAge: SESSION_MS / 1000 });
    return c.redirect(BOARD_PATH, 303);
  });
  app.post('/admin/logout', (c) => {
    deleteCookie(c, COOKIE, { path: '/admin' });
    return c.redirect(LOGIN_PATH, 303);
  });

  const guard = async (c: Context<AppEnv>, next: Next) => {
    const header = c.req.header('authorization');
    const wantsHtml = c.req.method === 'GET' && (c.req.header('accept') ?? '').includes('text/html');
    let error: AppError | null = null;
    try {
      const person = header
        ? await authenticate(deps.db, deps.config.appSecret, header)
        : await sessionPerson(deps.db, deps.config.appSecret, getCookie(c, COOKIE), Date.now());
      if (!person) throw new AppError('unauthorized');
      if (!hasRole(person, 'admin')) error = new AppError('forbidden', { reason: '仅管理员可查看队列 / admins only' });
    } catch (err) {
      error = err instanceof AppError ? err : new AppError('unauthorized');
    }
    if (!error) return next();
    if (wantsHtml && error.code === 'unauthorized') return c.redirect(LOGIN_PATH, 303);
    return c.json(errorBody(error, localeOf(c)), error.status as 401 | 403);
  };
  app.use(BOARD_PATH, guard);
  app.use(`${BOARD_PATH}/*`, guard);
  app.route(BOARD_PATH, adapter.registerPlugin());
}
