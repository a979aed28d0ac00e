import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { handleError } from '../src/lib/errors';
import type { AppEnv } from '../src/lib/http';
import { idempotency } from '../src/lib/idempotency';
import type { Person } from '../src/services/auth';
import { inTransaction } from '../src/services/context';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimKey, releaseKey, storeAnswer } from '../src/services/idempotency';
import { SWEEPS } from '../src/services/sweeps';
import { createTestEnv, type DbKind, type TestEnv } from './harness';
import { png } from './support/fixtures';

/**
 * A write sent again with the same Idempotency-Key (a script retrying after a timeout, a client's
 * double click) is done once; the second send gets the first answer back.
 */
describe.each<DbKind>(['postgres', 'pglite'])('Idempotency-Key on %s', (kind) => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  beforeAll(async () => {
    t = await createTestEnv(kind);
    demo = await t.seed();
  }, 120_000);
  afterAll(() => t?.close());

  let n = 0;
  const newKey = () => `${kind}-${Date.now()}-${++n}`;
  const draft = (title: string) => ({ title, body: '<p>正文</p>', unitId: demo.unitId, accountIds: [demo.accountId] });
  const create = (key: string, body: unknown, token = demo.tokens.drafter) => t.request('POST', '/api/v1/drafts', { token, body, headers: { 'idempotency-key': key } });
  const draftsTitled = async (title: string) => (await t.request('GET', '/api/v1/drafts?mine=true&limit=100', { token: demo.tokens.drafter })).body.items.filter((d: { title: string }) => d.title === title);

  it('the same request sent twice with one key makes one draft, and the second answer is the first, marked replayed', async () => {
    const key = newKey();
    const first = await create(key, draft('重发的通知'));
    expect(first.status, first.text).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await create(key, draft('重发的通知'));
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('content-type')).toMatch(/^application\/json/);
    expect(again.body).toEqual(first.body);
    expect(await draftsTitled('重发的通知')).toHaveLength(1);
    // Without a key, sending again is a new request: a second draft.
    expect((await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: draft('重发的通知') })).status).toBe(201);
    expect(await draftsTitled('重发的通知')).toHaveLength(2);
  });

  it('the same key on a different request is refused with 422 naming the header, and does nothing', async () => {
    const key = newKey();
    expect((await create(key, draft('第一份'))).status).toBe(201);
    const other = await create(key, draft('第二份'));
    expect(other.status, other.text).toBe(422);
    expect(other.body.error).toMatchObject({ code: 'idempotency_key_reused', details: { field: 'Idempotency-Key' } });
    expect(other.body.error.message).toMatch(/^Idempotency-Key：/);
    expect(await draftsTitled('第二份')).toHaveLength(0);
    const submitWithIt = await t.request('POST', `/api/v1/drafts/${(await draftsTitled('第一份'))[0].id}/submit`, { token: demo.tokens.drafter, headers: { 'idempotency-key': key } });
    expect(submitWithIt.status).toBe(422);
  });

  it('a key is its sender’s: another person with the same key and body gets their own answer', async () => {
    const key = newKey();
    const mine = await create(key, draft('同一个键'));
    const theirs = await create(key, draft('同一个键'), demo.tokens.section_head);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('a malformed key, or a key where the answer holds a secret, is refused with 400 naming the header', async () => {
    for (const key of ['', 'x'.repeat(256), 'clé']) {
      const res = await create(key, draft('坏的键'));
      expect(res.status, `${JSON.stringify(key)}: ${res.text}`).toBe(400);
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'Idempotency-Key', in: 'header' })]);
    }
    expect(await draftsTitled('坏的键')).toHaveLength(0);
    const token = await t.request('POST', '/api/v1/tokens', { token: demo.tokens.drafter, body: { label: '脚本' }, headers: { 'idempotency-key': newKey() } });
    expect(token.status, token.text).toBe(400);
    expect(token.body.error.details[0].path).toBe('Idempotency-Key');
  });

  it('a retried upload is the same upload though its multipart boundary differs', async () => {
    const { id } = (await create(newKey(), draft('带图片的稿件'))).body;
    const key = newKey();
    const image = png(3, 2, [10, 120, 200]);
    const upload = (boundary: string) => {
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n`;
      const body = Buffer.concat([Buffer.from(head), Buffer.from(image), Buffer.from(`\r\n--${boundary}--\r\n`)]);
      return t.runtime.app.request(`/api/v1/drafts/${id}/files`, {
        method: 'POST', body, headers: { authorization: `Bearer ${demo.tokens.drafter}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'idempotency-key': key },
      });
    };
    const first = await upload('----first-boundary-1');
    expect(first.status, await first.clone().text()).toBe(201);
    const again = await upload('----another-boundary-22');
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const files = await t.request('GET', `/api/v1/drafts/${id}/files`, { token: demo.tokens.drafter });
    expect(files.body.items).toHaveLength(1);
  });

  it('sent twice at once: done once; the other answer is the first’s, or 409 while it runs', async () => {
    const key = newKey();
    const both = await Promise.all([create(key, draft('同时发出两次')), create(key, draft('同时发出两次'))]);
    const statuses = both.map((r) => r.status).sort((a, b) => a - b);
    expect(statuses[0], both.map((r) => r.text).join('\n')).toBe(201);
    expect([201, 409]).toContain(statuses[1]);
    if (statuses[0] === 409) expect(both.find((r) => r.status === 409)!.body.error.code).toBe('idempotency_in_progress');
    expect(await draftsTitled('同时发出两次')).toHaveLength(1);
  });

  it('a key whose request died unanswered (its process killed) waits five minutes, then is taken up again', async () => {
    const key = newKey();
    expect((await create(key, draft('中途崩溃的请求'))).status).toBe(201);
    // As if the process had died after claiming the key and before its work committed.
    await t.runtime.database.db.execute(sql`update idempotent_requests set status = null, body = null, committed_at = null where key = ${key}`);
    const meanwhile = await create(key, draft('中途崩溃的请求'));
    expect(meanwhile.status, meanwhile.text).toBe(409);
    expect(meanwhile.body.error.code).toBe('idempotency_in_progress');
    t.clock.advance(0.1);
    const later = await create(key, draft('中途崩溃的请求'));
    expect(later.status, later.text).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    expect((await create(key, draft('中途崩溃的请求'))).headers.get('idempotent-replayed')).toBe('true');
  });

  it('a key whose request committed its work and then died is never run again: 409 idempotency_answer_lost', async () => {
    const key = newKey();
    expect((await create(key, draft('提交后崩溃的请求'))).status).toBe(201);
    // As if the process had died after the draft's transaction committed and before the answer was kept.
    await t.runtime.database.db.execute(sql`update idempotent_requests set status = null, body = null where key = ${key}`);
    expect((await create(key, draft('提交后崩溃的请求'))).body.error.code).toBe('idempotency_in_progress');
    t.clock.advance(0.1);
    const later = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: draft('提交后崩溃的请求'), headers: { 'idempotency-key': key, 'accept-language': 'en' } });
    expect(later.status, later.text).toBe(409);
    expect(later.body.error).toMatchObject({ code: 'idempotency_answer_lost', details: { field: 'Idempotency-Key' } });
    expect(later.body.error.message).toMatch(/carried out/);
    expect(await draftsTitled('提交后崩溃的请求')).toHaveLength(1);
  });

  it('a request that fails after its work committed keeps that as its answer; one that fails before lets the key go', async () => {
    // The middleware alone, before a handler that commits (or not) and then fails as a fault would.
    let runs = 0;
    let failAfterCommit = true;
    const app = new Hono<AppEnv>();
    app.use(async (c, next) => { c.set('deps', t.runtime.deps); c.set('person', { id: demo.people.drafter } as Person); await next(); });
    app.use(idempotency);
    app.post('/work', async (c) => {
      if (failAfterCommit) await inTransaction(c.var.deps.db, c.var.deps, async (tx) => { runs++; await tx.execute(sql`select 1`); });
      throw new Error('fault after the work');
    });
    app.onError(handleError);
    const send = (key: string) => app.request('/work', { method: 'POST', headers: { 'idempotency-key': key } });

    const committed = newKey();
    expect((await send(committed)).status).toBe(500);
    const retried = await send(committed);
    expect(retried.status).toBe(409);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(((await retried.json()) as { error: { code: string } }).error.code).toBe('idempotency_answer_lost');
    expect(runs).toBe(1);

    failAfterCommit = false;
    const uncommitted = newKey();
    expect((await send(uncommitted)).status).toBe(500);
    // Nothing was done: the key was let go, and the retry runs anew.
    const again = await send(uncommitted);
    expect(again.status).toBe(500);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
  });

  it('a request presumed dead that finishes after all cannot overwrite or free the claim that took its key over', async () => {
    const { db } = t.runtime.database;
    const key = newKey();
    const t0 = new Date(t.clock.now.getTime() + 3_600_000);
    const first = await claimKey(db, demo.people.drafter!, key, 'same', t0);
    const t1 = new Date(t0.getTime() + 6 * 60_000);
    const second = await claimKey(db, demo.people.drafter!, key, 'same', t1);
    expect([first.kind, second.kind]).toEqual(['claimed', 'claimed']);
    // The first comes back late, before the second has answered: its release misses…
    await releaseKey(db, demo.people.drafter!, key, (first as { at: Date }).at);
    await storeAnswer(db, demo.people.drafter!, key, (second as { at: Date }).at, { status: 201, contentType: 'application/json', body: '{"from":"second"}' });
    // …and so does its answer, after the second's.
    await storeAnswer(db, demo.people.drafter!, key, (first as { at: Date }).at, { status: 201, contentType: 'application/json', body: '{"from":"first"}' });
    const later = await claimKey(db, demo.people.drafter!, key, 'same', new Date(t1.getTime() + 1000));
    expect(later).toEqual({ kind: 'answered', answer: { status: 201, contentType: 'application/json', body: '{"from":"second"}' } });
  });

  it('the API document offers the header on a signed-in person’s writes, with its refusals, and nowhere else', async () => {
    const doc = (await t.request('GET', '/openapi.json')).body;
    const has = (path: string, method: string) => (doc.paths[path][method].parameters ?? []).some((p: { $ref?: string }) => p.$ref === '#/components/parameters/IdempotencyKey');
    expect(doc.components.parameters.IdempotencyKey).toMatchObject({ name: 'Idempotency-Key', in: 'header', required: false });
    expect(has('/api/v1/drafts', 'post')).toBe(true);
    expect(Object.keys(doc.paths['/api/v1/drafts'].post.responses)).toEqual(expect.arrayContaining(['409', '422']));
    expect(has('/api/v1/drafts', 'get')).toBe(false);
    expect(has('/api/v1/tokens', 'post')).toBe(false);
    expect(has('/api/v1/signoff/{token}', 'post')).toBe(false);
  });

  it('a key lasts a day, then may be used again; the sweep clears old keys', async () => {
    const key = newKey();
    expect((await create(key, draft('昨天的请求'))).status).toBe(201);
    t.clock.advance(25);
    const today = await create(key, draft('今天的请求'));
    expect(today.status, today.text).toBe(201);
    expect(today.headers.get('idempotent-replayed')).toBeNull();
    t.clock.advance(25);
    const prune = SWEEPS.find((s) => s.name === 'idempotency-prune')!;
    expect(await prune.run(t.runtime.database.db, t.runtime.deps, t.clock.now)).toBeGreaterThan(0);
    const again = await create(key, draft('后天的请求'));
    expect(again.status).toBe(201);
  });
});
