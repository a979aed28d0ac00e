import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './http';
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
  const base = c.var.log;
  c.set('log', lazyChild(base, { reqId }));
  await next();
  try {
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
function lazyChild(log: Log, bindings: Record<string, unknown>): Log {
  let child: Log | undefined;
  const of = () => (child ??= log.child(bindings));
  return {
    debug: (obj, msg) => of().debug(obj, msg),
    info: (obj, msg) => of().info(obj, msg),
    warn: (obj, msg) => of().warn(obj, msg),
    error: (obj, msg) => of().error(obj, msg),
    child: (more) => of().child(more),
  };
}
