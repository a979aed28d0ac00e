import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { and, eq } from 'drizzle-orm';
import { auditEvents } from '../db/schema';
import { sheetHash, sheetHashV1, sheetHashV2, type SheetFacts } from '../src/domain/sheet';
import { sheetFacts } from '../src/services/sheet';
import { qrSvg } from '../src/lib/qr';
import { ALL_TICKED, LEVELS, createTestEnv, type TestEnv } from './harness';
import { hasChromium, openBrowser } from './browser';

mkdirSync('test/artifacts', { recursive: true });
const NAMES = ['王系主任', '张副院长', '赵宣传员', '陈书记'];

describe('the approval sheet (审核单) and its confirmation page', { timeout: 120_000 }, () => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  let other: Awaited<ReturnType<TestEnv['seed']>>;
  let draftId: string;

  beforeAll(async () => {
    t = await createTestEnv('postgres');
    demo = await t.seed();
    other = await t.seed();
    const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '关于表彰优秀教师的通报', body: '经研究，决定表彰以下教师。', unitId: demo.unitId, accountIds: [demo.accountId] } });
    draftId = created.body.id;
    await t.request('POST', `/api/v1/drafts/${draftId}/submit`, { token: demo.tokens.drafter });
  });
  afterAll(() => t?.close());

  const sheet = (token?: string, lang = '') => t.request('GET', `/drafts/${draftId}/sheet${lang}`, token ? { token } : {});
  const confirmPath = (html: string) => /\/sheets\/[0-9a-f-]{36}\/[0-9a-f]{64}/.exec(html)![0];

  it('needs a signed-in reader of the draft', async () => {
    const anonymous = await sheet();
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/drafts/${draftId}/sheet`)}`);
    const stranger = await sheet(other.tokens.drafter);
    expect(stranger.status).toBe(403);
    expect(stranger.headers.get('content-type')).toContain('text/html');
    expect(stranger.text).not.toContain('关于表彰优秀教师的通报');
    expect((await t.request('GET', '/drafts/not-a-uuid/sheet', { token: demo.tokens.drafter })).status).toBe(404);
  });

  it('a sheet printed mid-review stops matching once the record moves on', async () => {
    const first = await sheet(demo.tokens.drafter);
    expect(first.status).toBe(200);
    expect(first.text).toContain('待审核');
    const printed = confirmPath(first.text);
    expect((await t.request('GET', printed)).status).toBe(200);
    for (const level of LEVELS) {
      const token = await t.linkFor(demo.people[level]!);
      const res = await t.request('POST', `/api/v1/signoff/${token}`, { body: { decision: 'approve', checklist: ALL_TICKED, comment: `${level} 同意` } });
      expect(res.status, res.text).toBe(200);
    }
    const stale = await t.request('GET', printed);
    expect(stale.status).toBe(404);
    expect(stale.text).toContain('不一致');
    expect(stale.text).not.toContain('关于表彰优秀教师的通报');
  });

  it('lists every level with reviewer, decision, checklist, comment, 北京时间 and audit position; its QR code confirms it', async () => {
    const res = await sheet(demo.tokens.publicity);
    expect(res.status).toBe(200);
    const view = (await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter })).body;
    expect(res.text).toContain(view.contentSha256);
    for (const name of NAMES) expect(res.text).toContain(name);
    for (const level of LEVELS) expect(res.text).toContain(`${level} 同意`);
    expect(res.text).toContain('北京时间');
    expect(res.text).toContain('示范学院');
    const events = await t.runtime.database.db.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents)
      .where(and(eq(auditEvents.draftId, draftId), eq(auditEvents.action, 'review.approved')));
    expect(events).toHaveLength(4);
    for (const e of events) expect(res.text).toContain(e.hash);

    const path = confirmPath(res.text);
    // The QR code on the sheet encodes exactly the confirmation address.
    expect(res.text).toContain(await qrSvg(`http://imprimatur.test${path}`));
    const confirmed = await t.request('GET', path);
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain('一致：此审核单与系统存档记录相符');
    expect(confirmed.text).toContain('审计链事件核验无误');
    for (const name of NAMES) expect(confirmed.text).toContain(name);
    // One character off is a different sheet.
    const forged = path.replace(/.$/, (ch) => (ch === '0' ? '1' : '0'));
    expect((await t.request('GET', forged)).text).toContain('不一致');
    expect((await t.request('GET', `/sheets/${draftId}/nothex`)).status).toBe(404);

    const en = await sheet(demo.tokens.drafter, '?lang=en');
    expect(en.text).toContain('Publication approval sheet');
    expect(en.text).toContain('Beijing time');
  });

  it('still matches after what may change legitimately has changed: the account renamed (变更登记), the draft retracted; a sheet printed before v2 too', async () => {
    const printed = confirmPath((await sheet(demo.tokens.publicity)).text);
    const facts = (await sheetFacts(t.runtime.database.db, draftId))!;
    for (const earlier of [await sheetHashV1(facts), await sheetHashV2(facts)]) {
      expect((await t.request('GET', `/sheets/${draftId}/${earlier}`)).text).toContain('一致：此审核单与系统存档记录相符');
    }
    const renamed = await t.request('PATCH', `/api/v1/accounts/${demo.accountId}`, { token: demo.tokens.publicity, body: { name: '示范学院官方微信（新名）' } });
    expect(renamed.status, renamed.text).toBe(200);
    const retracted = await t.request('POST', `/api/v1/drafts/${draftId}/retract`, { token: demo.tokens.drafter, body: { reason: '信息有误，撤回发布' } });
    expect(retracted.status, retracted.text).toBe(200);
    const confirmed = await t.request('GET', printed);
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain('一致：此审核单与系统存档记录相符');
    // A sheet printed under v1 hashed the account's name and the status as they were: the registry's
    // history gives them back, so it is still a genuine sheet after the rename and the retraction.
    const v1 = await sheetHashV1(facts);
    expect((await t.request('GET', `/sheets/${draftId}/${v1}`)).text).toContain('一致：此审核单与系统存档记录相符');
    expect(await sheetHashV1((await sheetFacts(t.runtime.database.db, draftId))!)).not.toBe(v1);
    const renamedAgain = await t.request('PATCH', `/api/v1/accounts/${demo.accountId}`, { token: demo.tokens.publicity, body: { name: '示范学院微信' } });
    expect(renamedAgain.status, renamedAgain.text).toBe(200);
    expect((await t.request('GET', `/sheets/${draftId}/${v1}`)).text).toContain('一致：此审核单与系统存档记录相符');
    // A name the account never had is not a sheet of this record.
    expect((await t.request('GET', `/sheets/${draftId}/${await sheetHashV1({ ...facts, accounts: facts.accounts.map((a) => ({ ...a, name: '从未用过的名字' })) })}`)).text).toContain('不一致');
    // The page shows the record as it is now.
    expect(confirmed.text).toContain('示范学院官方微信（新名）');
    expect((await t.request('GET', printed)).text).toContain('示范学院微信');
    // What the draft was approved for, changed behind the service's back, is caught.
    const db = t.runtime.database;
    await db.exec(`update drafts set unit_id = '${other.unitId}' where id = '${draftId}'`);
    expect((await t.request('GET', printed)).text).toContain('不一致');
    await db.exec(`update drafts set unit_id = '${demo.unitId}' where id = '${draftId}'`);
    await db.exec(`insert into draft_accounts (draft_id, account_id) values ('${draftId}', '${other.accountId}')`);
    expect((await t.request('GET', printed)).text).toContain('不一致');
    await db.exec(`delete from draft_accounts where draft_id = '${draftId}' and account_id = '${other.accountId}'`);
    expect((await t.request('GET', printed)).text).toContain('一致：此审核单与系统存档记录相符');
  });

  it('hashes every fact of the decision record (unit and accounts by id): change any one and the hash changes; names and status that may change legitimately do not', async () => {
    const facts: SheetFacts = {
      draftId: '00000000-0000-4000-8000-000000000000', title: 't', unitId: '00000000-0000-4000-8000-0000000000aa', unit: 'u',
      accounts: [{ id: '00000000-0000-4000-8000-0000000000bb', name: '官方微信', platform: 'wechat_official', registrationNo: '宣备〔2026〕001号' }], version: 1, contentSha256: 'a'.repeat(64), status: 'approved', levels: ['section_head'],
      entries: [{ level: 'section_head', reviewerId: '00000000-0000-4000-8000-000000000001', reviewer: 'r', decision: 'approve', returnTo: null, checklist: ALL_TICKED, comment: null, at: '2026-01-01T00:00:00.000Z', audit: { seq: 1, hash: 'b'.repeat(64) } }],
    };
    const base = await sheetHash(facts);
    expect(await sheetHash(structuredClone(facts))).toBe(base);
    // 变更登记 renames an account or a unit; a retraction changes the status.
    const unchanged = [
      { ...facts, unit: 'u2' },
      { ...facts, accounts: [{ ...facts.accounts[0]!, name: '新名称', registrationNo: null }] },
      { ...facts, status: 'retracted' as const },
    ];
    for (const c of unchanged) expect(await sheetHash(c)).toBe(base);
    const changed = [
      { ...facts, title: 't2' },
      { ...facts, version: 2 },
      { ...facts, levels: ['section_head', 'secretary'] as SheetFacts['levels'] },
      { ...facts, entries: [{ ...facts.entries[0]!, reviewerId: '00000000-0000-4000-8000-000000000002' }] },
      { ...facts, entries: [{ ...facts.entries[0]!, reviewer: 'x' }] },
      // Another unit, an account added or taken away: what the draft was approved for.
      { ...facts, unitId: '00000000-0000-4000-8000-0000000000cc' },
      { ...facts, accounts: [] },
      { ...facts, accounts: [...facts.accounts, { ...facts.accounts[0]!, id: '00000000-0000-4000-8000-0000000000dd' }] },
      { ...facts, entries: [{ ...facts.entries[0]!, checklist: { ...ALL_TICKED, accurate: false } }] },
      { ...facts, entries: [{ ...facts.entries[0]!, appointedDuringReview: true as const }] },
      { ...facts, entries: [{ ...facts.entries[0]!, audit: { seq: 2, hash: 'b'.repeat(64) } }] },
    ];
    for (const c of changed) expect(await sheetHash(c)).not.toBe(base);
  });

  describe.skipIf(!hasChromium && !process.env.CI)('in Chromium', () => {
    let browser: Browser;
    let base: string;
    let closeBrowser: (() => Promise<void>) | undefined;
    beforeAll(async () => ({ base, browser, close: closeBrowser } = await openBrowser(t)));
    afterAll(() => closeBrowser?.());

    it('prints to an A4 PDF carrying every reviewer and the content hash; looks right at 1280 and 390 px', async () => {
      const context = await browser.newContext({ locale: 'zh-CN', extraHTTPHeaders: { Authorization: `Bearer ${demo.tokens.drafter}` }, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${base}/drafts/${draftId}/sheet`);
      expect(await page.locator('h1').textContent()).toBe('网络信息发布审核单');
      expect(await page.locator('button.print').isVisible()).toBe(true);
      await page.screenshot({ path: 'test/artifacts/sheet-1280.png', fullPage: true });
      const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      writeFileSync('test/artifacts/sheet.pdf', pdf);
      const text = execFileSync('pdftotext', ['-layout', 'test/artifacts/sheet.pdf', '-']).toString();
      const pages = execFileSync('pdfinfo', ['test/artifacts/sheet.pdf']).toString();
      expect(pages).toMatch(/Pages:\s+1\b/);
      expect(pages).toMatch(/Page size:.*\(A4\)/);
      const flat = text.replace(/\s+/g, '');
      for (const name of NAMES) expect(flat).toContain(name);
      expect(flat).toContain('关于表彰优秀教师的通报');
      const view = (await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter })).body;
      expect(flat).toContain(view.contentSha256);
      // The site header and the buttons stay off paper.
      expect(flat).not.toContain('打印/存为PDF');
      expect(flat).not.toContain('Imprimatur发布前审核');

      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: 'test/artifacts/sheet-390.png', fullPage: true });
      // Nothing sticks out sideways on a phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

      const confirm = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
      await confirm.goto(`${base}${confirmPath(await page.content())}`);
      expect(await confirm.locator('.verdict').getAttribute('data-matches')).toBe('true');
      await confirm.screenshot({ path: 'test/artifacts/sheet-confirm-390.png', fullPage: true });
      await confirm.close();
      await context.close();
    });
  });
});
