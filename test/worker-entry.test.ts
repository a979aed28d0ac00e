import { afterEach, describe, expect, it, vi } from 'vitest';
import worker, { type Env } from '../src/worker';

// The entry's own logic, without workerd: settings from bindings, and the client's cleanup.
describe('Workers entry', () => {
  const pending: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p) };
  const env: Env = { HYPERDRIVE: { connectionString: 'postgres://nobody:unused@127.0.0.1:1/none' }, PUBLIC_URL: 'https://review.example.edu.cn', APP_SECRET: 's'.repeat(32) };
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ['a short APP_SECRET', { APP_SECRET: 'short' }, 'APP_SECRET'],
    ['no PUBLIC_URL', { PUBLIC_URL: undefined }, 'PUBLIC_URL'],
    ['a bad LINK_TTL_HOURS', { LINK_TTL_HOURS: '-1' }, 'LINK_TTL_HOURS'],
  ])('refuses to serve with %s, saying why in the log only', async (_, bad, variable) => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await worker.fetch(new Request('https://x/healthz'), { ...env, ...bad }, ctx);
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error: { code: 'internal' } });
    expect(String(logged.mock.calls[0]?.[0])).toContain(variable);
  });

  it('serves once configured, and closes the request’s database client after the response', async () => {
    const res = await worker.fetch(new Request('https://x/healthz'), env, ctx);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(pending.length).toBeGreaterThan(0);
    await Promise.all(pending);
  });
});
