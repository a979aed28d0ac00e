import { Redis } from 'ioredis';
import type { Log } from './log';
import { memoryLimiter, slidingDecision, WINDOW_MS, windowOf, type RateLimiter } from './rate-limit';

/**
 * The Node limiter: counters in Redis, so every process of a deployment counts one client
 * together. One pipelined round trip per request (INCR this minute's counter, set its expiry only
 * when new, read the previous minute's). While Redis is unreachable the API keeps serving: each
 * process then counts in its own memory (a looser limit, never an outage), and returns to Redis
 * once it is back.
 */
export function redisLimiter(opts: { url: string; prefix: string; perMinute: number; log: Log }): RateLimiter & { close(): void } {
  const fallback = memoryLimiter(opts.perMinute);
  // Fail fast: no offline queue, so a request never waits for a reconnect; one attempt per command.
  const redis = new Redis(opts.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: (times) => Math.min(times * 200, 5000) });
  let down = false;
  redis.on('error', (err) => {
    if (!down) opts.log.warn({ err: { message: err.message } }, 'rate limiter: Redis unreachable, counting in process memory until it returns');
    down = true;
  });
  redis.on('ready', () => { down = false; });
  // The first requests of a new process wait for its first connection (briefly), so they are counted with everyone else's.
  let starting = true;
  const started = new Promise<void>((resolve) => {
    const done = () => { starting = false; resolve(); };
    redis.once('ready', done);
    redis.once('error', done);
    setTimeout(done, 1000).unref?.();
  });
  const ttl = String(2 * WINDOW_MS);
  return {
    async hit(key, nowMs) {
      if (starting) await started;
      if (redis.status !== 'ready') return fallback.hit(key, nowMs);
      const w = windowOf(nowMs);
      const current = `${opts.prefix}:${key}:${w}`;
      try {
        // SET … NX PX then INCR rather than INCR then PEXPIRE … NX: the same one round trip on any Redis version.
        const replies = await redis.pipeline().set(current, '0', 'PX', ttl, 'NX').incr(current).get(`${opts.prefix}:${key}:${w - 1}`).exec();
        if (!replies || replies[1]?.[0]) throw replies?.[1]?.[0] ?? new Error('no reply');
        const count = Number(replies[1]![1]);
        const previous = Number(replies[2]?.[1] ?? 0);
        return slidingDecision(previous, count, nowMs, opts.perMinute);
      } catch {
        return fallback.hit(key, nowMs);
      }
    },
    close: () => redis.disconnect(),
  };
}
