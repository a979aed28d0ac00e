import { describe, expect, it } from 'vitest';
import { ALL_TICKED, seededEnv, submitDraft, type Demo, type TestEnv } from './harness';

describe('a review handed on (转交): the new holder is told, and no hand-on leaves the draft with nobody to sign it', () => {
  let t: TestEnv;
  let demo: Demo;
  seededEnv((s) => ({ t, demo } = s));

  const unescaped = (html: string) => html.replaceAll('&#39;', "'");
  const approve = (token: string) => t.request('POST', `/api/v1/signoff/${token}`, { body: { decision: 'approve', checklist: ALL_TICKED } });
  const handOn = (token: string, toPersonId: string, reason: string) => t.request('POST', `/api/v1/signoff/${token}/transfer`, { body: { toPersonId, reason } });

  it('the message and the page say who handed it on, at which level, when and why', async () => {
    await submitDraft(t, demo, '转交通知测试');
    const head = await t.linkFor(demo.people.section_head!);
    const moved = await handOn(head, demo.people.publicity_officer!, '本人出差，无法及时审核');
    expect(moved.status, moved.text).toBe(200);
    const sent = (await t.deliver()).filter((m) => m.to.personId === demo.people.publicity_officer && m.kind === 'review_assigned');
    expect(sent).toHaveLength(1);
    const mail = sent[0]!;
    expect(mail.subject).toContain('【转交审核】');
    expect(mail.text).toContain('王系主任 将此稿件的“系室负责人”级别审核转交给您，原因：本人出差，无法及时审核');
    expect(mail.text).toContain("王系主任 handed this draft's review at the section head's level to you. Reason: 本人出差，无法及时审核");
    expect(mail.html).toContain('王系主任 将此稿件的“系室负责人”级别审核转交给您');

    const token = mail.link!.split('/s/')[1]!;
    const page = await t.request('GET', `/s/${token}`);
    expect(page.status).toBe(200);
    const line = /<div class="notice info handed-on"[^>]*>([\s\S]*?)<\/div>/.exec(page.text)?.[1] ?? '';
    expect(line).toContain('王系主任 将此稿件的“系室负责人”级别审核转交给您，原因：本人出差，无法及时审核');
    expect(line).toContain('转交时间');
    expect(line).toContain('北京时间');
    // Near the top: before the text under review.
    expect(page.text.indexOf('handed-on')).toBeLessThan(page.text.indexOf('id="text-title"'));
    // In English, the name and the reason (people's Chinese words) marked as Chinese for a screen reader.
    expect(unescaped((await t.request('GET', `/s/${token}?lang=en`)).text)).toContain(`<span lang="zh-CN">王系主任</span> handed this draft's review at the section head's level to you. Reason: <span lang="zh-CN">本人出差，无法及时审核</span>`);

    // An ordinary assignment says nothing of a hand-on.
    expect((await approve(token)).status).toBe(200);
    const next = (await t.deliver()).find((m) => m.to.personId === demo.people.deputy_leader && m.kind === 'review_assigned')!;
    expect(next.subject).toContain('【待审核】');
    expect(next.text).not.toContain('转交给您');
    expect((await t.request('GET', `/s/${next.link!.split('/s/')[1]}`)).text).not.toContain('handed-on');
  });

  it('a later level already approved on this text does not count against a hand-on: the new leader in charge may take the section head’s level sent back to it', async () => {
    const draftId = await submitDraft(t, demo, '退回后转交测试');
    for (const level of ['section_head', 'deputy_leader', 'publicity_officer'] as const) expect((await approve(await t.linkFor(demo.people[level]!))).status).toBe(200);
    const back = await t.request('POST', `/api/v1/signoff/${await t.linkFor(demo.people.secretary!)}`, { body: { decision: 'return', returnTo: 'section_head', comment: '请系室再核对日期', checklist: {} } });
    expect(back.body).toMatchObject({ status: 'in_review', currentLevel: 'section_head' });
    // The leader in charge who approved this text hands his office on; he stays in the unit as staff.
    const deputy = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name: '钱副院长', email: 'deputy.after-return@demo.imprimatur.local', roles: ['staff'], unitId: demo.unitId } });
    expect((await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/deputy_leader`, { token: demo.tokens.admin, body: { personId: deputy.body.id } })).status).toBe(200);
    // His level's approval of this text stands, so the new one has no level of his own left to sign
    // here: the section head's level may go to him (counting it, nobody could sign the secretary's).
    const head = await t.linkFor(demo.people.section_head!);
    expect((await t.request('GET', `/s/${head}`)).text).toContain(`<option value="${deputy.body.id}"`);
    const moved = await handOn(head, deputy.body.id, '本人出差');
    expect(moved.status, moved.text).toBe(200);
    const signed = await approve(await t.linkFor(deputy.body.id));
    expect(signed.body).toMatchObject({ status: 'in_review', currentLevel: 'secretary' });
    expect((await approve(await t.linkFor(demo.people.secretary!))).body.status).toBe('approved');
    expect((await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter })).body.status).toBe('approved');
    await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/deputy_leader`, { token: demo.tokens.admin, body: { personId: demo.people.deputy_leader } });
  });

  it('the publicity officer’s level is not handed to the secretary while the unit has no dean: his own level would then have nobody to sign it', async () => {
    const draftId = await submitDraft(t, demo, '转交死局测试');
    expect((await approve(await t.linkFor(demo.people.section_head!))).status).toBe(200);
    expect((await approve(await t.linkFor(demo.people.deputy_leader!))).status).toBe(200);
    const officer = await t.linkFor(demo.people.publicity_officer!);
    const page = await t.request('GET', `/s/${officer}`);
    expect(page.text).not.toContain(`<option value="${demo.people.secretary}"`);
    expect(page.text).toContain('以下人员不能接收本次转交');
    expect(page.text).toContain('陈书记（学院书记）：另审本稿件“学院书记”级别；若由其审核本级，届时“学院书记”级别将无人可以签署（学院书记的审核只能转交本单位的院长）');
    expect(unescaped((await t.request('GET', `/s/${officer}?lang=en`)).text)).toContain("nobody could sign at the secretary's level then");

    const refused = await handOn(officer, demo.people.secretary!, '本人出差');
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.error.details).toMatchObject({ field: 'toPersonId', deadEndLevel: 'secretary' });
    expect(refused.body.error.message).toContain('陈书记：另审本稿件“学院书记”级别');
    const view = await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter });
    expect(view.body.reviews.at(-1)).toMatchObject({ level: 'publicity_officer', status: 'pending', reviewer: { id: demo.people.publicity_officer } });

    // With a dean appointed the secretary may take it: the dean can sign the secretary's level then.
    const dean = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name: '郑院长', email: 'dean.handon@demo.imprimatur.local', roles: ['staff'], unitId: demo.unitId } });
    expect((await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/dean`, { token: demo.tokens.admin, body: { personId: dean.body.id } })).status).toBe(200);
    expect((await t.request('GET', `/s/${officer}`)).text).toContain(`<option value="${demo.people.secretary}"`);
    expect((await handOn(officer, demo.people.secretary!, '本人出差')).status).toBe(200);
    expect((await approve(await t.linkFor(demo.people.secretary!))).status).toBe(200);
    // His own level, barred now, goes on to the dean, who signs it.
    const barred = await t.linkFor(demo.people.secretary!);
    expect((await handOn(barred, dean.body.id, '本人已签宣传员级别')).status).toBe(200);
    expect((await approve(await t.linkFor(dean.body.id))).status).toBe(200);
    expect((await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter })).body.status).toBe('approved');
  });
});
