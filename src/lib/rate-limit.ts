import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './http';

/**
 * Rate limits per client, for the public endpoints anyone may call without a token (pass-code
 * verification: 300 sequential guesses once found every code in a second). The counting store is
 * the host's: Redis on Node (shared by every process of a deployment), the Rate Limiting binding on
 * Workers, process memory as the fallback when neither answers. Runtime-neutral: no Node imports.
 */
export interface RateDecision {
  ok: boolean;
  /** Seconds the client should wait before asking again (Retry-After), when refused. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one request of `key` at `nowMs` and says whether it is within the limit. */
  hit(key: string, nowMs: number): Promise<RateDecision>;
}

export const WINDOW_MS = 60_000;

/**
 * Sliding-window estimate from two fixed-window counters: the previous minute's count, weighted by
 * how much of it still lies inside the last 60 s, plus this minute's. Smooths the doubled burst a
 * plain fixed window allows at its edge, at the cost of one extra counter read.
 */
export function slidingDecision(previous: number, current: number, nowMs: number, perMinute: number): RateDecision {
  const elapsed = (nowMs % WINDOW_MS) / WINDOW_MS;
  const estimate = previous * (1 - elapsed) + current;
  if (estimate <= perMinute) return { ok: true, retryAfterSeconds: 0 };
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((WINDOW_MS - (nowMs % WINDOW_MS)) / 1000)) };
}

export const windowOf = (nowMs: number) => Math.floor(nowMs / WINDOW_MS);

/** Counts in this process only: the fallback when the shared store is unreachable, and for one-process hosts. */
export function memoryLimiter(perMinute: number): RateLimiter {
  let window = -1;
  let current = new Map<string, number>();
  let previous = new Map<string, number>();
  return {
    async hit(key, nowMs) {
      const w = windowOf(nowMs);
      if (w !== window) {
        // Only the last two windows matter; older counts are dropped whole, so memory stays bounded by a minute's clients.
        previous = w === window + 1 ? current : new Map();
        current = new Map();
        window = w;
      }
      const count = (current.get(key) ?? 0) + 1;
      current.set(key, count);
      return slidingDecision(previous.get(key) ?? 0, count, nowMs, perMinute);
    },
  };
}

/** Cloudflare's Rate Limiting binding (`[[ratelimits]]` in wrangler.toml): its limit and period live in its configuration. */
export interface RateLimitBinding { limit(opts: { key: string }): Promise<{ success: boolean }> }

/** The Workers limiter: the binding counts (per Cloudflare location); it says only yes or no, so Retry-After is its period. */
export function bindingLimiter(binding: RateLimitBinding, periodSeconds = 60): RateLimiter {
  return {
    async hit(key) {
      const { success } = await binding.limit({ key });
      return { ok: success, retryAfterSeconds: success ? 0 : periodSeconds };
    },
  };
}

/**
 * Refuses a client over its limit before the route runs (so a refused request costs one counter
 * round trip, no database work). `refuse` renders the answer: JSON for the API, a page for pages.
 */
export function rateLimit(opts: {
  limiter: (c: Context<AppEnv>) => RateLimiter | undefined;
  key: (c: Context<AppEnv>) => string;
  refuse: (c: Context<AppEnv>, decision: RateDecision) => Response | Promise<Response>;
}): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const limiter = opts.limiter(c);
    if (!limiter) return next();
    const decision = await limiter.hit(opts.key(c), c.get('deps').now().getTime());
    if (decision.ok) return next();
    c.header('Retry-After', String(decision.retryAfterSeconds));
    return opts.refuse(c, decision);
  });
}
