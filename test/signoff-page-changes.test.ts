import { describe, expect, it } from 'vitest';
import { seededEnv, type Demo, type TestEnv } from './harness';

describe('sign-off page: the pre-screen and the word diff since the reviewer last looked', () => {
  let t: TestEnv;
  let demo: Demo;
  seededEnv((s) => ({ t, demo } = s));

  const page = async (token: string, lang = '') => {
    const res = await t.runtime.app.request(`/s/${token}${lang}`);
    expect(res.status).toBe(200);
    return res.text();
  };

  it('every reviewer sees the findings; after a return, what changed word by word', async () => {
    const created = await t.request('POST', '/api/v1/drafts', {
      token: demo.tokens.drafter,
      body: { title: '关于举办学术讲座的通知', body: '<p>讲座时间：周五下午三点。联系人手机 13812345678。</p>', unitId: demo.unitId, accountIds: [demo.accountId] },
    });
    const id = created.body.id as string;
    await t.request('POST', `/api/v1/drafts/${id}/submit`, { token: demo.tokens.drafter });
    const first = await t.linkFor(demo.people.section_head!);
    const html = await page(first);
    expect(html).toContain('发布前自查');
    expect(html).toContain('手机号码');
    expect(html).toContain('13812345678');
    expect(html).not.toContain('<del>');
    expect(await page(first, '?lang=en')).toContain('Mobile number');

    const returned = await t.request('POST', `/api/v1/signoff/${first}`, { body: { decision: 'return', comment: '改到周六，删去手机号', checklist: {} } });
    expect(returned.status, returned.text).toBe(200);
    await t.request('PATCH', `/api/v1/drafts/${id}`, { token: demo.tokens.drafter, body: { body: '<p>讲座时间：周六下午三点。</p>' } });
    await t.request('POST', `/api/v1/drafts/${id}/submit`, { token: demo.tokens.drafter });
    const second = await t.linkFor(demo.people.section_head!);
    const again = await page(second);
    expect(again).toMatch(/<del><span class="visually-hidden">［删除：<\/span>周五/);
    expect(again).toMatch(/<ins><span class="visually-hidden">［新增：<\/span>周六/);
    expect(again).toContain('未发现密级标志');
  });

  it('two paragraphs joined: the line break taken out is shown (↵), not nothing', async () => {
    const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '段落合并', body: '第一段。\n第二段。', bodyFormat: 'text', unitId: demo.unitId, accountIds: [demo.accountId] } });
    const id = created.body.id as string;
    await t.request('POST', `/api/v1/drafts/${id}/submit`, { token: demo.tokens.drafter });
    const first = await t.linkFor(demo.people.section_head!);
    await t.request('POST', `/api/v1/signoff/${first}`, { body: { decision: 'return', comment: '两段合并', checklist: {} } });
    await t.request('PATCH', `/api/v1/drafts/${id}`, { token: demo.tokens.drafter, body: { body: '第一段。第二段。', bodyFormat: 'text' } });
    await t.request('POST', `/api/v1/drafts/${id}/submit`, { token: demo.tokens.drafter });
    expect(await page(await t.linkFor(demo.people.section_head!))).toMatch(/<del><span class="visually-hidden">［删除：<\/span>↵\n<span/);
  });
});
