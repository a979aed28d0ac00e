import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { AppError } from './errors';
import type { AppEnv } from './http';

export const DEFAULT_MAX_JSON_BYTES = 1024 * 1024;

/**
 * A body limit for the paths its pattern matches, and optionally the refusal its callers understand
 * better than "the request body is too large": an upload route states the file limit it enforces,
 * the draft form the per-file limit it shows (the body limit itself is framing and several files).
 */
export type BodyLimit = readonly [pattern: RegExp, maxBytes: number, refusal?: (c: Context<AppEnv>) => AppError];

/**
 * Request-body limits, checked before anything reads a body: a declared Content-Length over the
 * limit is refused at once (413, nothing read); a chunked body is counted as it streams and cut
 * off at the limit. The first matching entry wins; everything else gets `fallback` (JSON bodies).
 * A route that takes larger bodies (file uploads) adds its own entry here, e.g.
 *   [/^\/api\/v1\/drafts\/[^/]+\/files$/, config.maxUploadBytes, () => tooLarge(deps)]
 */
export function bodyLimits(perRoute: readonly BodyLimit[], fallback: number): MiddlewareHandler<AppEnv> {
  const tooLarge = (maxSize: number) => new AppError('payload_too_large', { limit: humanBytes(maxSize) }, { limitBytes: maxSize });
  const fallbackEntry: BodyLimit = [/(?:)/, fallback];
  const limiters = new Map<BodyLimit, MiddlewareHandler>();
  const refuse = ([, maxSize, refusal]: BodyLimit, c: Context<AppEnv>) => (refusal ? refusal(c) : tooLarge(maxSize));
  const limiter = (entry: BodyLimit) => {
    let found = limiters.get(entry);
    if (!found) {
      found = bodyLimit({ maxSize: entry[1], onError: (c) => { throw refuse(entry, c as Context<AppEnv>); } });
      limiters.set(entry, found);
    }
    return found;
  };
  return (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const entry = perRoute.find(([re]) => re.test(c.req.path)) ?? fallbackEntry;
    // A declared length is judged here, as hono's bodyLimit would judge it: that one first asks for
    // the body's stream, and on Node the adapter then builds a whole web Request for every post.
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (parseInt(length, 10) > entry[1]) throw refuse(entry, c);
      return next();
    }
    return limiter(entry)(c, next) as Promise<void>;
  };
}

const humanBytes = (n: number) => (n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);

/**
 * Security headers on every page (and every other answer a browser may render: docs, the queue
 * dashboard, SVG, files): nothing may frame a page (the one-click approve page could be framed and
 * clicked through), scripts only from this origin (no inline script anywhere: page scripts are
 * served files), no sniffing, no Referer (a sign-off URL carries its token). Inline styles stay
 * allowed: the pages, /docs and Bull Board use them, and a style cannot act for the visitor. Other
 * origins are refused outright, which also keeps Bull Board's Google Fonts link from loading. The
 * rest is the set hono's secureHeaders sends by default (cross-origin isolation off: Bull Board and
 * the docs load their own bundles). Written out once as plain records: setting them per answer
 * through hono's middleware validated each of them again on every request.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=15552000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Frame-Options': 'DENY',
  'X-Permitted-Cross-Domain-Policies': 'none',
  'X-XSS-Protection': '0',
};

/**
 * The headers of a data answer (JSON, CSV), as OWASP's REST Security Cheat Sheet gives them: such an
 * answer is never a page, so it may load nothing and be framed by nothing, must not be sniffed into
 * something else, and is for this origin's no-cors readers only (a CORS fetch is unaffected). The
 * page-only rest (COOP, Origin-Agent-Cluster, Referer, the legacy IE and Flash switches) protects no
 * data answer, and every header costs every caller: these went out on each public verify, doubling
 * its answer.
 */
export const DATA_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  // The rest as the pages have them, so the two sets cannot drift apart.
  ...Object.fromEntries(['Cross-Origin-Resource-Policy', 'Strict-Transport-Security', 'X-Content-Type-Options', 'X-Frame-Options'].map((name) => [name, SECURITY_HEADERS[name]!])),
};
const PAGE_ENTRIES = Object.entries(SECURITY_HEADERS);
const DATA_ENTRIES = Object.entries(DATA_SECURITY_HEADERS);

/** JSON (application/json, application/problem+json…) and CSV: answers no browser renders as a page. */
export const isDataType = (contentType: string | null | undefined) => !!contentType && /^(?:application\/(?:[\w.-]+\+)?json|text\/csv)\b/i.test(contentType);

/** Answers built by completeAnswer: they already carry every header the app adds to all answers. */
const complete = new WeakSet<Response>();
export const isCompleteAnswer = (res: Response) => complete.has(res);

/**
 * A data answer (JSON, or its bodiless 304) that carries, from the start, every header the app's
 * middlewares add to all answers (the data security headers and X-Request-Id), as one plain record:
 * on Node the adapter then writes it as it is, where setting them one by one on the answer's Headers
 * afterwards validated each again (most of a cheap route's cost). securityHeaders and requestLog
 * leave such an answer alone. For a route whose middlewares set no header before it runs (a header
 * set by c.header() before the handler would not be in this record); one set afterwards (c.header on
 * the finished answer) works.
 */
export function completeAnswer(c: Context<AppEnv>, body: string | null, status: number, headers: Record<string, string>): Response {
  // Object.assign, not spread: V8 built a record this size by spread some 50× slower (measured).
  const all: Record<string, string> = Object.assign({}, DATA_SECURITY_HEADERS);
  const reqId = c.get('reqId');
  if (reqId !== undefined) all['X-Request-Id'] = reqId;
  const res = new Response(body, { status, headers: Object.assign(all, headers) });
  complete.add(res);
  return res;
}

/**
 * The page set on every answer, the data set on JSON and CSV. A policy the route set itself stays:
 * it is the narrower one (files are sandboxed, so nothing uploaded ever runs on this origin).
 */
export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (complete.has(c.res)) return;
  const headers = c.res.headers;
  const ownPolicy = headers.has('Content-Security-Policy');
  for (const [name, value] of isDataType(headers.get('Content-Type')) ? DATA_ENTRIES : PAGE_ENTRIES) {
    if (!(ownPolicy && name === 'Content-Security-Policy')) headers.set(name, value);
  }
  headers.delete('X-Powered-By');
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
