import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPerson } from '../src/services/auth';
import { draftListQuery } from '../src/services/drafts';
import { createTestEnv, type TestEnv } from './harness';
import { explain } from './support/explain';

/**
 * Draft lists at volume: keyset pages that neither skip nor repeat a row (ties on updated_at
 * included), and plans that use the indexes rather than reading every draft.
 */
let t: TestEnv;
let demo: Awaited<ReturnType<TestEnv['seed']>>;
const STORED = 30_000;

beforeAll(async () => {
  t = await createTestEnv('postgres');
  demo = await t.seed();
  // Many drafts by other people of the unit, written straight in SQL (the API would take minutes).
  const db = t.runtime.database.db;
  await db.execute(sql`
    insert into drafts (unit_id, drafter_id, status, levels, updated_at)
    select ${demo.unitId}::uuid, ${demo.people.section_head}::uuid, 'approved', '[]'::jsonb, now() - g * interval '1 second'
    from generate_series(1, ${STORED}) g`);
  await db.execute(sql`
    insert into draft_versions (draft_id, no, title, body, content_sha256, created_by)
    select d.id, 1, '存量稿件', '正文', repeat('0', 64), d.drafter_id from drafts d
    where not exists (select 1 from draft_versions v where v.draft_id = d.id)`);
  await db.execute(sql`analyze`);
}, 120_000);
afterAll(() => t?.close());

async function draft(title: string) {
  const res = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title, body: '正文', unitId: demo.unitId, accountIds: [demo.accountId] } });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

describe('GET /api/v1/drafts paging', () => {
  it('walks every page by cursor: each draft once, newest change first, ties broken by id', async () => {
    const ids = [] as string[];
    for (let i = 0; i < 7; i++) ids.push(await draft(`分页 ${i}`));
    // Three of them changed at the very same instant: the cursor must still separate them.
    await t.runtime.database.db.execute(sql`update drafts set updated_at = (select max(updated_at) from drafts where id = any(${pgArray(ids)}::uuid[])) where id = any(${pgArray(ids.slice(2, 5))}::uuid[])`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: any; text: string } = await t.request('GET', `/api/v1/drafts?mine=true&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: demo.tokens.drafter });
      expect(res.status, res.text).toBe(200);
      seen.push(...res.body.items.map((d: { id: string }) => d.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...ids].sort());
    const times = await t.runtime.database.db.execute(sql`select id from drafts where id = any(${pgArray(ids)}::uuid[]) order by updated_at desc, id desc`);
    expect(seen).toEqual((times as unknown as { id: string }[]).map((r) => r.id));
  });

  it('offset paging still works (older clients); a forged cursor is a 400 naming it', async () => {
    const first = await t.request('GET', '/api/v1/drafts?mine=true&limit=1', { token: demo.tokens.drafter });
    const second = await t.request('GET', '/api/v1/drafts?mine=true&limit=1&offset=1', { token: demo.tokens.drafter });
    expect(first.body.items[0].id).not.toBe(second.body.items[0].id);
    for (const bad of ['nonsense', '99999999999999999999.x', `1.${'0'.repeat(36)}`, "1.'; drop table drafts; --"]) {
      const res = await t.request('GET', `/api/v1/drafts?cursor=${encodeURIComponent(bad)}`, { token: demo.tokens.drafter });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.details[0].path).toBe('cursor');
    }
  });
});

describe('plans at volume', () => {
  async function plan(personId: string, filter: Parameters<typeof draftListQuery>[2]): Promise<string> {
    const db = t.runtime.database.db;
    return explain(db, draftListQuery(db, (await findPerson(db, personId))!, filter));
  }

  it(`awaiting=me, mine=true and a unit's list use indexes, never a sequential scan of ${STORED} drafts`, async () => {
    const id = await draft('待审');
    expect((await t.request('POST', `/api/v1/drafts/${id}/submit`, { token: demo.tokens.drafter })).status).toBe(200);
    const page = { limit: 50, offset: 0 };
    for (const [who, filter] of [
      [demo.people.section_head, { ...page, awaiting: 'me' as const }],
      [demo.people.drafter, { ...page, mine: true }],
      [demo.people.section_head, { ...page, mine: true }],
      [demo.people.drafter, { ...page, unitId: demo.unitId }],
    ] as const) {
      const text = await plan(who!, filter);
      expect(text, JSON.stringify(filter)).not.toMatch(/Seq Scan on drafts/);
    }
    // The answer itself: the one draft awaiting the section head, among thirty thousand of theirs.
    const res = await t.request('GET', '/api/v1/drafts?awaiting=me', { token: demo.tokens.section_head });
    expect(res.body.items.map((d: { id: string }) => d.id)).toEqual([id]);
  });
});

const pgArray = (ids: string[]) => `{${ids.join(',')}}`;

