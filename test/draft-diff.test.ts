import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sides } from '../src/domain/diff';
import { createTestEnv, type TestEnv } from './harness';
import { png } from './support/fixtures';

describe('GET /drafts/{id}/diff: what changed between two versions', () => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  let outsider = '';
  beforeAll(async () => {
    t = await createTestEnv('postgres');
    demo = await t.seed();
    const unit = await t.request('POST', '/api/v1/units', { token: demo.tokens.admin, body: { name: '外语学院', code: 'FL' } });
    const person = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name: '外院职员', email: 'outsider@example.edu.cn', roles: ['staff'], unitId: unit.body.id } });
    outsider = await t.tokenFor(person.body.id);
  });
  afterAll(() => t?.close());

  async function upload(draftId: string, bytes: Uint8Array, name: string) {
    const form = new FormData();
    form.append('file', new File([bytes as Uint8Array<ArrayBuffer>], name, { type: 'image/png' }));
    const res = await t.runtime.app.request(`/api/v1/drafts/${draftId}/files`, { method: 'POST', body: form, headers: { authorization: `Bearer ${demo.tokens.drafter}` } });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string };
  }

  const diff = (id: string, query: string, token = demo.tokens.drafter) => t.request('GET', `/api/v1/drafts/${id}/diff?${query}`, { token });

  it('word-level diff of title and body text, and the files added and replaced', async () => {
    const created = await t.request('POST', '/api/v1/drafts', {
      token: demo.tokens.drafter,
      body: { title: '关于举办学术讲座的通知', body: '<h2>时间</h2><p>周五下午三点，图书馆报告厅。</p>', unitId: demo.unitId, accountIds: [demo.accountId] },
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    const first = await upload(id, png(2, 2, [10, 20, 30]), '现场.png');
    const v2 = await t.request('PATCH', `/api/v1/drafts/${id}`, {
      token: demo.tokens.drafter,
      body: { title: '关于举办学术讲座的补充通知', body: `<h2>时间</h2><p>周六下午三点，图书馆报告厅。</p><img src="/api/v1/files/${first.id}">` },
    });
    expect(v2.status, v2.text).toBe(200);
    const from = 1;
    const to = v2.body.currentVersion as number;

    const res = await diff(id, `from=${from}&to=${to}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.from.no).toBe(from);
    expect(res.body.to).toMatchObject({ no: to, contentSha256: v2.body.contentSha256 });
    expect(res.body.changed).toBe(true);
    expect(res.body.title).toEqual([
      { op: 'equal', text: '关于举办学术讲座的' },
      { op: 'insert', text: '补充' },
      { op: 'equal', text: '通知' },
    ]);
    expect(res.body.body.filter((p: any) => p.op !== 'equal')).toEqual([{ op: 'delete', text: '周五' }, { op: 'insert', text: '周六' }]);
    // The text compared is the body's readable text, not its markup.
    expect(sides(res.body.body)).toEqual({ before: '时间\n周五下午三点，图书馆报告厅。', after: '时间\n周六下午三点，图书馆报告厅。' });
    expect(res.body.files.added.map((f: any) => f.id)).toEqual([first.id]);
    expect(res.body.files).toMatchObject({ removed: [], changed: [] });

    // A replaced photo of the same name is a changed file; backwards works too.
    const second = await upload(id, png(2, 2, [200, 20, 30]), '现场.png');
    const v3 = await t.request('PATCH', `/api/v1/drafts/${id}`, { token: demo.tokens.drafter, body: { body: `<h2>时间</h2><p>周六下午三点，图书馆报告厅。</p><img src="/api/v1/files/${second.id}">`, fileIds: [second.id] } });
    expect(v3.status, v3.text).toBe(200);
    const photo = await diff(id, `from=${to}&to=${v3.body.currentVersion}`, demo.tokens.section_head);
    expect(photo.status).toBe(200);
    expect(photo.body.files.changed.map((c: any) => [c.from.id, c.to.id])).toEqual([[first.id, second.id]]);
    expect(photo.body.body).toEqual([{ op: 'equal', text: '时间\n周六下午三点，图书馆报告厅。' }]);
    const back = await diff(id, `from=${v3.body.currentVersion}&to=1`);
    expect(back.body.files.removed.map((f: any) => f.id)).toEqual([second.id]);

    const same = await diff(id, 'from=1&to=1');
    expect(same.body).toMatchObject({ changed: false, files: { added: [], removed: [], changed: [] } });
  });

  it('refuses what it cannot answer, naming the field; outsiders see nothing', async () => {
    const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '通知', body: '正文', unitId: demo.unitId, accountIds: [demo.accountId] } });
    const id = created.body.id as string;
    const missing = await diff(id, 'from=1&to=7');
    expect(missing.status).toBe(404);
    expect(missing.body.error.details).toEqual([expect.objectContaining({ path: 'to', in: 'query' })]);
    const missingFrom = await diff(id, 'from=99&to=1');
    expect(missingFrom.status).toBe(404);
    expect(missingFrom.body.error.details).toEqual([{ path: 'from', in: 'query', message: '本稿件没有第 99 版（共 1 版）' }]);
    expect((await diff(id, 'from=1.5&to=1')).body.error.details[0].path).toBe('from');
    expect((await diff(id, 'from=1&to=0')).body.error.details[0].path).toBe('to');
    const bad = await diff(id, 'from=abc&to=1');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('from');
    const absent = await diff(id, 'from=1');
    expect(absent.status).toBe(400);
    expect(absent.body.error.details[0].path).toBe('to');
    expect((await diff(id, 'from=1&to=1', outsider)).status).toBe(403);
    expect((await t.request('GET', `/api/v1/drafts/${id}/diff?from=1&to=1`)).status).toBe(401);
    expect((await diff('00000000-0000-4000-8000-000000000000', 'from=1&to=1')).status).toBe(404);
  });
});
