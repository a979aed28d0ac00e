import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { schema, type Db } from '../db/client';
import { createApp } from './app';
import { ConfigError, invalidConfig, parseConfig } from './config';
import { words } from './lib/i18n';
import type { AppDeps } from './lib/http';
import type { Log } from './lib/log';
import { bindingLimiter, memoryLimiter, type RateLimitBinding, type RateLimiter } from './lib/rate-limit';
import { r2Store, type R2BucketLike } from './storage/blob-store';

/**
 * Cloudflare Workers entry: the same app as on Node, over Postgres through Hyperdrive. The Worker
 * only writes outbox rows; the Node workers (`npm run worker`) relay and send them, so nothing
 * here talks to Redis or SMTP, and no Node-only module may be imported on this path
 * (test/worker-bundle.test.ts bundles it and checks).
 */
export interface Env {
  /** `[[hyperdrive]]` binding; locally wrangler serves its `localConnectionString`. */
  HYPERDRIVE: { connectionString: string };
  /**
   * Secret (`wrangler secret put APP_SECRET`), at least 32 characters: the HMAC key for stored
   * token hashes. The Node workers mint the sign-off links, so they must use the same value.
   */
  APP_SECRET?: string;
  /** Base of every link the service sends ([vars]); the relay must use the same value. */
  PUBLIC_URL?: string;
  LINK_TTL_HOURS?: string;
  ALLOWED_EMAIL_DOMAINS?: string;
  /** Robot and webhook URL rules ([vars]), checked when a unit saves its robots; see the README. */
  ALLOW_HTTP_WEBHOOKS?: string;
  OUTBOUND_ALLOW_ADDRESSES?: string;
  /** `[assets]` binding: the API reference's renderer and the /vendor/ files, copied from their pinned npm packages by the [build] step. */
  ASSETS?: { fetch(request: Request): Promise<Response> };
  FILE_MAX_BYTES?: string;
  /** `[[r2_buckets]]` binding for draft files; without it uploads and downloads answer 503. */
  FILES?: R2BucketLike;
  /**
   * `[[ratelimits]]` binding limiting public verification per client (its `simple.limit` per
   * minute). Without it each isolate counts alone up to VERIFY_RATE_PER_MINUTE: a much looser limit.
   */
  VERIFY_LIMITER?: RateLimitBinding;
  VERIFY_RATE_PER_MINUTE?: string;
  INCIDENT_ACK_MINUTES?: string;
  /** University single sign-on ([vars]; the client secret by `wrangler secret put OIDC_CLIENT_SECRET`). */
  OIDC_ISSUER?: string;
  OIDC_CLIENT_ID?: string;
  OIDC_CLIENT_SECRET?: string;
  OIDC_CLAIM?: string;
  OIDC_MATCH?: string;
  OIDC_LABEL?: string;
}

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

/** Workers Logs index JSON lines; errors keep their message and stack, which JSON.stringify drops. */
function consoleLog(bindings: Record<string, unknown> = {}): Log {
  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (obj: object | string, msg?: string) => {
    const fields = typeof obj === 'string' ? { msg: obj } : { ...obj, msg };
    console[level](JSON.stringify({ level, ...bindings, ...fields }, (_key, value) => (value instanceof Error ? { message: value.message, stack: value.stack } : value)));
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (more) => consoleLog({ ...bindings, ...more }) };
}

