import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './http';
import { isCompleteAnswer } from './http-guards';
import type { Log } from './log';

/** Paths whose last part is a capability (a sign-off link, a sign-in link): never written to a log. */
const SECRET_PATHS = [/^(\/s\/)[^/]+/, /^(\/api\/v1\/signoff\/)[^/]+/, /^(\/login\/)(?![a-z]+$)[^/]+/];

export function redactPath(path: string): string {
  for (const re of SECRET_PATHS) path = path.replace(re, '$1[redacted]');
  return path;
}

/** A caller's own request id is kept when it is a plain token, else one is made up. */
const CALLER_ID = /^[\w.:-]{1,64}$/;

/**
 * One log line per request (method, path with tokens redacted, status, duration, request id), the
 * id in `X-Request-Id` and on every line logged while serving it (c.var.log is a child logger).
 */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  const given = c.req.header('x-request-id');
  const reqId = given && CALLER_ID.test(given) ? given : crypto.randomUUID();
  const base = c.get('log');
  c.set('reqId', reqId);
  c.set('log', new LazyChild(base, { reqId }));
  await next();
  // An answer made complete (completeAnswer) carries the id already.
  if (!isCompleteAnswer(c.res)) try {
    c.res.headers.set('X-Request-Id', reqId);
  } catch {
    // A response fetched from elsewhere (a Workers static asset) has immutable headers.
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set('X-Request-Id', reqId);
  }
  const status = c.res.status;
  const line = { method: c.req.method, path: redactPath(c.req.path), status, ms: Math.round((performance.now() - started) * 10) / 10 };
  const msg = `${line.method} ${line.path} → ${status} (${line.ms} ms)`;
  if (status >= 500) base.error({ reqId, ...line }, msg);
  else base.info({ reqId, ...line }, msg);
});

/**
 * The request's logger, made only when the request logs something besides its own line (most do
 * not, and a pino child per request was a measurable share of the public verify's cost).
 */
class LazyChild implements Log {
  #child: Log | undefined;
  constructor(private readonly log: Log, private readonly bindings: Record<string, unknown>) {}
  #of(): Log {
    return (this.#child ??= this.log.child(this.bindings));
  }
  // Methods, not closures per request: nothing is made for a request that does not log.
  debug(obj: object | string, msg?: string) { this.#of().debug(obj, msg); }
  info(obj: object | string, msg?: string) { this.#of().info(obj, msg); }
  warn(obj: object | string, msg?: string) { this.#of().warn(obj, msg); }
  error(obj: object | string, msg?: string) { this.#of().error(obj, msg); }
  child(more: Record<string, unknown>) { return this.#of().child(more); }
}
