import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import type { AppEnv } from './http';
import { assertText, badTextError, textProblem } from './text';

/** The media types hono's validator reads as JSON. */
export const isJsonType = (contentType: string | undefined) => /^application\/([\w.-]+\+)?json$/i.test((contentType ?? '').split(';')[0]!.trim());

/**
 * The global half of the text rule (src/lib/text.ts): whatever route a request reaches — a zod
 * route, a page, a host mount — its path, its query and its JSON body have passed textProblem
 * first. Form bodies are left to their route (the sign-off form checks its token before it reads a
 * body) and are validated by the same rule there and in the routers' defaultHook.
 *
 * A JSON request with an empty body (many clients always send the header) means "no fields", not
 * malformed JSON: it is read as {} so optional bodies pass and required fields are named.
 */
/** Printable ASCII but `%` (0x21–0x24, 0x26–0x7e). */
const PLAIN_URL = /^[!-$&-~]*$/;

export const inputGuard = createMiddleware<AppEnv>(async (c, next) => {
  // A URL of printable ASCII without `%` decodes to itself: no NUL, no lone surrogate can be in its
  // path or query, so only a URL with an escape or another character is taken apart and decoded.
  if (!PLAIN_URL.test(c.req.url)) checkUrl(c);
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && isJsonType(c.req.header('content-type'))) {
    // Read once (within the body limit, which runs before this); hono caches it for the validator.
    // Not `c.req.raw.body ?`: on Node that makes the adapter build a whole web Request (a stream, an
    // AbortSignal) where text() reads the socket's bytes directly; a request without a body reads ''.
    const raw = await c.req.text();
    // hono keeps each read body as a promise under its method's name (its type says otherwise).
    if (raw.trim() === '') (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve('{}');
    else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        return next(); // the route's validator answers invalid_json
      }
      assertText(parsed, 'body');
    }
  }
  return next();
});

/**
 * A path segment's name as the route that will answer declares it (`/units/:unitId` → `unitId`):
 * the router has matched every handler before the first middleware runs, the route last.
 */
function segmentName(c: Context, i: number): string {
  const part = routePath(c, -1).split('/')[i];
  return part?.startsWith(':') ? part.slice(1).replace(/\{.*$|\?$/, '') : `(path segment ${i})`;
}

/** The path's segments and the query's names and values, decoded, each by the text rule. */
function checkUrl(c: Context): void {
  const url = new URL(c.req.url);
  url.pathname.split('/').forEach((segment, i) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return; // invalid percent-encoding stays as sent: plain ASCII, nothing to refuse
    }
    const problem = textProblem(decoded);
    if (problem) throw badTextError({ path: segmentName(c, i), in: 'path', message: problem });
  });
  for (const [key, value] of url.searchParams) {
    const problem = textProblem(key) ?? textProblem(value);
    if (problem) throw badTextError({ path: textProblem(key) ? '(query)' : key, in: 'query', message: problem });
  }
}
