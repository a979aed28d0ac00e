import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { secureHeaders } from 'hono/secure-headers';
import { AppError } from './errors';
import type { AppEnv } from './http';

export const DEFAULT_MAX_JSON_BYTES = 1024 * 1024;

/**
 * Request-body limits, checked before anything reads a body: a declared Content-Length over the
 * limit is refused at once (413, nothing read); a chunked body is counted as it streams and cut
 * off at the limit. The first matching entry wins; everything else gets `fallback` (JSON bodies).
 * A route that takes larger bodies (file uploads) adds its own entry here, e.g.
 *   [/^\/api\/v1\/drafts\/[^/]+\/files$/, config.maxUploadBytes]
 */
export function bodyLimits(perRoute: readonly (readonly [RegExp, number])[], fallback: number): MiddlewareHandler<AppEnv> {
  const limiters = new Map<number, MiddlewareHandler>();
  const limiter = (maxSize: number) => {
    let found = limiters.get(maxSize);
    if (!found) {
      found = bodyLimit({ maxSize, onError: () => { throw new AppError('payload_too_large', { limit: humanBytes(maxSize) }, { limitBytes: maxSize }); } });
      limiters.set(maxSize, found);
    }
    return found;
  };
  return (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const max = perRoute.find(([re]) => re.test(c.req.path))?.[1] ?? fallback;
    return limiter(max)(c, next) as Promise<void>;
  };
}

const humanBytes = (n: number) => (n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);

/**
 * Security headers on every answer (pages, API, docs, the queue dashboard): nothing may frame a
 * page (the one-click approve page could be framed and clicked through), scripts only from this
 * origin (no inline script anywhere: page scripts are served files), no sniffing, no Referer (a
 * sign-off URL carries its token). Inline styles stay allowed: the pages, /docs and Bull Board use
 * them, and a style cannot act for the visitor. Other origins are refused outright, which also
 * keeps Bull Board's Google Fonts link from loading.
 */
export const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: 'DENY',
  xContentTypeOptions: 'nosniff',
  referrerPolicy: 'no-referrer',
  // Bull Board and the docs load their own bundles; nothing here needs cross-origin isolation.
  crossOriginEmbedderPolicy: false,
});

/**
 * Form posts that act for someone (the sign-off page's no-JavaScript form, the dashboard sign-in)
 * accept only this service's own pages. As Go's CrossOriginProtection does: a browser says where a
 * request comes from in Sec-Fetch-Site (same-origin, or none when typed); older browsers send
 * Origin, which must be this origin. With Referrer-Policy no-referrer Chromium sends `Origin: null`
 * even from our own page, so Sec-Fetch-Site is read first. A request with neither header is not a
 * browser's cross-site form (curl, other servers) and passes.
 */
export function sameOriginForms(publicUrl: string, paths: readonly RegExp[]): MiddlewareHandler<AppEnv> {
  const own = new URL(publicUrl).origin;
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.method !== 'POST' || !paths.some((re) => re.test(c.req.path))) return next();
    const site = c.req.header('sec-fetch-site');
    const origin = c.req.header('origin');
    const foreign = site ? site !== 'same-origin' && site !== 'none' : origin !== undefined && origin !== own && origin !== new URL(c.req.url).origin;
    if (foreign) throw new AppError('foreign_origin', { origin: (origin ?? site ?? '').slice(0, 100) });
    return next();
  });
}
