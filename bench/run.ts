/**
 * `npm run bench`: measures the hot read path and the sign-off write path against baselines taken
 * in the same run, and prints ratios (never asserted by tests). Uses DATABASE_URL when set,
 * otherwise an in-memory PGlite.
 */
import { Hono } from 'hono';
import { sql } from 'drizzle-orm';
import { silentLog } from '../src/lib/log';
import { memoryChannel } from '../src/notify/channel';
import { createRuntime } from '../src/runtime';
import { seedDemo } from '../src/services/bootstrap';
import { CHECKLIST_ITEMS } from '../src/domain/checklist';

async function time(label: string, n: number, fn: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < Math.min(20, n); i++) await fn(i); // warm-up
  const start = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  const perOp = (performance.now() - start) / n;
  console.log(`${label.padEnd(48)} ${perOp.toFixed(3).padStart(9)} ms/op`);
  return perOp;
}

const channel = memoryChannel();
const rt = await createRuntime({ env: { ...process.env, PGLITE_DIR: 'memory://', APP_SECRET: 'bench-secret-0123456789abcdef012345', LOG_LEVEL: 'silent' }, log: silentLog, channel });
const { db } = rt.database;
const demo = await seedDemo(db, rt.deps);
const auth = { authorization: `Bearer ${demo.tokens.drafter}`, 'content-type': 'application/json' };
const created = await (await rt.app.request('/api/v1/drafts', { method: 'POST', headers: auth, body: JSON.stringify({ title: '基准', body: '正文', unitId: demo.unitId, accountIds: [demo.accountId] }) })).json() as { id: string };

console.log(`database: ${rt.database.kind}\n`);
const bare = new Hono().get('/x', (c) => c.json({ ok: true }));
const bareHono = await time('baseline: bare Hono JSON route', 2000, () => bare.request('/x'));
const healthz = await time('GET /healthz (full app stack)', 2000, () => rt.app.request('/healthz'));
const rawSql = await time('baseline: raw SQL, draft + versions + reviews', 300, () =>
  Promise.all([
    db.execute(sql`select * from drafts where id = ${created.id}`),
    db.execute(sql`select * from draft_versions where draft_id = ${created.id}`),
    db.execute(sql`select * from reviews r join people p on p.id = r.assignee_id left join decisions d on d.review_id = r.id where r.draft_id = ${created.id}`),
  ]));
const getDraft = await time('GET /api/v1/drafts/{id} (auth + view)', 300, () => rt.app.request(`/api/v1/drafts/${created.id}`, { headers: auth }));

// The write path: one full submit → five-level approval, link minted and decided each time.
const ticked = Object.fromEntries(CHECKLIST_ITEMS.map((i) => [i, true]));
const chain = await time('full chain: create, submit, 4 link decisions', 20, async (i) => {
  const d = await (await rt.app.request('/api/v1/drafts', { method: 'POST', headers: auth, body: JSON.stringify({ title: `基准 ${i}`, body: '正文', unitId: demo.unitId, accountIds: [demo.accountId] }) })).json() as { id: string };
  await rt.app.request(`/api/v1/drafts/${d.id}/submit`, { method: 'POST', headers: auth });
  for (let level = 0; level < 4; level++) {
    await rt.drain();
    const token = [...channel.sent].reverse().find((m) => m.link)!.link!.split('/s/')[1];
    await rt.app.request(`/api/v1/signoff/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ decision: 'approve', checklist: ticked }) });
  }
});

console.log(`\nratios: healthz / bare Hono = ${(healthz / bareHono).toFixed(2)}×; GET draft / raw SQL = ${(getDraft / rawSql).toFixed(2)}×; full chain = ${chain.toFixed(1)} ms (${(chain / rawSql).toFixed(0)}× one raw read)`);
await rt.close();
