/**
 * `npm run bench:inbox` (add `-- --full` for 1k / 100k / 1M stored drafts; short mode: 1k / 20k):
 * what one person waits for one list request as the drafts pile up. Over real HTTP to the service in
 * its own process, one request at a time on one kept-alive connection (the "p99 for one
 * request"), for the approver's inbox (`awaiting=me`), the drafter's own list (`mine=true`, the
 * drafter holding nearly every stored draft), its next page by cursor, and the unit's list.
 * Drafts are stored by SQL. Never asserted by tests; test/draft-lists.test.ts checks the plans.
 */
import { sql } from 'drizzle-orm';
import { silentLog } from '../src/lib/log';
import { createRuntime } from '../src/runtime';
import { seedDemo } from '../src/services/bootstrap';
import { quantile, REDIS_URL, scratchDatabase, startServer } from './support';

const FULL = process.argv.includes('--full');
const SIZES = FULL ? [1_000, 100_000, 1_000_000] : [1_000, 20_000];
const REQUESTS = FULL ? 2_000 : 500;
/** Drafts stored per statement: a million in one would hold one long transaction and its memory. */
const BATCH = 100_000;
const SECRET = 'bench-secret-0123456789abcdef0123456789';

const database = await scratchDatabase('inbox');
const rt = await createRuntime({ env: { DATABASE_URL: database.url, APP_SECRET: SECRET, NODE_ENV: 'production', PUBLIC_URL: 'http://bench.local', LOG_LEVEL: 'silent' }, log: silentLog });
const server = await startServer('app', { DATABASE_URL: database.url, APP_SECRET: SECRET, NODE_ENV: 'production', PUBLIC_URL: 'http://bench.local', REDIS_URL });
try {
  const demo = await seedDemo(rt.database.db, rt.deps);
  const db = rt.database.db;
  const drafter = { authorization: `Bearer ${demo.tokens.drafter}` };
  const head = { authorization: `Bearer ${demo.tokens.section_head}` };
  // The one draft in the section head's inbox, however many are stored.
  const created = await (await rt.app.request('/api/v1/drafts', { method: 'POST', headers: { ...drafter, 'content-type': 'application/json' }, body: JSON.stringify({ title: '待审', body: '正文', unitId: demo.unitId, accountIds: [demo.accountId] }) })).json() as { id: string };
  await rt.app.request(`/api/v1/drafts/${created.id}/submit`, { method: 'POST', headers: drafter });

  let stored = 1;
  async function storeUpTo(n: number) {
    while (stored < n) {
      const k = Math.min(BATCH, n - stored);
      // Approved drafts of the demo drafter, each changed a second before the last (older than the one awaiting review).
      await db.execute(sql`
        with d as (
          insert into drafts (unit_id, drafter_id, status, levels, updated_at)
          select ${demo.unitId}::uuid, ${demo.people.drafter}::uuid, 'approved', '[]'::jsonb, now() - interval '1 day' - (${stored} + g) * interval '1 second'
          from generate_series(1, ${k}) g returning id)
        insert into draft_versions (draft_id, no, title, body, content_sha256, created_by)
        select d.id, 1, '存量稿件', '正文', repeat('0', 64), ${demo.people.drafter}::uuid from d`);
      stored += k;
    }
    await db.execute(sql`vacuum analyze drafts`);
    await db.execute(sql`vacuum analyze draft_versions`);
  }

  /** REQUESTS requests one after another (after a warm-up); latency percentiles in ms. */
  async function timed(path: string, headers: Record<string, string>) {
    const once = async () => {
      const res = await fetch(`${server.base}${path}`, { headers });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { items: unknown[]; nextCursor: string | null };
    };
    for (let i = 0; i < 100; i++) await once();
    const ms: number[] = [];
    let last = await once();
    for (let i = 0; i < REQUESTS; i++) {
      const t0 = performance.now();
      last = await once();
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    return { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), max: ms.at(-1)!, items: last.items.length, nextCursor: last.nextCursor };
  }
  const fmt = (r: { p50: number; p99: number; max: number; items: number }) =>
    `p50 ${r.p50.toFixed(1).padStart(5)} ms  p99 ${r.p99.toFixed(1).padStart(5)} ms  max ${r.max.toFixed(1).padStart(6)} ms  (${r.items} items)`;

  console.log(`one request at a time, ${REQUESTS} per route after 100 to warm up; drafts stored by SQL (the demo drafter's)\n`);
  for (const size of SIZES) {
    const t0 = performance.now();
    await storeUpTo(size);
    console.log(`${size.toLocaleString('en')} drafts stored (${((performance.now() - t0) / 1000).toFixed(0)} s to add)`);
    const awaiting = await timed('/api/v1/drafts?awaiting=me&limit=50', head);
    console.log(`  awaiting=me (section head)     ${fmt(awaiting)}`);
    const mine = await timed('/api/v1/drafts?mine=true&limit=50', drafter);
    console.log(`  mine=true (drafter), page 1    ${fmt(mine)}`);
    const page2 = await timed(`/api/v1/drafts?mine=true&limit=50&cursor=${encodeURIComponent(mine.nextCursor!)}`, drafter);
    console.log(`  mine=true, next page (cursor)  ${fmt(page2)}`);
    const unit = await timed(`/api/v1/drafts?unitId=${demo.unitId}&limit=50`, head);
    console.log(`  the unit's list (section head) ${fmt(unit)}\n`);
  }
} finally {
  server.child.kill();
  await rt.close();
  await database.drop();
}
