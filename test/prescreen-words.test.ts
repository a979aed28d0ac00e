import { describe, expect, it } from 'vitest';
import { seededEnv, type Demo, type TestEnv } from './harness';

describe('pre-screen word list and a unit’s blocking categories, over the API', () => {
  let t: TestEnv;
  let demo: Demo;
  seededEnv((s) => ({ t, demo } = s));

  const words = (method: string, path = '', opts: { token?: string; body?: unknown } = {}) => t.request(method, `/api/v1/prescreen/words${path}`, { token: demo.tokens.publicity, ...opts });
  const newDraft = async (body: string) => {
    const res = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '通知', body, unitId: demo.unitId, accountIds: [demo.accountId] } });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };

  it('publicity staff add, list and remove entries; nobody else may', async () => {
    expect((await words('GET')).body).toEqual({ items: [] });
    const before = await newDraft('<p>请勿使用翻墙软件。</p>');
    expect(before.prescreen).toEqual([]);

    const added = await words('POST', '', { body: { word: '翻墙', category: 'network', severity: 'medium', note: '网络安全' } });
    expect(added.status, added.text).toBe(201);
    expect(added.body).toMatchObject({ word: '翻墙', category: 'network', severity: 'medium', note: '网络安全', createdBy: demo.people.publicity });
    const vpn = await words('POST', '', { token: demo.tokens.admin, body: { word: 'VPN', category: 'network', severity: 'low' } });
    expect(vpn.status, vpn.text).toBe(201);
    const dup = await words('POST', '', { body: { word: 'vpn', category: 'other', severity: 'high' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'already_exists', details: { field: 'word' } });
    const badSeverity = await words('POST', '', { body: { word: '某词', category: 'x', severity: 'urgent' } });
    expect(badSeverity.status).toBe(400);
    expect(badSeverity.body.error.details[0].path).toBe('severity');
    const badCategory = await words('POST', '', { body: { word: '某词', category: '政治 敏感', severity: 'low' } });
    expect(badCategory.body.error.details[0].path).toBe('category');
    expect((await words('POST', '', { token: demo.tokens.drafter, body: { word: 'x', category: 'x', severity: 'low' } })).status).toBe(403);
    expect((await words('GET', '', { token: demo.tokens.secretary })).status).toBe(403);
    expect((await words('GET', '', { token: '' })).status).toBe(401);

    const list = await words('GET');
    expect(list.body.items.map((w: any) => w.word)).toEqual(['VPN', '翻墙']);

    // Versions written from now on are screened with the entry; earlier versions keep their findings.
    const after = await newDraft('<p>请勿使用翻墙软件或 vpn。</p>');
    expect(after.prescreen.map((f: any) => [f.kind, f.category, f.word])).toEqual([['word', 'network', '翻墙'], ['word', 'network', 'VPN']]);
    expect((await t.request('GET', `/api/v1/drafts/${before.id}`, { token: demo.tokens.drafter })).body.prescreen).toEqual([]);

    const byWord = await words('DELETE', `?word=${encodeURIComponent('vpn')}`);
    expect(byWord.status, byWord.text).toBe(200);
    expect(byWord.body.word).toBe('VPN');
    const byId = await words('DELETE', `/${added.body.id}`);
    expect(byId.status).toBe(200);
    const again = await words('DELETE', `/${added.body.id}`);
    expect(again.status).toBe(404);
    expect(again.body.error.details).toMatchObject({ field: 'id' });
    expect((await words('DELETE', '?word=nothing')).status).toBe(404);
    expect((await words('DELETE', `/${added.body.id}`, { token: demo.tokens.drafter })).status).toBe(403);
    expect((await words('GET')).body.items).toEqual([]);
  });

  it('a unit blocks submission on chosen categories; publicity staff set it, the unit can read it', async () => {
    await words('POST', '', { body: { word: '内部通报', category: 'internal', severity: 'high' } });
    const path = `/api/v1/units/${demo.unitId}/prescreen`;
    const read = await t.request('GET', path, { token: demo.tokens.drafter });
    expect(read.status, read.text).toBe(200);
    expect(read.body).toMatchObject({ unitId: demo.unitId, block: [] });
    expect(read.body.categories).toEqual(expect.arrayContaining(['classification', 'personal_info', 'internal']));

    expect((await t.request('PUT', path, { token: demo.tokens.drafter, body: { block: ['internal'] } })).status).toBe(403);
    const unknown = await t.request('PUT', path, { token: demo.tokens.publicity, body: { block: ['internal', 'nonsense'] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([expect.objectContaining({ path: 'block.1' })]);
    const set = await t.request('PUT', path, { token: demo.tokens.publicity, body: { block: ['internal', 'classification'] } });
    expect(set.status, set.text).toBe(200);
    expect(set.body.block).toEqual(['internal', 'classification']);

    const draft = await newDraft('<p>据内部通报，讲座改期。</p>');
    const refused = await t.request('POST', `/api/v1/drafts/${draft.id}/submit`, { token: demo.tokens.drafter });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'prescreen_blocked', details: { categories: ['internal'] } });
    expect(refused.body.error.message).toBe('发布前自查发现本单位禁止提交的内容：internal 1 处，请修改后再提交');
    // A built-in category by its name, never its code, in either language.
    const marked = await newDraft('<p>机密★5年 讲座改期。</p>');
    const zh = await t.request('POST', `/api/v1/drafts/${marked.id}/submit`, { token: demo.tokens.drafter });
    expect(zh.body.error.message).toBe('发布前自查发现本单位禁止提交的内容：密级标志 1 处，请修改后再提交');
    const en = await t.request('POST', `/api/v1/drafts/${marked.id}/submit?lang=en`, { token: demo.tokens.drafter });
    expect(en.body.error.message).toBe('The pre-screen found content this unit does not allow to be submitted: classification marks (1); edit it first');
    // Refused means unchanged.
    expect((await t.request('GET', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter })).body.status).toBe('draft');

    const edited = await t.request('PATCH', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter, body: { body: '<p>讲座改期。</p>' } });
    expect(edited.body.prescreen).toEqual([]);
    const submitted = await t.request('POST', `/api/v1/drafts/${draft.id}/submit`, { token: demo.tokens.drafter });
    expect(submitted.status, submitted.text).toBe(200);

    const cleared = await t.request('PUT', path, { token: demo.tokens.admin, body: { block: [] } });
    expect(cleared.body.block).toEqual([]);
    expect((await t.request('GET', '/api/v1/units/00000000-0000-4000-8000-000000000000/prescreen', { token: demo.tokens.publicity })).status).toBe(404);
  });
});
