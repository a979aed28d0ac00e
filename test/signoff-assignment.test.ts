import { describe, expect, it } from 'vitest';
import { ALL_TICKED, seededEnv, submitDraft, type Demo, type TestEnv } from './harness';

/**
 * Whom a level's review goes to when its holder may not sign it (separation of duties: the drafter
 * never signs, nobody signs two levels of a draft): to whoever took that level of the draft before
 * and still may, else to the holder all the same, who is told he is barred and hands it on (转交):
 * a drafter who holds a level names his stand-in that way. A unit where one person holds two levels
 * is warned of at appointment.
 */
describe('a level goes to someone who may sign it, else to its holder to hand on', () => {
  let t: TestEnv;
  let demo: Demo;
  seededEnv((s) => ({ t, demo } = s));

  const decide = (token: string, body: Record<string, unknown>) => t.request('POST', `/api/v1/signoff/${token}`, { body });
  const approve = (token: string) => decide(token, { decision: 'approve', checklist: ALL_TICKED });
  const approveAs = async (personId: string) => approve(await t.linkFor(personId));
  const returnTo = async (personId: string, level: string, comment = '请再核对') => decide(await t.linkFor(personId), { decision: 'return', returnTo: level, comment, checklist: {} });
  const handOn = async (personId: string, toPersonId: string) => t.request('POST', `/api/v1/signoff/${await t.linkFor(personId)}/transfer`, { body: { toPersonId, reason: '本人出差' } });
  const appoint = (position: string, personId: string, lang = 'zh-CN') =>
    t.request('PUT', `/api/v1/units/${demo.unitId}/positions/${position}`, { token: demo.tokens.admin, body: { personId }, headers: { 'accept-language': lang } });
  const addStaff = async (name: string, email: string) => (await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name, email, roles: ['staff'], unitId: demo.unitId } })).body.id as string;
  const view = async (draftId: string) => (await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter })).body;
  const pending = async (draftId: string) => (await view(draftId)).reviews.find((r: { status: string }) => r.status === 'pending');
  const assignedTo = async () => (await t.deliver()).filter((m) => m.kind === 'review_assigned').map((m) => m.to.personId);

  it('a level sent back goes to who took it before, not to its holder who has since signed another level', async () => {
    const draftId = await submitDraft(t, demo, '退回给转交人');
    const clerk = await addStaff('吴干事', 'clerk.returned@demo.imprimatur.local');
    // The section head hands his level to a clerk, who signs it; later the officer hands his level to the section head, who signs that.
    expect((await handOn(demo.people.section_head!, clerk)).status).toBe(200);
    expect((await approveAs(clerk)).status).toBe(200);
    expect((await approveAs(demo.people.deputy_leader!)).status).toBe(200);
    expect((await handOn(demo.people.publicity_officer!, demo.people.section_head!)).status).toBe(200);
    expect((await approveAs(demo.people.section_head!)).status).toBe(200);
    await t.deliver();
    // The secretary sends it back to the section head's level: its holder has signed as publicity officer now.
    const back = await returnTo(demo.people.secretary!, 'section_head');
    expect(back.status, back.text).toBe(200);
    expect(back.body).toMatchObject({ status: 'in_review', currentLevel: 'section_head' });
    expect(await pending(draftId)).toMatchObject({ level: 'section_head', reviewer: { id: clerk } });
    expect(await assignedTo()).toEqual([clerk]);
    // The clerk signs it again; the levels approved on this text stand, so the secretary's is next.
    expect((await approveAs(clerk)).body).toMatchObject({ status: 'in_review', currentLevel: 'secretary' });
    expect((await approveAs(demo.people.secretary!)).body.status).toBe('approved');
  });

  /**
   * A draft signed by the section head and at the publicity officer's level, when `appointee` took the
   * section head's post in the meantime and the officer sends the text back to it: it goes to the
   * former section head, still of the unit, not to a holder who may not sign it.
   */
  async function sentBackAfterAppointing(title: string, appointee: string) {
    const draftId = await submitDraft(t, demo, title);
    expect((await approveAs(demo.people.section_head!)).status).toBe(200);
    expect((await appoint('section_head', appointee)).status).toBe(200);
    expect((await approveAs(demo.people.deputy_leader!)).status).toBe(200);
    await t.deliver();
    expect((await returnTo(demo.people.publicity_officer!, 'section_head')).status).toBe(200);
    expect(await pending(draftId)).toMatchObject({ level: 'section_head', reviewer: { id: demo.people.section_head } });
    expect(await assignedTo()).toEqual([demo.people.section_head]);
    expect((await appoint('section_head', demo.people.section_head!)).status).toBe(200);
  }

  it('a level sent back whose holder is now the drafter goes to who signed it before', async () => {
    // Not to the drafter: he would only be told that he may not review his own draft.
    await sentBackAfterAppointing('退回给原审核人', demo.people.drafter!);
  });

  it('who sends a level back that he also holds does not get it himself: it goes to who signed it before', async () => {
    await sentBackAfterAppointing('退回给自己兼任的级别', demo.people.publicity_officer!);
  });

  /** The pending review of a draft goes to `barredId`, whose approval is refused naming why; he hands it to `takerId`, who signs it. */
  async function barredHandsOn(draftId: string, level: string, barredId: string, reason: string, takerId: string) {
    expect(await pending(draftId)).toMatchObject({ level, reviewer: { id: barredId } });
    const refused = await approveAs(barredId);
    expect(refused.status, refused.text).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'separation_of_duties', details: { reason } });
    const handed = await handOn(barredId, takerId);
    expect(handed.status, handed.text).toBe(200);
    expect(await assignedTo()).toEqual([takerId]);
    const signed = await approveAs(takerId);
    expect(signed.status, signed.text).toBe(200);
    return signed.body;
  }

  it('a return to a level nobody else may sign goes to its holder, who is told he is barred and hands it on', async () => {
    const head = await addStaff('冯系主任', 'head.leaving@demo.imprimatur.local');
    const clerk = await addStaff('钱干事', 'clerk.standin@demo.imprimatur.local');
    expect((await appoint('section_head', head)).status).toBe(200);
    const draftId = await submitDraft(t, demo, '无人可签的退回');
    for (const who of [head, demo.people.deputy_leader!, demo.people.publicity_officer!]) expect((await approveAs(who)).status).toBe(200);
    // The section head leaves; the publicity officer, who signed this draft as such, takes his post.
    expect((await appoint('section_head', demo.people.publicity_officer!)).status).toBe(200);
    expect((await t.request('POST', `/api/v1/people/${head}/deactivate`, { token: demo.tokens.admin })).status).toBe(200);
    await t.deliver();

    const back = await returnTo(demo.people.secretary!, 'section_head', '请系室再核对');
    expect(back.status, back.text).toBe(200);
    expect(await assignedTo()).toEqual([demo.people.publicity_officer]);
    expect(await barredHandsOn(draftId, 'section_head', demo.people.publicity_officer!, 'signed_other_level', clerk)).toMatchObject({ status: 'in_review', currentLevel: 'secretary' });
    expect((await approveAs(demo.people.secretary!)).body.status).toBe('approved');
    expect((await appoint('section_head', demo.people.section_head!)).status).toBe(200);
  });

  it('one person in two levels: the appointment is warned of, and each draft’s later level of his is handed on', async () => {
    const warned = await appoint('section_head', demo.people.deputy_leader!);
    expect(warned.status, warned.text).toBe(200);
    expect(warned.body.warnings).toEqual([{
      code: 'holds_two_levels', personId: demo.people.deputy_leader, levels: ['section_head', 'deputy_leader'],
      message: expect.stringContaining('张副院长同时担任本单位审核链中的“系室负责人”、“分管院领导”：同一人不能签署同一稿件的两个审核级别，每份稿件的“分管院领导”级别审核都须由其转交他人'),
    }]);
    const again = await appoint('section_head', demo.people.deputy_leader!, 'en');
    expect(again.body).toMatchObject({ changed: false, warnings: [{ code: 'holds_two_levels', message: expect.stringContaining('张副院长 holds section head and deputy leader in charge of this unit\'s chain') }] });
    // The unit's page says so as long as it lasts.
    const admin = await t.signIn((await t.request('GET', '/api/v1/me', { token: demo.tokens.admin })).body.email);
    const page = await t.request('GET', `/units/${demo.unitId}`, { cookie: admin.cookie });
    expect(page.text).toContain('class="doubled-holder"');
    expect(page.text).toContain('张副院长同时担任本单位审核链中的“系室负责人”、“分管院领导”');

    // A draft goes in; he signs the first of his levels, and hands the second to the deputy dean.
    const deputyDean = await addStaff('郑副院长', 'deputy.dean@demo.imprimatur.local');
    expect((await appoint('deputy_dean', deputyDean)).status).toBe(200);
    const draftId = await submitDraft(t, demo, '一人两级');
    expect((await approveAs(demo.people.deputy_leader!)).body).toMatchObject({ currentLevel: 'deputy_leader' });
    expect(await barredHandsOn(draftId, 'deputy_leader', demo.people.deputy_leader!, 'signed_other_level', deputyDean)).toMatchObject({ currentLevel: 'publicity_officer' });

    // Someone else in one of the posts: no warning any more.
    const restored = await appoint('section_head', demo.people.section_head!);
    expect(restored.body.warnings).toEqual([]);
    expect((await t.request('GET', `/units/${demo.unitId}`, { cookie: admin.cookie })).text).not.toContain('doubled-holder');
  });

  it('a drafter who holds a level of the chain gets its review only to hand it to a stand-in', async () => {
    const clerk = await addStaff('孙干事', 'clerk.drafter@demo.imprimatur.local');
    expect((await appoint('section_head', demo.people.drafter!)).status).toBe(200);
    const draftId = await submitDraft(t, demo, '撰写人兼系室负责人');
    expect(await barredHandsOn(draftId, 'section_head', demo.people.drafter!, 'own_draft', clerk)).toMatchObject({ currentLevel: 'deputy_leader' });
    expect((await appoint('section_head', demo.people.section_head!)).status).toBe(200);
  });
});
