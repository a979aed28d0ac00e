import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../src/lib/log';
import { memoryLimiter, slidingDecision, windowOf } from '../src/lib/rate-limit';
import { LOCAL_SHARE, redisLimiter } from '../src/lib/rate-limit-redis';
import { memoryChannel } from '../src/notify/channel';
import { createRuntime, type Runtime } from '../src/runtime';
import { createTestEnv, type TestEnv } from './harness';
import type { Demo } from './registry-fixtures';
import { startTestRedis } from './support/redis-server';

/**
 * Public verification is limited per client (VERIFY_RATE_PER_MINUTE), counted in Redis so every
 * process of a deployment counts together; with Redis down each process still limits on its own.
 */
const LIMIT = 5;
const env = { VERIFY_RATE_PER_MINUTE: String(LIMIT), TRUST_PROXY: 'true' };
let t: TestEnv;
let demo: Demo;
let second: Runtime;
const extra: Runtime[] = [];

beforeAll(async () => {
  t = await createTestEnv('postgres', env);
  // A whole minute of room: the counters are per minute of the (test) clock.
  t.clock.now = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 60_000 + 1_000);
  demo = await t.seed();
  second = await otherProcess({});
});
afterAll(async () => {
  for (const r of extra) await r.close();
  await t?.close();
});

/** Another process of the same deployment: same database, same Redis, its own memory. */
async function otherProcess(overrides: Record<string, string>): Promise<Runtime> {
  const runtime = await createRuntime({
    env: { NODE_ENV: 'test', APP_SECRET: t.runtime.config.appSecret, PUBLIC_URL: 'http://imprimatur.test', DATABASE_URL: t.runtime.config.databaseUrl!, LOG_LEVEL: 'silent', ...env, ...overrides },
    log: silentLog, channel: memoryChannel(), now: () => t.clock.now,
  });
  extra.push(runtime);
  return runtime;
}

const check = (runtime: Runtime, client: string, path = `/api/v1/verify/${demo.inspectionCode}`, headers: Record<string, string> = {}) =>
  runtime.app.request(path, { headers: { 'x-forwarded-for': client, ...headers } });

describe('per client, shared by the processes of a deployment', () => {
  it('the client over its limit gets 429 JSON with Retry-After; another client is unaffected', async () => {
    const a = '203.0.113.7';
    for (let i = 0; i < LIMIT; i++) expect((await check(t.runtime, a)).status).toBe(200);
    const refused = await check(t.runtime, a);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = await refused.json();
    expect(body.error).toMatchObject({ code: 'too_many_checks', details: { retryAfterSeconds: retryAfter } });
    expect(body.error.message).toBe(`查验过于频繁，请 ${retryAfter} 秒后再试`);
    const en = await (await check(t.runtime, a, undefined, { 'accept-language': 'en' })).json();
    expect(en.error.message).toMatch(/^Too many checks from your address; try again in \d+ seconds$/);
    expect((await check(t.runtime, '198.51.100.9')).status).toBe(200);
  });

  it('the pages and QR images count too and answer a 429 page, zh-CN first', async () => {
    const b = '203.0.113.8';
    for (let i = 0; i < LIMIT - 1; i++) expect((await check(t.runtime, b, `/verify/${demo.inspectionCode}`)).status).toBe(200);
    expect((await check(t.runtime, b, `/verify/${demo.inspectionCode}/qr.svg`)).status).toBe(200);
    for (const path of [`/verify/${demo.inspectionCode}`, `/verify?code=${demo.inspectionCode}`, `/verify/${demo.inspectionCode}/qr.png`]) {
      const res = await check(t.runtime, b, path);
      expect(res.status, path).toBe(429);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain('<html lang="zh-CN">');
      expect(html.indexOf('查验过于频繁')).toBeGreaterThan(-1);
      expect(html.indexOf('查验过于频繁')).toBeLessThan(html.indexOf('Too many checks'));
    }
  });

  it('two processes on one Redis count one client together', async () => {
    const c = '203.0.113.9';
    for (let i = 0; i < 3; i++) expect((await check(t.runtime, c)).status).toBe(200);
    for (let i = 0; i < LIMIT - 3; i++) expect((await check(second, c)).status).toBe(200);
    expect((await check(second, c)).status).toBe(429);
    expect((await check(t.runtime, c)).status).toBe(429);
  });

  it('only the trusted proxy’s (last) entry of X-Forwarded-For counts: a client cannot reset its count by claiming another address', async () => {
    const d = '203.0.113.10';
    for (let i = 0; i < LIMIT; i++) expect((await check(t.runtime, d)).status).toBe(200);
    expect((await check(t.runtime, `10.9.8.${Math.floor(Math.random() * 200)}, ${d}`)).status).toBe(429);
  });

  it('without TRUST_PROXY the header is ignored altogether', async () => {
    const direct = await otherProcess({ TRUST_PROXY: 'false', QUEUE_PREFIX: `direct${Date.now()}` });
    for (let i = 0; i < LIMIT; i++) expect((await check(direct, `192.0.2.${i}`)).status).toBe(200);
    expect((await check(direct, '192.0.2.200')).status).toBe(429);
  });
});

