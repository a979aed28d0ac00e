import { describe, expect, it } from 'vitest';
import { ALL_TICKED, seededEnv, submitDraft, type Demo, type TestEnv } from './harness';

/** The sign-off link's page in each state it can be in, as a browser without JavaScript gets it. */
describe('sign-off page states: a repeated tap, a used link looked at, a fresh link sent, the barred page', () => {
  let t: TestEnv;
  let demo: Demo;
  seededEnv((s) => ({ t, demo } = s));

  const approveForm = () => {
    const form = new URLSearchParams({ decision: 'approve', returnTo: 'drafter' });
    for (const item of Object.keys(ALL_TICKED)) form.append('checklist', item);
    return form;
  };
  const post = (path: string, form: URLSearchParams) =>
    t.runtime.app.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://imprimatur.test', 'sec-fetch-site': 'same-origin' }, body: form.toString() });
  const titleOf = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '';
  const count = (html: string, needle: string) => html.split(needle).length - 1;

  it('a double tap of the same decision is answered as the first (the decided page), one after the other or at once', async () => {
    const draftId = await submitDraft(t, demo, '双击测试');
    const token = await t.linkFor(demo.people.section_head!);
    const first = await post(`/s/${token}`, approveForm());
    const second = await post(`/s/${token}`, approveForm());
    for (const res of [first, second]) {
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/s/${token}?done=1`);
    }
    const shown = await t.request('GET', `/s/${token}?done=1`);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('已记录您的决定');
    expect(shown.text).not.toContain('notice bad');
    expect((await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter })).body.reviews.filter((r: { decision: string | null }) => r.decision)).toHaveLength(1);

    // At once: the second waits on the first's lock and finds the link used by the same decision.
    await submitDraft(t, demo, '同时双击测试');
    const both = await t.linkFor(demo.people.section_head!);
    const answers = await Promise.all([post(`/s/${both}`, approveForm()), post(`/s/${both}`, approveForm())]);
    expect(answers.map((r) => r.status)).toEqual([303, 303]);
  });

  it('another decision on a used link is a clear refusal: one red box, saying what was decided', async () => {
    await submitDraft(t, demo, '改变决定测试');
    const token = await t.linkFor(demo.people.section_head!);
    expect((await post(`/s/${token}`, approveForm())).status).toBe(303);
    const changed = await post(`/s/${token}`, new URLSearchParams({ decision: 'return', comment: '再想想', returnTo: 'drafter' }));
    expect(changed.status).toBe(409);
    const html = await changed.text();
    expect(count(html, '此审核链接已使用过，不能再次提交')).toBe(1);
    expect(count(html, 'notice bad')).toBe(1);
    expect(count(html, 'role="alert"')).toBe(1);
    expect(html).toContain('作出决定：同意');
    expect(titleOf(html)).toMatch(/^错误：已决定：改变决定测试/);
  });

  it('a used link opened to look is information, not an error; each state’s title says which it is', async () => {
    const draftId = await submitDraft(t, demo, '状态标题测试');
    const token = await t.linkFor(demo.people.section_head!);
    const live = await t.request('GET', `/s/${token}`);
    expect(titleOf(live.text)).toMatch(/^待您审核：状态标题测试/);
    expect(titleOf((await t.request('GET', `/s/${token}?lang=en`)).text)).toMatch(/^Awaiting your review: 状态标题测试/);
    expect((await post(`/s/${token}`, approveForm())).status).toBe(303);

    const used = await t.request('GET', `/s/${token}`);
    expect(used.status).toBe(200);
    expect(used.text).not.toContain('notice bad');
    expect(used.text).not.toContain('role="alert"');
    expect(used.text).not.toContain('不能再次提交');
    expect(used.text).toContain('此审核链接已用于作出以下决定');
    expect(used.text).toContain('王系主任于');
    expect(used.text).toContain('作出决定：同意');
    expect(used.text).toContain('等待“分管院领导”张副院长审核');
    expect(titleOf(used.text)).toMatch(/^已决定：状态标题测试/);
    expect(titleOf((await t.request('GET', `/s/${token}?lang=en`)).text)).toMatch(/^Decided: 状态标题测试/);

    // Superseded (an edit restarts the chain) and expired links say so in the title too.
    const stale = await t.linkFor(demo.people.deputy_leader!);
    await t.request('PATCH', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter, body: { title: '状态标题测试（改）' } });
    expect(titleOf((await t.request('GET', `/s/${stale}`)).text)).toMatch(/^链接已失效：/);
    const fresh = await t.linkFor(demo.people.section_head!);
    t.clock.advance(24 * 8);
    try {
      expect(titleOf((await t.request('GET', `/s/${fresh}`)).text)).toMatch(/^链接已过期：状态标题测试（改）/);
      expect(titleOf((await t.request('GET', `/s/${fresh}?lang=en`)).text)).toMatch(/^Link expired: /);
    } finally {
      t.clock.advance(-24 * 8);
    }
  });

  it('after 重新发送链接 the expired link says a fresh link was sent, and offers the button again only once it may be used', async () => {
    await submitDraft(t, demo, '重发链接测试');
    const token = await t.linkFor(demo.people.section_head!);
    t.clock.advance(24 * 8);
    const before = await t.request('GET', `/s/${token}`);
    expect(before.text).toContain('button type="submit" class="resend"');
    const resent = await post(`/s/${token}/resend`, new URLSearchParams());
    expect(resent.status).toBe(303);
    const after = await t.request('GET', resent.headers.get('location')!);
    expect(after.status).toBe(200);
    expect(after.text).toContain('新的审核链接已于');
    expect(after.text).toContain('发送到您本人的邮箱或通知渠道，请使用新链接');
    expect(after.text).toContain('后再次发送');
    expect(after.text).not.toContain('class="resend"');
    expect(after.text).not.toContain('notice bad');
    expect((await t.request('GET', `/s/${token}?lang=en`)).text).toContain('A fresh link was sent at');
    // Opened again later within the interval: still no button; after it, the button is back.
    t.clock.advance(0.1);
    expect((await t.request('GET', `/s/${token}`)).text).not.toContain('class="resend"');
    t.clock.advance(0.1);
    expect((await t.request('GET', `/s/${token}`)).text).toContain('button type="submit" class="resend"');
    t.clock.advance(-24 * 8 - 0.2);
  });

  it('the barred page: the title is the first heading, and no heading sits inside a label', async () => {
    await submitDraft(t, demo, '回避页面测试');
    // The section head hands his level to the publicity officer, who then cannot sign his own.
    const moved = await t.request('POST', `/api/v1/signoff/${await t.linkFor(demo.people.section_head!)}/transfer`, { body: { toPersonId: demo.people.publicity_officer, reason: '出差' } });
    expect(moved.status, moved.text).toBe(200);
    const approve = (token: string) => t.request('POST', `/api/v1/signoff/${token}`, { body: { decision: 'approve', checklist: ALL_TICKED } });
    expect((await approve(await t.linkFor(demo.people.publicity_officer!))).status).toBe(200);
    // The live page's decision form, before: the comment's heading is not inside its label.
    const leader = await t.linkFor(demo.people.deputy_leader!);
    const livePage = (await t.request('GET', `/s/${leader}`)).text;
    expect(livePage).toContain('<h2><label for="comment">');
    expect(livePage).not.toMatch(/<label[^>]*>(?:(?!<\/label>)[\s\S])*<h[1-6]/);
    expect((await approve(leader)).status).toBe(200);
    const barred = (await t.request('GET', `/s/${await t.linkFor(demo.people.publicity_officer!)}`)).text;
    expect(barred).toContain('id="barred-title"');
    const headings = [...barred.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
    expect(headings[0]).toBe(1);
    expect(headings.filter((h) => h === 1)).toHaveLength(1);
    // No level skipped going down.
    headings.forEach((h, i) => i && expect(h - headings[i - 1]!).toBeLessThanOrEqual(1));
    expect(barred.indexOf('id="barred-title"')).toBeLessThan(barred.indexOf('id="text-title"'));
    expect(titleOf(barred)).toMatch(/^不能审核此级别：回避页面测试/);
  });
});
