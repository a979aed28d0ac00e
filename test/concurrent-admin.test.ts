import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cstYear } from '../src/domain/cst';
import { Hono } from 'hono';
import { handleError, toAppError } from '../src/lib/errors';
import { inTransaction } from '../src/services/context';
import { ALL_TICKED, createTestEnv, submitDraft, type TestEnv } from './harness';
import { applyFor, newPerson, registered, rowsOf, type Demo } from './registry-fixtures';

/**
 * Two administrative acts at once, each of which reads what the other changes. Made deterministic:
 * the first is stopped half-way (a row it must write next is held by another connection), the second
 * runs in that moment, and only then is the first let go. The second either finishes at once (it
 * did not wait for the first) or waits on a lock the first holds; either way the outcome must be
 * what the two acts give one after the other.
 */
let t: TestEnv;
let demo: Demo;
let sql: postgres.Sql;

beforeAll(async () => {
  t = await createTestEnv('postgres');
  demo = await t.seed();
  sql = postgres(t.runtime.config.databaseUrl!, { max: 3, onnotice: () => {} });
});
afterAll(async () => {
  await sql?.end();
  await t?.close();
});

/** Backends of this database waiting on a lock, by what they wait on (`advisory`, `tuple`, `transactionid`…). */
const waiting = async () => (await sql`select wait_event from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`).map((r) => r.wait_event as string);

async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Runs `first` until it blocks on the row `holdSql` locks, then `second`; lets `first` go once
 * `second` has finished or is itself waiting on a lock. Both answers, in order.
 */
