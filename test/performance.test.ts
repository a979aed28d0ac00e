import { sql } from 'drizzle-orm';
import { openDatabase } from '../db/node';
import { units } from '../db/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TICKED, createTestEnv, submitDraft, type TestEnv } from './harness';
import { rowsOf } from './registry-fixtures';
import { explainStatement } from './support/explain';

/**
 * The hot paths' structural bounds (speed itself is measured in bench/, never asserted here):
 * separate connection pools for the API and the workers.
 */
let t: TestEnv;
let demo: Awaited<ReturnType<TestEnv['seed']>>;
/** A statement as the API's pool sent it. */
type Sent = { text: string; parameters: readonly unknown[] };
/** Every statement the API's pool sends, while recording. */
let sent: Sent[] | null = null;
async function record<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[]; sent: Sent[] }> {
  sent = [];
  try {
    const result = await work();
    return { result, statements: sent.map((s) => s.text), sent };
  } finally {
    sent = null;
  }
}

beforeAll(async () => {
  t = await createTestEnv('postgres', { DB_POOL_SIZE: '3', WORKER_DB_POOL_SIZE: '1' }, { onQuery: (text, parameters) => sent?.push({ text, parameters }) });
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

/** A statement as the log shows it, without its parameters or layout. */
const shape = (statement: string) => statement.replace(/\s+/g, ' ').trim().slice(0, 60);

describe('round trips of a link decision', () => {
  // Was 26 with the audit chain's lock (24 once the sealer took it out, then 16): 2 reads before the
  // transaction, 18 in it, 4 after it for the view. Now, in five round trips: begin; the lock through
  // the link; one read (with the assignee's terms beside it); the claim, all the writes as one
  // statement and the view's five reads, sent together; commit.
  const BOUND = 12;

  it(`an approval that opens the next level sends at most ${BOUND} statements, none before its transaction`, async () => {
    const draftId = await submitDraft(t, demo, '往返次数');
    const link = await t.linkFor(demo.people.section_head!);
    const { result, statements } = await record(() => t.request('POST', `/api/v1/signoff/${link}`, { body: { decision: 'approve', checklist: ALL_TICKED } }));
    expect(result.status, result.text).toBe(200);
    // The answer is the whole draft view, read inside the transaction: the next level is open.
    expect(result.body).toMatchObject({ id: draftId, status: 'in_review', currentLevel: 'deputy_leader' });
    expect(result.body.reviews.map((r: { level: string; status: string }) => `${r.level}:${r.status}`)).toEqual(['section_head:approved', 'deputy_leader:pending']);
    const shapes = statements.map(shape);
    expect(shapes[0], shapes.join('\n')).toBe('begin');
    expect(shapes.at(-1)).toBe('commit');
    expect(shapes.filter((s) => /advisory/.test(s))).toEqual([]);
    expect(statements.length, shapes.join('\n')).toBeLessThanOrEqual(BOUND);
  });

  it('the page form decides with a liveness check and the transaction alone (the page after it reads its own)', async () => {
    const draftId = await submitDraft(t, demo, '表单往返');
    const link = await t.linkFor(demo.people.section_head!);
    const form = new URLSearchParams({ decision: 'approve' });
    for (const item of Object.keys(ALL_TICKED)) form.append('checklist', item);
    const { result, statements } = await record(async () =>
      t.runtime.app.request(`/s/${link}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://imprimatur.test', 'sec-fetch-site': 'same-origin' }, body: form.toString() }),
    );
    expect(result.status, await result.text()).toBe(303);
    const shapes = statements.map(shape);
    // One read to refuse a dead link before the body is read; then the decision without its view.
    expect(shapes[1], shapes.join('\n')).toBe('begin');
    expect(statements.length, shapes.join('\n')).toBeLessThanOrEqual(BOUND - 5 + 1);
    const view = await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter });
    expect(view.body.currentLevel).toBe('deputy_leader');
  });
});

/** Tables that grow with use: none may be read whole on a hot path. */
const GROWING = ['drafts', 'draft_versions', 'reviews', 'decisions', 'link_tokens', 'audit_events', 'outbox', 'draft_files', 'draft_accounts', 'position_terms', 'deliveries', 'sessions', 'inspection_codes'];

/** The growing tables each statement sent would scan whole, with its plan, as `shape → tables`. */
async function wholeTableScans(sent: Sent[]): Promise<string[]> {
  return t.runtime.database.db.transaction(async (tx) => {
    // The test's tables are small, where a scan is cheapest; with scans priced out, a plan that
    // still scans one of these tables has no index to use instead.
    await tx.execute(sql`set local enable_seqscan = off`);
    const found: string[] = [];
    for (const s of sent.filter((s) => /^\s*(select|with|update|insert|delete)\b/i.test(s.text))) {
      const plan = await explainStatement(tx, s.text, s.parameters);
      const scanned = [...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]!).filter((table) => GROWING.includes(table));
      if (scanned.length) found.push(`${shape(s.text)} → ${scanned.join(', ')}\n${plan}`);
    }
    return found;
  });
}

describe('every lookup on a hot path has its index', () => {
  // Found by the decision's pgbench script (bench/decision-sql.ts): decisions had no index on
  // draft_id, so each decision scanned every decision ever made. With the index dropped, the
  // decision's case fails.
  type Recorded = { result: { status: number; text: string }; sent: Sent[] };
  const createDraft = () => t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '索引', body: '正文。', unitId: demo.unitId, accountIds: [demo.accountId] } });
  // Each records only its last step (what comes before it is set-up).
  const paths: [string, () => Promise<Recorded>][] = [
    ['creating a draft', () => record(createDraft)],
    ['submitting it', async () => {
      const created = await createDraft();
      return record(() => t.request('POST', `/api/v1/drafts/${created.body.id}/submit`, { token: demo.tokens.drafter }));
    }],
    ['a link decision', async () => {
      await submitDraft(t, demo, '索引');
      const link = await t.linkFor(demo.people.section_head!);
      return record(() => t.request('POST', `/api/v1/signoff/${link}`, { body: { decision: 'approve', checklist: ALL_TICKED } }));
    }],
    ['the inbox', () => record(() => t.request('GET', '/api/v1/drafts?awaiting=me', { token: demo.tokens.section_head }))],
    ["a drafter's list", () => record(() => t.request('GET', '/api/v1/drafts?mine=true', { token: demo.tokens.drafter }))],
    ['public verify', () => record(() => t.request('GET', `/api/v1/verify/${demo.inspectionCode}`))],
  ];
  for (const [name, run] of paths) {
    it(`${name}: no statement reads a growing table whole`, async () => {
      const { result, sent } = await run();
      expect(result.status, result.text).toBeLessThan(300);
      expect(sent.length).toBeGreaterThan(0);
      expect(await wholeTableScans(sent)).toEqual([]);
    });
  }
});

describe('prepared statements', () => {
  it('every statement is named and kept by its connection (one round trip after its first use); DB_PREPARE=false leaves them unnamed', async () => {
    const kept = async (prepare: boolean) => {
      const database = await openDatabase({ url: t.runtime.config.databaseUrl!, max: 1, prepare });
      try {
        const probe = () => database.db.execute(sql`select ${'a'}::text as probe`);
        await probe();
        await probe();
        // In a transaction too: its connection is wrapped alike.
        await database.db.transaction(async (tx) => { await tx.execute(sql`select ${'b'}::text as probe_in_transaction`); });
        // One drizzle prepares by name itself (as the public verify's does): DB_PREPARE=false holds for it too.
        await database.db.select({ named: sql<string>`${sql.placeholder('v')}::text`.as('probe_named') }).from(units).limit(1).prepare('probe_named').execute({ v: 'c' });
        const texts = rowsOf<{ statement: string }>(await database.db.execute(sql`select case when statement like ${'%probe_named%'} then ${'probe_named'} else statement end as statement from pg_prepared_statements where statement in (${'select $1::text as probe'}, ${'select $1::text as probe_in_transaction'}) or statement like ${'%probe_named%'}`));
        return texts.map((r) => r.statement).sort();
      } finally {
        await database.close();
      }
    };
    expect(await kept(true)).toEqual(['probe_named', 'select $1::text as probe', 'select $1::text as probe_in_transaction']);
    expect(await kept(false)).toEqual([]);
  });
});