/** Settings from bindings, checked by the same rules as a Node process in production. */
function settings(env: Env): AppDeps['config'] & { verifyRatePerMinute: number } {
  // Node falls back to http://localhost:$PORT; a Worker has no such place, and QR codes carry this URL.
  if (!env.PUBLIC_URL) throw invalidConfig([words('PUBLIC_URL：Workers 上必须设置（wrangler.toml 的 [vars]）', 'PUBLIC_URL: required on Workers ([vars] in wrangler.toml)')]);
  const config = parseConfig({
    NODE_ENV: 'production', APP_SECRET: env.APP_SECRET, PUBLIC_URL: env.PUBLIC_URL, LINK_TTL_HOURS: env.LINK_TTL_HOURS, ALLOWED_EMAIL_DOMAINS: env.ALLOWED_EMAIL_DOMAINS,
    ALLOW_HTTP_WEBHOOKS: env.ALLOW_HTTP_WEBHOOKS, OUTBOUND_ALLOW_ADDRESSES: env.OUTBOUND_ALLOW_ADDRESSES, FILE_MAX_BYTES: env.FILE_MAX_BYTES,
    VERIFY_RATE_PER_MINUTE: env.VERIFY_RATE_PER_MINUTE, INCIDENT_ACK_MINUTES: env.INCIDENT_ACK_MINUTES,
  });
  return { publicUrl: config.publicUrl, appSecret: config.appSecret!, linkTtlHours: config.linkTtlHours, dev: false, allowedEmailDomains: config.allowedEmailDomains, outbound: config.outbound, fileMaxBytes: config.fileMaxBytes, trustProxy: true, oidc: config.oidc, verifyRatePerMinute: config.verifyRatePerMinute, incidentAckMinutes: config.incidentAckMinutes };
}

/** Counted per CF-Connecting-IP (the Worker trusts it: Cloudflare sets it and drops a client's own). */
function verifyLimiterOf(env: Env, perMinute: number): RateLimiter | undefined {
  if (env.VERIFY_LIMITER) return bindingLimiter(env.VERIFY_LIMITER);
  return perMinute > 0 ? memoryLimiter(perMinute) : undefined;
}

const log = consoleLog();

/** What the app sees as `c.env`: the bindings plus this request's database. */
type RequestEnv = Env & { db: Db };

/**
 * Built on the first request (bindings arrive with it) and kept for the isolate's life: building
 * the routes and compiling the router costs milliseconds of CPU, serving a request on it far less.
 */
let app: ReturnType<typeof createApp> | undefined;

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    if (!app) {
      try {
        // deps.db is never used: requestDb hands every request its own database.
        const config = settings(env);
        app = createApp({ db: undefined as unknown as Db, log, config, now: () => new Date(), verifyLimiter: verifyLimiterOf(env, config.verifyRatePerMinute), ...(env.FILES ? { files: r2Store(env.FILES) } : {}) }, {
          requestDb: (c) => (c.env as RequestEnv).db,
          docsScript: (c) => {
            const assets = (c.env as RequestEnv).ASSETS;
            if (!assets) return c.notFound();
            // A fetched response's headers are immutable; the app's middleware adds its own (security, request id).
            return assets.fetch(new Request(new URL('/standalone.js', c.req.url))).then((res) => new Response(res.body, res));
          },
          vendorFile: (c, name) => {
            const assets = (c.env as RequestEnv).ASSETS;
            if (!assets) return c.notFound();
            return assets.fetch(new Request(new URL(`/vendor/${name}`, c.req.url))).then((res) => new Response(res.body, res));
          },
        });
      } catch (err) {
        log.error({ err }, 'the Worker is misconfigured');
        return Response.json({ error: { code: 'internal', message: 'The service is misconfigured. 服务配置有误。' } }, { status: 500 });
      }
    }
    // A Worker may not reuse a socket across requests, and Hyperdrive already pools the real
    // connections near the database, so each request gets its own small client, closed after the response.
    const client = postgres(env.HYPERDRIVE.connectionString, {
      max: 5, // Workers allow six concurrent outbound connections per request
      fetch_types: false, // no round trip for type OIDs; drizzle parses text[] (people.roles) itself
      onnotice: () => {},
    });
    try {
      const requestEnv: RequestEnv = { ...env, db: drizzle(client, { schema }) as unknown as Db };
      return await app.fetch(request, requestEnv, ctx as never);
    } finally {
      ctx.waitUntil(client.end({ timeout: 5 }));
    }
  },
};
