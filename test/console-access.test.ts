import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from './harness';
import type { Demo } from './registry-fixtures';
import { itChecksPageAccess, sessionsOf } from './support/access';

/**
 * Issue 12's console, every page and form against every kind of caller: a staff member of the
 * account's unit, a staff member of another unit, the publicity department, an admin, nobody signed
 * in. Registry and inspection pages follow the account's unit; the organisation and operations pages
 * are the admins' to change and the publicity department's to read. The forms are posted so that a
 * caller who passes the role and unit checks meets a validation or state refusal (400/404/409)
 * instead, so no row changes what another row sees.
 */
type Who = 'none' | 'staffA' | 'staffB' | 'publicity' | 'admin';

describe('the publicity console: role and unit checks on every page and form', () => {
  let t: TestEnv;
  let a: Demo;
  let b: Demo;
  let campaignId = '';
  let inspectionId = '';
  const person = (who: Who) => ({ none: undefined, staffA: a.people.drafter, staffB: b.people.drafter, publicity: a.people.publicity, admin: a.people.admin })[who];
  const { session } = sessionsOf<Who>(() => t, person);
  const unknown = '00000000-0000-4000-8000-000000000000';

  beforeAll(async () => {
    t = await createTestEnv('postgres');
    a = await t.seed();
    b = await t.seed();
    const campaigns = (await t.request('GET', '/api/v1/inspections/campaigns', { token: a.tokens.publicity })).body.items as { id: string }[];
    campaignId = campaigns[0]!.id;
    const campaign = (await t.request('GET', `/api/v1/inspections/campaigns/${campaignId}`, { token: a.tokens.publicity })).body;
    inspectionId = (campaign.inspections as { id: string; accountId: string }[]).find((i) => i.accountId === a.accountId)!.id;
    expect(inspectionId).toBeTruthy();
  }, 60_000);
  afterAll(() => t?.close());

  const all = (staffA: number, staffB: number, publicity: number, admin: number) => ({ none: 303, staffA, staffB, publicity, admin });

  describe('registry and annual inspection pages', () => {
    itChecksPageAccess<Who>(() => t, session, [
      ['the registry (each sees what they may)', () => ['GET', '/registry'], all(200, 200, 200, 200)],
      ['the application form', () => ['GET', '/registry/apply'], all(200, 200, 200, 200)],
      ['an account', () => ['GET', `/registry/${a.accountId}`], all(200, 403, 200, 200)],
      ['an account’s change form', () => ['GET', `/registry/${a.accountId}/change`], all(200, 403, 200, 200)],
      ['an account’s code poster', () => ['GET', `/registry/${a.accountId}/poster`], all(200, 403, 200, 200)],
      ['approving a registered account (409 for publicity and admins)', () => ['POST', `/registry/${a.accountId}/actions/approve`, {}], all(403, 403, 409, 409)],
      ['suspending without a reason', () => ['POST', `/registry/${a.accountId}/actions/suspend`, {}], all(403, 403, 400, 400)],
      ['revoking the code without a reason', () => ['POST', `/registry/${a.accountId}/code/revoke`, {}], all(403, 403, 400, 400)],
      ['changing the account’s name to nothing', () => ['POST', `/registry/${a.accountId}/change`, { name: '' }], all(400, 403, 400, 400)],
      ['reissuing a code that is not revoked', () => ['POST', `/registry/${a.accountId}/code/reissue`, { inspectionId }], all(403, 403, 409, 409)],
      ['the campaigns', () => ['GET', '/inspections/campaigns'], all(403, 403, 200, 200)],
      ['opening a campaign with a bad deadline', () => ['POST', '/inspections/campaigns', { year: '2099', deadline: 'next week' }], all(403, 403, 400, 400)],
      ['a campaign', () => ['GET', `/inspections/campaigns/${campaignId}`], all(403, 403, 200, 200)],
      ['an account’s inspection', () => ['GET', `/inspections/${inspectionId}`], all(200, 403, 200, 200)],
      ['grading without a result', () => ['POST', `/inspections/${inspectionId}/grade`, {}], all(403, 403, 400, 400)],
      ['recording a 约谈 without its summary', () => ['POST', `/inspections/${inspectionId}/interviews`, { heldAt: '2026-03-02T10:00', attendees: '王系主任' }], all(403, 403, 400, 400)],
    ]);
  });

  it('a registered account’s change form offers its unit the people only; name, URL and tier are the publicity department’s', async () => {
    const staff = (await session('staffA'))!;
    const form = await t.request('GET', `/registry/${a.accountId}/change`, { cookie: staff.cookie });
    expect(form.text).toContain('由宣传部门办理变更登记');
    expect(form.text).not.toContain('id="f-name"');
    expect(form.text).toContain('name="adminIds"');
    // A name slipped into the post is not read: the account keeps its name.
    const before = (await t.request('GET', `/api/v1/accounts/${a.accountId}`, { token: a.tokens.publicity })).body;
    // Only a name: nothing the form offers has changed, and it says so where its fields are.
    const nameOnly = new URLSearchParams({ _csrf: staff.csrf, name: '教育部官方微信', ownerId: before.ownerId });
    for (const r of before.roles as { current: boolean; role: string; personId: string }[]) if (r.current) nameOnly.append(`${r.role}Ids`, r.personId);
    const refused = await t.request('POST', `/registry/${a.accountId}/change`, { cookie: staff.cookie, raw: nameOnly.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('href="#f-ownerId"');
    expect(refused.text).toContain('没有要修改的内容：请修改后再保存');
    expect(refused.text).not.toContain('账号名称：没有要修改的内容');
    // With a change of owner (someone of the unit), the owner changes and the name does not.
    const posted = new URLSearchParams({ _csrf: staff.csrf, name: '教育部官方微信', ownerId: a.people.drafter! });
    for (const r of before.roles as { current: boolean; role: string; personId: string }[]) if (r.current) posted.append(`${r.role}Ids`, r.personId);
    const sent = await t.request('POST', `/registry/${a.accountId}/change`, { cookie: staff.cookie, raw: posted.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(sent.status, /error-summary[\s\S]{0,600}/.exec(sent.text)?.[0]).toBe(303);
    const after = (await t.request('GET', `/api/v1/accounts/${a.accountId}`, { token: a.tokens.publicity })).body;
    expect(after).toMatchObject({ name: before.name, ownerId: a.people.drafter });
    await t.request('PATCH', `/api/v1/accounts/${a.accountId}`, { token: a.tokens.publicity, body: { ownerId: before.ownerId } });
    const publicity = (await session('publicity'))!;
    expect((await t.request('GET', `/registry/${a.accountId}/change`, { cookie: publicity.cookie })).text).toContain('id="f-name"');
  });

  describe('organisation and operations pages: admins change, publicity reads', () => {
    itChecksPageAccess<Who>(() => t, session, [
      ['people', () => ['GET', '/people'], all(403, 403, 200, 200)],
      ['adding a person without a name', () => ['POST', '/people', { name: '', email: 'not-an-email', roles: 'staff' }], all(403, 403, 400, 400)],
      ['deactivating a position holder (409 for an admin)', () => ['POST', `/people/${a.people.section_head}/deactivate`, {}], all(403, 403, 403, 409)],
      ['reactivating nobody', () => ['POST', `/people/${unknown}/reactivate`, {}], all(403, 403, 403, 404)],
      ['a person’s notifications', () => ['GET', `/people/${a.people.section_head}/notifications`], all(403, 403, 200, 200)],
      ['changing them to a channel that does not exist', () => ['POST', `/people/${a.people.section_head}/notifications`, { channels: 'sms' }], all(403, 403, 403, 400)],
      ['units', () => ['GET', '/units'], all(403, 403, 200, 200)],
      ['a unit', () => ['GET', `/units/${a.unitId}`], all(403, 403, 200, 200)],
      ['appointing nobody', () => ['POST', `/units/${a.unitId}/positions/secretary`, {}], all(403, 403, 400, 400)],
      ['a unit’s robots', () => ['GET', `/units/${a.unitId}/robots`], all(403, 403, 200, 200)],
      ['setting a robot to a plain-http URL', () => ['POST', `/units/${a.unitId}/robots/wecom`, { 'wecom-url': 'http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x' }], all(403, 403, 403, 400)],
      ['testing a robot that is not set', () => ['POST', `/units/${a.unitId}/robots/wecom/test`, {}], all(403, 403, 403, 409)],
      ['the holiday calendar', () => ['GET', '/calendar'], all(403, 403, 200, 200)],
      ['loading a year with a bad line', () => ['POST', '/calendar', { year: '2031', festivals: '春节 2031/01/23' }], all(403, 403, 403, 400)],
      ['deliveries', () => ['GET', '/deliveries'], all(403, 403, 200, 200)],
      ['resending nothing', () => ['POST', `/deliveries/${unknown}/resend`, {}], all(403, 403, 403, 404)],
      ['the audit log', () => ['GET', '/audit'], all(403, 403, 200, 200)],
      ['checking the audit chain', () => ['POST', '/audit/verify', {}], all(403, 403, 200, 200)],
    ]);
  });
});
