import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { noSideways, hasChromium, seededBrowser } from './browser';
import { pdf, png } from './support/fixtures';
import type { TestEnv } from './harness';

/** WCAG 2.5.5 (AAA) and Apple's HIG: what a thumb must hit is at least 44 × 44 CSS px. */
const MIN = 44;

/**
 * Every control on the page a thumb may need, each with its box at this width: links, buttons, the
 * hand-on toggle, selects, text boxes, and each checklist item by its label (the label is what is
 * tapped; the box inside it is small). Left out: the skip link (for the keyboard, off screen until
 * focused) and links inside the draft's own text (inline in a sentence, WCAG's inline exception).
 */
async function tapTargets(page: Page) {
  return page.evaluate(() => {
    const selector = 'a[href], button, summary, select, textarea, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), label.check';
    return [...document.querySelectorAll<HTMLElement>(selector)]
      .filter((el) => !el.matches('.skip') && !el.closest('.body'))
      .map((el) => {
        const box = el.getBoundingClientRect();
        const name = (el.innerText || el.getAttribute('aria-label') || el.getAttribute('name') || el.tagName).trim().split('\n')[0]!.slice(0, 24);
        return { what: `<${el.tagName.toLowerCase()}> ${name}`, width: Math.round(box.width * 10) / 10, height: Math.round(box.height * 10) / 10 };
      });
  });
}

const tooSmall = (targets: { what: string; width: number; height: number }[]) => targets.filter((x) => x.width < MIN || x.height < MIN);

describe.skipIf(!hasChromium && !process.env.CI)('tap targets on the phone pages are at least 44 × 44 px at 375 px', { timeout: 180_000 }, () => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  let browser: Browser;
  let base: string;
  let emailOf: (personId: string) => Promise<string>;
  seededBrowser((s) => ({ t, demo, browser, base, emailOf } = s));

  async function phone(lang: 'zh-CN' | 'en', width = 375) {
    const context = await browser.newContext({ viewport: { width, height: 812 }, locale: lang, isMobile: width < 768, hasTouch: width < 768 });
    return { context, page: await context.newPage() };
  }

  /**
   * A page on a 375-px phone (after `prepare`, e.g. opening a fold): its tap targets and whether it
   * fits the width, after a full-page screenshot taken first, so a failure leaves the page to look at.
   */
  async function onPhone(path: string, shot: string, lang: 'zh-CN' | 'en' = 'zh-CN', prepare?: (page: Page) => Promise<void>) {
    const { context, page } = await phone(lang);
    await page.goto(base + path);
    await prepare?.(page);
    const targets = await tapTargets(page);
    await page.screenshot({ path: `test/artifacts/${shot}.png`, fullPage: true });
    const fits = await noSideways(page);
    await context.close();
    return { targets, fits };
  }

  /** A draft with a picture and a document attached, submitted: the sign-off link of its first level. */
  async function draftWithAttachments() {
    const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '触控目标测试', body: '<p>正文。</p>', unitId: demo.unitId, accountIds: [demo.accountId] } });
    expect(created.status, created.text).toBe(201);
    for (const [bytes, name, type] of [[png(160, 120, [30, 90, 200]), '海报.png', 'image/png'], [pdf(), '活动方案.pdf', 'application/pdf']] as const) {
      const form = new FormData();
      form.append('attach', 'true');
      form.append('file', new File([bytes as Uint8Array<ArrayBuffer>], name, { type }));
      const res = await t.runtime.app.request(`/api/v1/drafts/${created.body.id}/files`, { method: 'POST', body: form, headers: { authorization: `Bearer ${demo.tokens.drafter}` } });
      expect(res.status, await res.clone().text()).toBe(201);
    }
    expect((await t.request('POST', `/api/v1/drafts/${created.body.id}/submit`, { token: demo.tokens.drafter })).status).toBe(200);
    return t.linkFor(demo.people.section_head!);
  }

  it('the sign-off page: the three decisions, the checklist, the hand-on, the attachments, the language switch', async () => {
    const token = await draftWithAttachments();
    for (const lang of ['zh-CN', 'en'] as const) {
      const { targets, fits } = await onPhone(`/s/${token}?lang=${lang}`, `tap-targets-signoff-375-${lang}`, lang, (page) => page.click('#transfer summary'));
      // Not vacuous: the decisions, the hand-on button and both files' links are among them.
      expect(targets.map((x) => x.what).join('\n')).toMatch(lang === 'en' ? /Approve[\s\S]*Return[\s\S]*Reject/ : /同意[\s\S]*退回修改[\s\S]*不予通过/);
      expect(targets.filter((x) => /活动方案\.pdf|海报\.png/.test(x.what))).toHaveLength(2);
      expect(tooSmall(targets)).toEqual([]);
      expect(fits).toBe(true);
    }
  });

  it('the used sign-off link: 重新发送/back to the workspace, the language switch', async () => {
    const token = await draftWithAttachments();
    const decided = await t.request('POST', `/api/v1/signoff/${token}`, { body: { decision: 'return', checklist: {}, comment: '请补充活动时间' } });
    expect(decided.status, decided.text).toBe(200);
    const { targets } = await onPhone(`/s/${token}`, 'tap-targets-signoff-used-375-zh-CN');
    expect(targets.some((x) => x.what.includes('返回工作台'))).toBe(true);
    expect(tooSmall(targets)).toEqual([]);
  });

  it('the sign-in link page: 登录 and the language switch', async () => {
    const email = await emailOf(demo.people.deputy_leader!);
    await t.request('POST', '/login', { form: { email } });
    const mail = (await t.deliver()).find((m) => m.kind === 'sign_in' && m.to.email === email);
    const { targets } = await onPhone(new URL(mail!.link!).pathname, 'tap-targets-login-link-375');
    expect(targets.some((x) => x.what.includes('登录'))).toBe(true);
    expect(tooSmall(targets)).toEqual([]);
  });

  it('on a desktop the top bar keeps its height and the decisions their row', async () => {
    const token = await draftWithAttachments();
    const { context, page } = await phone('zh-CN', 1280);
    await page.goto(`${base}/s/${token}`);
    expect((await page.locator('.topbar').boundingBox())!.height).toBe(56);
    const tops = await page.locator('#decision .actions button').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().top));
    expect(new Set(tops).size).toBe(1);
    await page.screenshot({ path: 'test/artifacts/tap-targets-signoff-1280.png', fullPage: true });
    await context.close();
  });
});