async function interleaved<A, B>(holdSql: (tx: postgres.TransactionSql) => Promise<unknown>, first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> {
  const held = await sql.reserve();
  try {
    await held`begin`;
    await holdSql(held as unknown as postgres.TransactionSql);
    const a = first();
    await until(async () => (await waiting()).length > 0, 'the first act to block');
    const blockedBefore = (await waiting()).length;
    let settled = false;
    const b = second().finally(() => (settled = true));
    await until(async () => settled || (await waiting()).length > blockedBefore, 'the second act to finish or wait');
    await held`rollback`;
    return [await a, await b];
  } finally {
    held.release();
  }
}

describe('administrative acts at once', () => {
  it('an account approved while its year’s campaign opens is inspected in that campaign', async () => {
    const already = await registered(t, demo);
    const pending = await applyFor(t, demo);
    // The demo opened this year's campaign; the race is played out in next year's.
    t.clock.advance(366 * 24);
    const year = cstYear(t.clock.now);
    const [campaign, approved] = await interleaved(
      // The campaign stops at the foreign key of an inspection it opens, after it has read the registered accounts.
      (held) => held`select id from accounts where id = ${already.id} for update`,
      () => t.request('POST', '/api/v1/inspections/campaigns', { token: demo.tokens.publicity, body: { year, deadline: `${year}-12-31T00:00:00+08:00` } }),
      () => t.request('POST', `/api/v1/accounts/${pending.id}/approve`, { token: demo.tokens.publicity }),
    );
    expect(campaign.status, campaign.text).toBe(201);
    expect(approved.status, approved.text).toBe(200);
    const inspected = rowsOf<{ account_id: string }>(await sql`select i.account_id from inspections i join inspection_campaigns c on c.id = i.campaign_id where c.year = ${year}`).map((r) => r.account_id);
    expect(inspected).toContain(already.id);
    expect(inspected).toContain(pending.id);
  });

  it('a review transferred to someone being deactivated is refused, or returned to its position: never left with them', async () => {
    const leaver = await newPerson(t, demo, '即将离职的同事');
    const draftId = await submitDraft(t, demo, '转交与停用同时发生');
    const [review] = await sql`select id from reviews where draft_id = ${draftId} and status = 'pending'`;
    const [deactivated, transferred] = await interleaved(
      // The deactivation stops at revoking the leaver's token, after it has looked for their reviews.
      (held) => held`select id from api_tokens where person_id = ${leaver.id} for update`,
      () => t.request('POST', `/api/v1/people/${leaver.id}/deactivate`, { token: demo.tokens.admin }),
      () => t.request('POST', `/api/v1/reviews/${review!.id}/transfer`, { token: demo.tokens.section_head, body: { toPersonId: leaver.id, reason: '请同事代为审核' } }),
    );
    expect(deactivated.status, deactivated.text).toBe(200);
    expect(transferred.status, transferred.text).toBe(409);
    expect(transferred.body.error.message).toContain('已停用');
    const [after] = await sql`select assignee_id from reviews where id = ${review!.id}`;
    expect(after!.assignee_id).toBe(demo.people.section_head);
  });

  it('a draft submitted while its first level changes hands goes to the successor', async () => {
    const successor = await newPerson(t, demo, '新任科长');
    // The outgoing section head has a review waiting already: the appointment stops at handing it over, after it has looked for them.
    await submitDraft(t, demo, '交接前已在审');
    const [waiting] = await sql`select r.id from reviews r join drafts d on d.id = r.draft_id where d.unit_id = ${demo.unitId} and r.level = 'section_head' and r.status = 'pending' and r.assignee_id = ${demo.people.section_head!} limit 1`;
    const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '交接时提交', body: '正文。', unitId: demo.unitId, accountIds: [demo.accountId] } });
    expect(created.status, created.text).toBe(201);
    const [appointed, submitted] = await interleaved(
      (held) => held`select id from reviews where id = ${waiting!.id} for update`,
      () => t.request('PUT', `/api/v1/units/${demo.unitId}/positions/section_head`, { token: demo.tokens.admin, body: { personId: successor.id } }),
      () => t.request('POST', `/api/v1/drafts/${created.body.id}/submit`, { token: demo.tokens.drafter }),
    );
    expect(appointed.status, appointed.text).toBe(200);
    expect(submitted.status, submitted.text).toBe(200);
    const pending = await sql`select r.assignee_id from reviews r join drafts d on d.id = r.draft_id where d.unit_id = ${demo.unitId} and r.level = 'section_head' and r.status = 'pending'`;
    expect(pending.map((r) => r.assignee_id)).toEqual(pending.map(() => successor.id));
    expect(pending.length).toBeGreaterThanOrEqual(2);
    // Back as it was, for the tests after this one.
    expect((await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/section_head`, { token: demo.tokens.admin, body: { personId: demo.people.section_head } })).status).toBe(200);
  });

  it('a link decision that opens the next level while that level changes hands: the successor gets it', async () => {
    const successor = await newPerson(t, demo, '新任分管领导');
    const approve = (token: string) => t.request('POST', `/api/v1/signoff/${token}`, { body: { decision: 'approve', checklist: ALL_TICKED } });
    // The outgoing deputy leader has a review waiting: the appointment stops at handing it over.
    const first = await submitDraft(t, demo, '分管领导交接前已在审');
    expect((await approve(await t.linkFor(demo.people.section_head!))).status).toBe(200);
    const [waiting] = await sql`select id from reviews where draft_id = ${first} and level = 'deputy_leader' and status = 'pending'`;
    const second = await submitDraft(t, demo, '交接时由科长批准');
    const link = await t.linkFor(demo.people.section_head!);
    const [appointed, decided] = await interleaved(
      (held) => held`select id from reviews where id = ${waiting!.id} for update`,
      () => t.request('PUT', `/api/v1/units/${demo.unitId}/positions/deputy_leader`, { token: demo.tokens.admin, body: { personId: successor.id } }),
      () => approve(link),
    );
    expect(appointed.status, appointed.text).toBe(200);
    expect(decided.status, decided.text).toBe(200);
    const next = await sql`select draft_id, assignee_id from reviews where draft_id in (${first}, ${second}) and level = 'deputy_leader' and status = 'pending'`;
    expect(next.map((r) => r.assignee_id)).toEqual([successor.id, successor.id]);
    expect((await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/deputy_leader`, { token: demo.tokens.admin, body: { personId: demo.people.deputy_leader } })).status).toBe(200);
  });

  it('a review handed back by a deactivation while its level changes hands goes to the successor', async () => {
    const leaver = await newPerson(t, demo, '代审后离职的同事');
    const successor = await newPerson(t, demo, '又一任科长');
    const draftId = await submitDraft(t, demo, '转交后代审人离职');
    const [review] = await sql`select id from reviews where draft_id = ${draftId} and status = 'pending'`;
    const moved = await t.request('POST', `/api/v1/reviews/${review!.id}/transfer`, { token: demo.tokens.section_head, body: { toPersonId: leaver.id, reason: '请同事代为审核' } });
    expect(moved.status, moved.text).toBe(200);
    const [deactivated, appointed] = await interleaved(
      // The deactivation stops at revoking the leaver's token, after it has handed the review back to the section head.
      (held) => held`select id from api_tokens where person_id = ${leaver.id} for update`,
      () => t.request('POST', `/api/v1/people/${leaver.id}/deactivate`, { token: demo.tokens.admin }),
      () => t.request('PUT', `/api/v1/units/${demo.unitId}/positions/section_head`, { token: demo.tokens.admin, body: { personId: successor.id } }),
    );
    expect(deactivated.status, deactivated.text).toBe(200);
    expect(appointed.status, appointed.text).toBe(200);
    const [after] = await sql`select assignee_id from reviews where id = ${review!.id}`;
    expect(after!.assignee_id).toBe(successor.id);
    expect((await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/section_head`, { token: demo.tokens.admin, body: { personId: demo.people.section_head } })).status).toBe(200);
  });

  it('personal tokens made at once stay within the limit of 20', async () => {
    const someone = await newPerson(t, demo, '写脚本的同事');
    const made = await Promise.all(Array.from({ length: 30 }, (_, i) => t.request('POST', '/api/v1/tokens', { token: someone.token, body: { label: `脚本 ${i}` } })));
    // Their own first token (newPerson's) counts: 19 more fit.
    expect(made.filter((r) => r.status === 201)).toHaveLength(19);
    expect(made.filter((r) => r.status === 409)).toHaveLength(11);
    const [held] = await sql`select count(*)::int as n from api_tokens where person_id = ${someone.id} and revoked_at is null`;
    expect(held!.n).toBe(20);
  });

  it('nobody deactivated is appointed to a position', async () => {
    const gone = await newPerson(t, demo, '已离职的同事');
    expect((await t.request('POST', `/api/v1/people/${gone.id}/deactivate`, { token: demo.tokens.admin })).status).toBe(200);
    const res = await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/section_head`, { token: demo.tokens.admin, body: { personId: gone.id } });
    expect(res.status, res.text).toBe(409);
    expect(res.body.error.message).toContain('已停用');
    const [holder] = await sql`select person_id from position_terms where unit_id = ${demo.unitId} and position = 'section_head' and ended_at is null`;
    expect(holder!.person_id).toBe(demo.people.section_head);
  });
});

