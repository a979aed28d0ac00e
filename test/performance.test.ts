import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from './harness';
import { rowsOf } from './registry-fixtures';

/**
 * The hot paths' structural bounds (speed itself is measured in bench/, never asserted here):
 * separate connection pools for the API and the workers.
 */
let t: TestEnv;
let demo: Awaited<ReturnType<TestEnv['seed']>>;

beforeAll(async () => {
  t = await createTestEnv('postgres', { DB_POOL_SIZE: '3', WORKER_DB_POOL_SIZE: '1' });
  demo = await t.seed();
});
afterAll(() => t?.close());

describe('connection pools', () => {
  it('the workers have their own pool: a busy worker connection does not hold up API requests', async () => {
    const workerDb = t.runtime.delivery.db;
    expect(workerDb).not.toBe(t.runtime.database.db);
    let slept = false;
    // The worker pool's only connection is busy for two seconds...
    const busy = workerDb.execute(sql`select pg_sleep(2)`).then(() => (slept = true));
    await new Promise((r) => setTimeout(r, 200));
    // ...and the API still answers at once from its own connections.
    const lists = await Promise.all([1, 2, 3, 4].map(() => t.request('GET', '/api/v1/drafts?mine=true', { token: demo.tokens.drafter })));
    for (const res of lists) expect(res.status, res.text).toBe(200);
    expect(slept).toBe(false);
    // The worker pool is sized as configured: a second worker query waits for the first.
    const second = await workerDb.execute(sql`select 1 as one`);
    expect(slept).toBe(true);
    expect(rowsOf(second)).toHaveLength(1);
    await busy;
    const n = rowsOf<{ n: number }>(await t.runtime.database.db.execute(sql`select count(*)::int as n from pg_stat_activity where datname = current_database()`))[0]!.n;
    expect(n).toBeLessThanOrEqual(3 + 1);
  });
});
