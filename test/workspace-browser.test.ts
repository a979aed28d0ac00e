import { createServer, type AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { inArray } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { people } from '../db/schema';
import { CHECKLIST_ITEMS } from '../src/domain/checklist';
import { emailsOf, hasChromium, launchBrowser } from './browser';
import { createTestEnv, LEVELS, type TestEnv } from './harness';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';

/** A free loopback port, so PUBLIC_URL (the origin of every mailed link) is where the browser goes. */
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The web workspace end to end in Debian's Chromium, with mail going over real SMTP: five people
 * sign in by the links mailed to them, the drafter submits from the draft page, each approver finds
 * the draft in 待我审核 and decides from there, a return with a comment is answered by an edit and a
 * resubmission, the next reviewer sees what changed; the timeline names all five; a forged form is
 * refused; a session ended from another browser is signed out. Screenshots at 1280 and 390 px.
 */
describe.skipIf(!hasChromium && !process.env.CI)('the web workspace in Chromium', { timeout: 240_000 }, () => {
  let t: TestEnv;
  let sink: SmtpSink;
  let server: ServerType;
  let browser: Browser;
  let base: string;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  const email: Record<string, string> = {};
  const browsers: Record<string, BrowserContext> = {};

  beforeAll(async () => {
    sink = await startSmtpSink();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await createTestEnv('postgres', { SMTP_URL: sink.url, PUBLIC_URL: base });
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: t.runtime.app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
    });
    browser = await launchBrowser();
    demo = await t.seed();
    Object.assign(email, await emailsOf(t, demo));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    server?.close();
    await t?.close();
    await sink?.close();
  });

  /** Signs a person in the way they would: the address at /login, the link from the mail in their inbox, its 登录 button. */
  async function signIn(role: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = browsers[role] ?? (browsers[role] = await browser.newContext({ viewport, locale: 'zh-CN' }));
    const page = await context.newPage();
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('input[name=email]', email[role]!);
    const before = sink.messages.length;
    await page.click('button[type=submit]:has-text("发送登录链接")');
    await page.waitForSelector('.notice.ok');
    await t.deliver();
    await sink.waitFor(before + 1);
    const mail = sink.messages.slice(before).reverse().find((m) => m.to && JSON.stringify(m.to).includes(email[role]!));
    const link = /http:\/\/127\.0\.0\.1:\d+\/login\/[A-Za-z0-9_-]+/.exec(mail!.text ?? '')![0];
    expect(link.startsWith(base)).toBe(true);
    await page.goto(link);
    await page.locator('main button[type=submit]').click();
    await page.waitForURL(`${base}/`);
    return page;
  }

  async function shoot(page: Page, name: string) {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${name} at ${width} px scrolls sideways`).toBe(true);
      await page.screenshot({ path: `test/artifacts/workspace-${name}-${width}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  /** An approver finds the draft under 待我审核, opens it with 审核 and decides on the sign-off page. */
  async function decide(role: string, title: string, decision: 'approve' | 'return', comment?: string): Promise<Page> {
    const page = browsers[role] ? await browsers[role]!.newPage() : await signIn(role);
    await page.goto(`${base}/`);
    const row = page.locator('#awaiting tr', { hasText: title });
    await expect.poll(() => row.count()).toBe(1);
    await row.locator('a.btn').click();
    await page.waitForURL(/\/s\//);
    expect(await page.locator('body').innerText()).toContain(title);
    for (const item of CHECKLIST_ITEMS) await page.check(`#check-${item}`);
    if (comment) await page.fill('#comment', comment);
    await page.click(`button.${decision}`);
    await page.waitForURL(/done=1/);
    await t.deliver();
    return page;
  }

  it('signs in by mail, submits, returns with a comment, resubmits, shows the diff and the whole record', async () => {
    const title = '关于举办春季学术讲座的通知';
    const created = await t.request('POST', '/api/v1/drafts', {
      token: demo.tokens.drafter, body: { title, body: '<p>讲座时间：周五下午三点。</p><p>欢迎师生参加。</p>', unitId: demo.unitId, accountIds: [demo.accountId] },
    });
    expect(created.status, created.text).toBe(201);
    const draftId = created.body.id as string;

    // The drafter: the workspace lists the draft under 我的稿件; the draft page submits it.
    const drafter = await signIn('drafter');
    expect(await drafter.locator('#mine').innerText()).toContain(title);
    await shoot(drafter, 'home');
    await drafter.click(`#mine a[href="/drafts/${draftId}"]`);
    await drafter.click('button:has-text("提交审核")');
    await drafter.waitForURL(/done=submitted/);
    expect(await drafter.locator('.notice.ok').innerText()).toContain('已提交审核');
    expect(await drafter.locator('#draft-status').getAttribute('data-status')).toBe('in_review');
    await t.deliver();

    // A forged form (another site, or a stale token) changes nothing and answers with a page.
    await drafter.evaluate(() => { for (const f of document.querySelectorAll<HTMLInputElement>('input[name=_csrf]')) f.value = 'forged'; });
    await drafter.click('#urge button');
    expect(await drafter.locator('h1').innerText()).toContain('无权访问');
    expect(await drafter.locator('.notice.bad').innerText()).toContain('表单已失效');
    expect((await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter })).body.reviews.filter((r: { status: string }) => r.status === 'pending')).toHaveLength(1);
    expect((await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter })).body.status).toBe('in_review');

    // The section head approves from the workspace; the deputy leader returns it with a comment.
    const head = await signIn('section_head');
    await shoot(head, 'awaiting');
    await decide('section_head', title, 'approve');
    await decide('deputy_leader', title, 'return', '请补充讲座地点');

    // The drafter sees the return and the comment, edits (a new version) and resubmits from the page.
    await drafter.goto(`${base}/`);
    expect(await drafter.locator('#decided').innerText()).toContain('请补充讲座地点');
    expect(await drafter.locator('#mine').innerText()).toContain('已退回');
    const edited = await t.request('PATCH', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter, body: { body: '<p>讲座时间：周五下午三点，地点：图书馆报告厅。</p><p>欢迎师生参加。</p>' } });
    expect(edited.status, edited.text).toBe(200);
    await drafter.goto(`${base}/drafts/${draftId}`);
    await drafter.click('button:has-text("提交审核")');
    await drafter.waitForURL(/done=submitted/);
    await t.deliver();

    // Changed text climbs from the first level again; the deputy leader then sees what changed.
    await decide('section_head', title, 'approve');
    const deputy = await browsers.deputy_leader!.newPage();
    await deputy.goto(`${base}/`);
    await deputy.locator('#awaiting tr', { hasText: title }).locator('a.btn').click();
    await deputy.waitForURL(/\/s\//);
    expect(await deputy.locator('ins').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('图书馆')]));
    await deputy.goto(`${base}/drafts/${draftId}?from=1&to=2#diff`);
    expect(await deputy.locator('#diff ins').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('图书馆')]));
    await shoot(deputy, 'draft-diff');

    await decide('deputy_leader', title, 'approve');
    await decide('publicity_officer', title, 'approve');
    await decide('secretary', title, 'approve');

    // The draft page: approved, and the timeline names all five people with the decisions and comment.
    await drafter.goto(`${base}/drafts/${draftId}`);
    expect(await drafter.locator('#draft-status').getAttribute('data-status')).toBe('approved');
    const timeline = await drafter.locator('#timeline').innerText();
    const names = (await t.runtime.database.db.select({ id: people.id, name: people.name }).from(people).where(inArray(people.id, ['drafter', ...LEVELS].map((r) => demo.people[r]!))));
    expect(names).toHaveLength(5);
    for (const n of names) expect(timeline, n.name).toContain(n.name);
    expect(timeline).toContain('请补充讲座地点');
    expect(timeline).toContain('重新提交');
    expect(await drafter.locator('#timeline .decision').count()).toBe(6);
    await shoot(drafter, 'draft');
    // The 审核单 prints with the session.
    await drafter.click('a:has-text("审核单")');
    expect(await drafter.locator('h1').first().innerText()).toContain('审核单');
    for (const n of names.filter((n) => n.id !== demo.people.drafter)) expect(await drafter.locator('body').innerText()).toContain(n.name);

    // The approved notice in the drafter's inbox links to the draft page, which it opens.
    const notice = sink.messages.find((m) => m.subject?.includes(title) && JSON.stringify(m.to).includes(email.drafter!) && (m.subject ?? "").includes("已批准"));
    const link = new RegExp(`${base}/drafts/${draftId}`).exec(notice?.text ?? '')?.[0];
    expect(link).toBeDefined();
    await drafter.goto(link!);
    expect(await drafter.locator('h1').innerText()).toContain(title);
  });

  it('a session ended from another browser is signed out; settings at 1280 and 390 px', async () => {
    const first = browsers.drafter!;
    const firstPage = await first.newPage();
    await firstPage.goto(`${base}/`);
    expect(new URL(firstPage.url()).pathname).toBe('/');
    // The same person on a phone.
    delete browsers.drafter;
    const phone = await signIn('drafter', { width: 390, height: 800 });
    await phone.goto(`${base}/settings`);
    const rows = phone.locator('#sessions tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    await shoot(phone, 'settings');
    // End the session that is not this browser's.
    await rows.filter({ hasNotText: '当前设备' }).first().locator('button').click();
    await phone.waitForURL(/done=session_ended/);
    await firstPage.reload();
    expect(new URL(firstPage.url()).pathname).toBe('/login');
    // The phone is still signed in; it creates a token that is shown once, by keyboard alone.
    await phone.focus('input[name=label]');
    await phone.keyboard.type('排版脚本');
    await phone.keyboard.press('Enter');
    const token = await phone.locator('#new-token').innerText();
    expect(token).toMatch(/^imp_/);
    expect((await t.request('GET', '/api/v1/me', { token })).body.id).toBe(demo.people.drafter);
    await phone.goto(`${base}/settings`);
    expect(await phone.locator('body').innerText()).not.toContain(token);
  });
  it('on a 375-px phone a title without breaks wraps, and tabbing never leaves a field under the sticky buttons', async () => {
    const title = 'Notice_about_the_AI_and_Digital_Humanities_Lecture_Series_2026_registration_required';
    const made = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title, body: '正文', unitId: demo.unitId, accountIds: [demo.accountId] } });
    expect(made.status).toBe(201);
    delete browsers.drafter;
    const phone = await signIn('drafter', { width: 375, height: 667 });
    for (const path of [`/drafts/${made.body.id}`, `/drafts/${made.body.id}/edit`]) {
      await phone.goto(`${base}${path}`);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${path} scrolls sideways`).toBe(true);
    }
    await phone.goto(`${base}/drafts/new`);
    const hidden: string[] = [];
    for (let i = 0; i < 60; i++) {
      await phone.keyboard.press('Tab');
      const covered = await phone.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const bar = document.querySelector('.form-actions');
        if (!el || !bar || bar.contains(el) || !el.closest('form')) return null;
        const box = el.getBoundingClientRect();
        return box.height > 0 && box.top >= bar.getBoundingClientRect().top - 1 ? `${el.tagName}#${el.id || (el as HTMLInputElement).name}` : null;
      });
      if (covered) hidden.push(covered);
    }
    expect(hidden).toEqual([]);
    await phone.screenshot({ path: 'test/artifacts/workspace-phone-new-draft-tabbed.png' });
  });
});