describe('a busy client far below its limit', () => {
  it('is counted in memory between batches, every request still reaches Redis, and the limit holds exactly near its end', async () => {
    const perMinute = 400;
    const prefix = `batch${process.pid}${Date.now()}`;
    const limiter = redisLimiter({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix, perMinute, log: silentLog });
    const redis = new (await import('ioredis')).Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      // The start of a minute, so the sliding window weighs nothing from the last one.
      const now = (windowOf(Date.now()) + 10) * 60_000;
      const counted = async () => Number(await redis.get(`${prefix}:k:${windowOf(now)}`));
      // A burst well below LOCAL_SHARE of the limit (after the first round trips, counted in memory)...
      const burst = Math.floor(perMinute * LOCAL_SHARE) - 10;
      const decisions = await Promise.all(Array.from({ length: burst }, () => limiter.hit('k', now)));
      expect(decisions.every((d) => d.ok)).toBe(true);
      // ...and after the next batch Redis holds every one of them.
      await expect.poll(counted, { interval: 50, timeout: 5_000 }).toBe(burst);
      // Near the limit every request is counted in Redis before it is answered: exactly perMinute pass.
      let passed = burst;
      for (let i = 0; i < perMinute; i++) if ((await limiter.hit('k', now)).ok) passed++;
      expect(passed).toBe(perMinute);
      await expect.poll(counted, { interval: 50, timeout: 5_000 }).toBe(burst + perMinute);
    } finally {
      limiter.close();
      redis.disconnect();
    }
  });
});

describe('Redis down', () => {
  it('the API keeps answering promptly and each process still limits in its own memory', async () => {
    const alone = await otherProcess({ REDIS_URL: 'redis://127.0.0.1:1' });
    const started = Date.now();
    for (let i = 0; i < LIMIT; i++) expect((await check(alone, '203.0.113.11')).status).toBe(200);
    expect((await check(alone, '203.0.113.11')).status).toBe(429);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('Redis not answering (stopped with its socket open)', () => {
  it('no request waits on it: the limiter gives up on the command and counts in memory', async () => {
    const redis = await startTestRedis();
    const limiter = redisLimiter({ url: redis.url, prefix: `frozen${process.pid}`, perMinute: LIMIT, log: silentLog });
    try {
      const now = (windowOf(Date.now()) + 10) * 60_000;
      expect((await limiter.hit('warm', now)).ok).toBe(true);
      redis.freeze();
      const hung = new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000));
      const decisions = [];
      for (let i = 0; i <= LIMIT; i++) decisions.push(await Promise.race([limiter.hit('c', now), hung]));
      expect(decisions).not.toContain('hung');
      expect(decisions.map((d) => (d as { ok: boolean }).ok)).toEqual([...Array(LIMIT).fill(true), false]);
    } finally {
      redis.thaw();
      limiter.close();
      await redis.stop();
    }
  }, 30_000);
});

describe('the sliding window', () => {
  it('the previous minute weighs in by the share of it still inside the last 60 s', () => {
    const minute = 60_000 * 1000;
    // 10 last minute, a quarter into this one: 7.5 of them still count.
    expect(slidingDecision(10, 2, minute + 15_000, 10)).toEqual({ ok: true, retryAfterSeconds: 0 });
    expect(slidingDecision(10, 3, minute + 15_000, 10)).toEqual({ ok: false, retryAfterSeconds: 45 });
    expect(slidingDecision(10, 9, minute + 59_999, 10)).toMatchObject({ ok: true });
    expect(slidingDecision(10, 10, minute + 59_999, 10)).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('the memory counter forgets windows older than the previous one', async () => {
    const limiter = memoryLimiter(2);
    const base = 60_000 * 5000;
    for (let i = 0; i < 2; i++) expect((await limiter.hit('k', base)).ok).toBe(true);
    expect((await limiter.hit('k', base)).ok).toBe(false);
    expect((await limiter.hit('k', base + 120_000)).ok).toBe(true);
  });
});
