import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { constantTimeEqual } from '../../lib/crypto';
import { AppError } from '../../lib/errors';
import { formBody, type AppEnv } from '../../lib/http';
import { csrfTokenFor, SESSION_COOKIE, SESSION_MAX_MS, sessionFor } from '../../services/sessions';

/**
 * Browser sessions for pages (and for a page's own scripts calling the JSON API):
 * - `loadSession` (every request): a valid session cookie sets `person`, `sessionId` and `csrf`.
 * - `csrfGuard`: a state-changing request made with the cookie must carry the session's token, as
 *   the `_csrf` form field or the `X-CSRF-Token` header (a page's script). Bearer-token calls carry
 *   no cookie and need none. Cross-site form posts are also refused by origin (sameOriginForms).
 * - `requirePage`: a page that needs someone signed in sends a signed-out visitor to /login?next=….
 */

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export const loadSession = createMiddleware<AppEnv>(async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE);
  // An API call with its own bearer token is that token's person, whatever cookie rides along.
  if (!token || c.req.header('authorization')) return next();
  const deps = c.get('deps');
  const found = await sessionFor(deps.db, deps, token);
  if (!found) {
    // Ended, idle or unknown: drop the cookie so the browser stops sending it. Set on the finished
    // answer, so a route's answer made whole (completeAnswer) carries it too.
    await next();
    clearSessionCookie(c);
    return;
  }
  c.set('person', found.person);
  c.set('sessionId', found.sessionId);
  c.set('csrf', await csrfTokenFor(deps.config.appSecret, found.sessionId));
  return next();
});

export const csrfGuard = createMiddleware<AppEnv>(async (c, next) => {
  if (SAFE.has(c.req.method) || !c.get('sessionId')) return next();
  let presented = c.req.header('x-csrf-token');
  if (!presented && /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(c.req.header('content-type') ?? '')) {
    // formBody caches, so the handler reads the same parsed form.
    const field = (await formBody(c))._csrf;
    presented = typeof field === 'string' ? field : undefined;
  }
  if (!presented || !constantTimeEqual(presented, c.get('csrf'))) throw new AppError('csrf_failed');
  return next();
});

/** For page routes: signed out → /login?next=<this page>. */
export const requirePage = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get('person')) return next();
  const url = new URL(c.req.url);
  return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
});

export function setSessionCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    path: '/', httpOnly: true, sameSite: 'Lax', secure: c.var.deps.config.publicUrl.startsWith('https:'), maxAge: Math.floor(SESSION_MAX_MS / 1000),
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: c.var.deps.config.publicUrl.startsWith('https:') });
}
