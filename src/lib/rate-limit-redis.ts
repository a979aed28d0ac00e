import { Redis } from 'ioredis';
import type { Log } from './log';
import { memoryLimiter, slidingDecision, WINDOW_MS, windowOf, type RateLimiter } from './rate-limit';

/** How long a client's count read from Redis is trusted for deciding in memory. */
export const SYNC_MS = 100;
/** How long a rate-limit command may wait for Redis, and how long the process then counts alone. */
const COMMAND_TIMEOUT_MS = 250;
const STALL_MS = 5_000;
/** A client is decided in memory only while it is below this share of its limit (see redisLimiter). */
export const LOCAL_SHARE = 0.25;

/** A client's count as this process knows it: Redis's at `syncedAt`, plus what it counted in memory since. */
interface KeyState { window: number; count: number; previous: number; pending: number; syncedAt: number }

/**
 * The Node limiter: counters in Redis, so every process of a deployment counts one client
 * together. A request costs a Redis round trip (INCRBY this minute's counter, set its expiry only
 * when new, read the previous minute's) unless this process read the client's count less than
 * SYNC_MS ago and the client is still below LOCAL_SHARE of its limit: then it is counted in memory
 * and its count joins Redis in the next batch (every SYNC_MS, one round trip per such client).
 * A busy client far below the limit (the QR codes on a notice board) thus costs one round trip per
 * SYNC_MS instead of one per request, while anyone nearing the limit is counted exactly, every
 * request against Redis. Across P processes a client can get at most LOCAL_SHARE of its limit more,
 * per process, within one SYNC_MS. While Redis is unreachable the API keeps serving: each process
 * then counts in its own memory (a looser limit, never an outage), and returns to Redis once it is back.
 */
export function redisLimiter(opts: { url: string; prefix: string; perMinute: number; log: Log }): RateLimiter & { close(): void } {
  const fallback = memoryLimiter(opts.perMinute);
  // Fail fast: no offline queue, so a request never waits for a reconnect; one attempt per command.
  // A command unanswered after COMMAND_TIMEOUT_MS (a Redis stopped with its socket open) is given up,
  // and the process counts in memory for STALL_MS before asking Redis again: no request waits on it.
  const redis = new Redis(opts.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: COMMAND_TIMEOUT_MS, retryStrategy: (times) => Math.min(times * 200, 5000) });
  let down = false;
  let closed = false;
  let stalledUntil = 0;
  redis.on('error', (err) => {
    // A process that closes while still connecting (a CLI command done in a moment) is not Redis failing.
    if (closed) return;
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
  const counter = (key: string, w: number) => `${opts.prefix}:${key}:${w}`;
  const states = new Map<string, KeyState>();

  /**
   * Adds this client's pending in-memory count (and `extra`, the request asking) to its counter of
   * window `w` and reads its count and the previous window's: one round trip. Requests counted in
   * memory meanwhile stay pending for the next batch. (A new minute starts a fresh state: what was
   * still pending of the last SYNC_MS of the old one is not sent.)
   */
  async function sync(key: string, w: number, extra: number): Promise<KeyState> {
    let state = states.get(key);
    if (!state || state.window !== w) states.set(key, (state = { window: w, count: 0, previous: 0, pending: 0, syncedAt: 0 }));
    const sent = state.pending;
    state.pending = 0;
    try {
      const replies = await redis.pipeline().set(counter(key, w), '0', 'PX', ttl, 'NX').incrby(counter(key, w), sent + extra).get(counter(key, w - 1)).exec();
      if (!replies || replies[1]?.[0]) throw replies?.[1]?.[0] ?? new Error('no reply');
      state.count = Number(replies[1]![1]);
      state.previous = Number(replies[2]?.[1] ?? 0);
      state.syncedAt = performance.now();
      return state;
    } catch (err) {
      state.pending += sent;
      throw err;
    }
  }

  // The batch: what was counted in memory goes to Redis, and those clients' counts are read afresh.
  let flushing = false;
  const flusher = setInterval(() => {
    if (flushing || redis.status !== 'ready' || performance.now() < stalledUntil) return;
    flushing = true;
    const now = performance.now();
    const batch = [...states].filter(([, s]) => s.pending > 0);
    for (const [key, s] of states) if (!s.pending && now - s.syncedAt > WINDOW_MS) states.delete(key);
    void Promise.all(batch.map(([key, s]) => sync(key, s.window, 0).catch(() => undefined))).finally(() => { flushing = false; });
  }, SYNC_MS);
  flusher.unref?.();

  return {
    async hit(key, nowMs) {
      if (starting) await started;
      if (redis.status !== 'ready' || performance.now() < stalledUntil) return fallback.hit(key, nowMs);
      const w = windowOf(nowMs);
      const state = states.get(key);
      if (state && state.window === w && performance.now() - state.syncedAt < SYNC_MS) {
        const decision = slidingDecision(state.previous, state.count + state.pending + 1, nowMs, opts.perMinute * LOCAL_SHARE);
        if (decision.ok) {
          state.pending++;
          return decision;
        }
      }
      try {
        const fresh = await sync(key, w, 1);
        return slidingDecision(fresh.previous, fresh.count, nowMs, opts.perMinute);
      } catch (err) {
        if (/timed out/i.test((err as Error).message)) {
          if (performance.now() >= stalledUntil) opts.log.warn({ err: { message: (err as Error).message } }, 'rate limiter: Redis not answering, counting in process memory for a while');
          stalledUntil = performance.now() + STALL_MS;
        }
        return fallback.hit(key, nowMs);
      }
    },
    close: () => {
      closed = true;
      clearInterval(flusher);
      redis.disconnect();
    },
  };
}
