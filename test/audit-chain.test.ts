import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/cli/commands';
import { appendAudit, sealAudit, verifyAuditChain } from '../src/services/audit';
import { startQueueHost } from '../workers/host';
import { ALL_TICKED, createTestEnv, submitDraft, type TestEnv } from './harness';
import { rowsOf } from './registry-fixtures';
import { startTestRedis } from './support/redis-server';

/**
 * The audit chain without a global lock: writers only insert, the sealer chains in commit order.
 * Concurrent decisions on different drafts all land and the chain still verifies; an event whose
 * transaction commits late takes the next place in the chain; nothing but the one sealing update
 * gets past the append-only trigger.
 */
let t: TestEnv;
let demo: Awaited<ReturnType<TestEnv['seed']>>;

beforeAll(async () => {
  t = await createTestEnv('postgres');
  demo = await t.seed();
});
afterAll(() => t?.close());

type Row = { seq: number; chain_no: number | null; hash: string | null };
const events = async () => rowsOf<Row>(await t.runtime.database.db.execute(sql`select seq::int, chain_no::int, hash from audit_events order by seq`));
const event = (action: string, at = t.clock.now) => ({ actorId: null, action, subjectType: 'test', subjectId: action, at });

describe('audit chain', () => {
  it('many decisions at once on different drafts all land, and the chain verifies with every event in it', async () => {
    const drafts = [] as string[];
    for (let i = 0; i < 12; i++) drafts.push(await submitDraft(t, demo, `并发审核 ${i}`));
    const links = (await t.deliver()).filter((m) => m.to.personId === demo.people.section_head && m.link).map((m) => m.link!.split('/s/')[1]!);
    expect(links).toHaveLength(drafts.length);
    const answers = await Promise.all(links.map((token) => t.request('POST', `/api/v1/signoff/${token}`, { body: { decision: 'approve', checklist: ALL_TICKED } })));
    for (const res of answers) expect(res.status, res.text).toBe(200);
    expect(new Set(answers.map((r) => r.body.id))).toEqual(new Set(drafts));

    const verified = await verifyAuditChain(t.runtime.database.db);
    const rows = await events();
    expect(verified).toEqual({ ok: true, events: rows.length });
    // Sealed, each once: chain positions 1..n without a gap or a repeat.
    expect(rows.every((r) => r.hash !== null)).toBe(true);
    expect(rows.map((r) => r.chain_no).sort((a, b) => a! - b!)).toEqual(rows.map((_, i) => i + 1));
    const approvals = rowsOf<{ n: number }>(await t.runtime.database.db.execute(sql`select count(*)::int as n from audit_events where action = 'review.approved' and draft_id = any(${`{${drafts.join(',')}}`}::uuid[])`));
    expect(approvals[0]!.n).toBe(drafts.length);
  });

  it('an event committed after a later-numbered one takes the next place in the chain', async () => {
    const db = t.runtime.database.db;
    await sealAudit(db);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let appended!: () => void;
    const inserted = new Promise<void>((r) => (appended = r));
    const slow = db.transaction(async (tx) => {
      await appendAudit(tx, event('test.slow'));
      appended();
      await held;
    });
    await inserted;
    await db.transaction((tx) => appendAudit(tx, event('test.fast')));
    expect(await sealAudit(db)).toBe(1); // the slow one is not committed, so not seen
    release();
    await slow;
    expect(await sealAudit(db)).toBe(1);
    const [slowRow, fastRow] = rowsOf<Row>(await db.execute(sql`select seq::int, chain_no::int, hash from audit_events where action in ('test.slow', 'test.fast') order by seq`));
    expect(slowRow!.seq).toBeLessThan(fastRow!.seq);
    expect(slowRow!.chain_no).toBeGreaterThan(fastRow!.chain_no!);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('the trigger lets through only the sealing of an unsealed event, once', async () => {
    const database = t.runtime.database;
    await database.db.transaction((tx) => appendAudit(tx, event('test.unsealed')));
    // Content of an unsealed event: refused; sealing it while changing its content: refused.
    await expect(database.exec(`update audit_events set action = 'x' where action = 'test.unsealed'`)).rejects.toThrow(/append-only/);
    await expect(database.exec(`update audit_events set action = 'x', chain_no = 999999, prev_hash = 'a', hash = 'b' where action = 'test.unsealed'`)).rejects.toThrow(/append-only/);
    await expect(database.exec(`delete from audit_events where action = 'test.unsealed'`)).rejects.toThrow(/append-only/);
    expect(await sealAudit(database.db)).toBe(1);
    // Sealed: never again, not even its chain fields.
    await expect(database.exec(`update audit_events set hash = null, prev_hash = null, chain_no = null where action = 'test.unsealed'`)).rejects.toThrow(/append-only/);
    await expect(database.exec(`update audit_events set hash = repeat('0', 64) where action = 'test.unsealed'`)).rejects.toThrow(/append-only/);
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });

  it('an event removed behind the trigger breaks the chain at its successor', async () => {
    const database = t.runtime.database;
    for (const action of ['test.a', 'test.b', 'test.c']) await database.db.transaction((tx) => appendAudit(tx, event(action)));
    await sealAudit(database.db);
    await database.exec(`alter table audit_events disable trigger audit_events_append_only; delete from audit_events where action = 'test.b'; alter table audit_events enable trigger audit_events_append_only;`);
    const [c] = rowsOf<Row>(await database.db.execute(sql`select seq::int from audit_events where action = 'test.c'`));
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: false, brokenAt: { seq: c!.seq, problem: 'unlinked' } });
    // `npm run cli -- audit:verify` says so in the reader's language: the reason in its JSON, a sentence on stderr; exit status 1.
    const ctx = { db: database.db, deps: t.runtime.deps, kind: 'postgres' as const, publicUrl: t.runtime.config.publicUrl };
    const zh = await runCommand(ctx, { command: 'audit:verify', values: {} }, 'zh-CN');
    expect(zh.exitCode).toBe(1);
    expect(zh.output).toMatchObject({ ok: false, brokenAt: { seq: c!.seq, problem: 'unlinked', reason: '与前一事件的哈希不衔接（有事件被删除或调换了顺序）' } });
    expect(zh.note?.in('zh-CN')).toMatch(new RegExp(`^审计链断裂：第 \\d+ 个事件（seq ${c!.seq}）与前一事件的哈希不衔接.*请立即报告。$`));
    const en = await runCommand(ctx, { command: 'audit:verify', values: {} }, 'en');
    expect(en.output).toMatchObject({ brokenAt: { reason: 'prev_hash does not match the previous event (an event was removed or reordered)' } });
    expect(en.note?.in('en')).toMatch(/^The audit chain is broken at event \d+ \(seq \d+\): prev_hash does not match/);
  });

  it('the workers seal what requests commit, without anyone asking for verification', async () => {
    const redis = await startTestRedis();
    const host = startQueueHost({ ...t.runtime, config: { ...t.runtime.config, redisUrl: redis.url, queuePrefix: 'seal' } }, { workers: true, tuning: { relayEveryMs: 100 } });
    try {
      await submitDraft(t, demo, '由工作进程封存');
      const deadline = Date.now() + 10_000;
      let unsealed = -1;
      while (Date.now() < deadline && unsealed !== 0) {
        await new Promise((r) => setTimeout(r, 100));
        unsealed = (await events()).filter((r) => r.hash === null).length;
      }
      expect(unsealed).toBe(0);
    } finally {
      await host.close();
      await redis.stop();
    }
  });
});