describe('when Postgres breaks a deadlock', () => {
  const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });

  it('the use case it rolled back runs again from the start: one answer, one audit event', async () => {
    const leaver = await newPerson(t, demo, '死锁中被停用的同事');
    const held = await sql.reserve();
    try {
      await held`begin`;
      // This connection checks for a deadlock last, so the deactivation is the one Postgres rolls back.
      await held`set local deadlock_timeout = '30s'`;
      // The deactivation locks the person's row, then stops at the token this connection holds…
      await held`select id from api_tokens where person_id = ${leaver.id} for update`;
      const deactivated = t.request('POST', `/api/v1/people/${leaver.id}/deactivate`, { token: demo.tokens.admin });
      await until(async () => (await waiting()).length > 0, 'the deactivation to block');
      // …and this connection now waits for the person's row: a cycle, broken after a second.
      await held`select id from people where id = ${leaver.id} for update`;
      await held`rollback`;
      const res = await deactivated;
      expect(res.status, res.text).toBe(200);
      expect(res.body.tokensRevoked).toBe(1);
    } finally {
      held.release();
    }
    const [events] = await sql`select count(*)::int as n from audit_events where action = 'person.deactivated' and subject_id = ${leaver.id}`;
    expect(events!.n).toBe(1);
  });

  it('gives up after three retries with 503, and never retries inside another transaction', async () => {
    const { db } = t.runtime.database;
    let attempts = 0;
    const failing = () => inTransaction(db, t.runtime.deps, async () => {
      attempts++;
      throw deadlock();
    });
    const err = await failing().catch((e: unknown) => e);
    expect(attempts).toBe(4);
    const answer = toAppError(err);
    expect([answer.code, answer.status]).toEqual(['unavailable', 503]);
    // Over HTTP, with when to try again.
    const app = new Hono().get('/', () => { throw err; }).onError(handleError);
    const res = await app.request('/');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await res.json()).error.message).toContain('请稍后重试');

    attempts = 0;
    // A savepoint's failure has aborted the outer transaction: running the inner work again there would fail.
    await expect(db.transaction((tx) => inTransaction(tx as unknown as typeof db, t.runtime.deps, async () => {
      attempts++;
      throw deadlock();
    }))).rejects.toMatchObject({ code: '40P01' });
    expect(attempts).toBe(1);
  });
});
