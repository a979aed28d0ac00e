import type { Browser, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_TICKED, type TestEnv } from './harness';
import { browserAs, hasChromium, seededBrowser } from './browser';
import { png } from './support/fixtures';

/**
 * People's own words (titles, text, names, units, accounts, comments) on a page in English: a screen
 * reader speaks each text in the voice of its nearest `lang`, so Chinese words under `<html lang="en">`
 * must sit in an element marked `lang="zh-CN"`, or they are read (or skipped) as English. Walks every
 * text node of the page, `alt` texts too, and lists each Chinese one not so marked.
 */
async function unmarkedChinese(page: Page): Promise<{ unmarked: string[]; marked: number }> {
  return page.evaluate(() => {
    const han = /\p{Script=Han}/u;
    const zh = (el: Element | null) => !!el?.closest('[lang]')?.getAttribute('lang')?.toLowerCase().startsWith('zh');
    const unmarked: string[] = [];
    let marked = 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement!;
      if (!han.test(n.nodeValue ?? '') || el.closest('script,style')) continue;
      if (zh(el)) marked++;
      else unmarked.push(`<${el.tagName.toLowerCase()}${el.className ? `.${el.className}` : ''}> ${(n.nodeValue ?? '').trim()}`);
    }
    for (const img of document.querySelectorAll('img[alt]')) {
      if (!han.test(img.getAttribute('alt')!)) continue;
      if (zh(img)) marked++;
      else unmarked.push(`<img alt> ${img.getAttribute('alt')}`);
    }
    return { unmarked, marked };
  });
}

describe.skipIf(!hasChromium && !process.env.CI)('Chinese user content on English pages is marked lang="zh-CN"', { timeout: 180_000 }, () => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  let browser: Browser;
  let base: string;
  let emailOf: (personId: string) => Promise<string>;
  const f = { draft: '', used: '', live: '', signIn: '' };
  seededBrowser((s) => ({ t, demo, browser, base, emailOf } = s), {
    prepare: async (env, d) => {
      // A draft with a picture (its alt is the file's name), approved with a comment at the first level and waiting at the second.
      const created = await env.request('POST', '/api/v1/drafts', { token: d.tokens.drafter, body: { title: '关于举办校园开放日的通知', body: '<p>欢迎各位同学参加开放日活动。</p>', unitId: d.unitId, accountIds: [d.accountId] } });
      expect(created.status, created.text).toBe(201);
      f.draft = created.body.id;
      const form = new FormData();
      form.append('attach', 'true');
      form.append('file', new File([png(4, 3, [200, 30, 30]) as Uint8Array<ArrayBuffer>], '开放日海报.png', { type: 'image/png' }));
      const uploaded = await env.runtime.app.request(`/api/v1/drafts/${f.draft}/files`, { method: 'POST', body: form, headers: { authorization: `Bearer ${d.tokens.drafter}` } });
      expect(uploaded.status, await uploaded.clone().text()).toBe(201);
      expect((await env.request('POST', `/api/v1/drafts/${f.draft}/submit`, { token: d.tokens.drafter })).status).toBe(200);
      f.used = await env.linkFor(d.people.section_head!);
      const approved = await env.request('POST', `/api/v1/signoff/${f.used}`, { body: { decision: 'approve', checklist: ALL_TICKED, comment: '同意发布，注意措辞' } });
      expect(approved.status, approved.text).toBe(200);
      f.live = await env.linkFor(d.people.deputy_leader!);
    },
  });
  const contexts: { close(): Promise<void> }[] = [];
  afterAll(async () => { for (const c of contexts) await c.close().catch(() => {}); });

  async function check(as: string | null, path: string) {
    const context = as ? await browserAs(t, browser, base, await emailOf(demo.people[as]!), { width: 1280, height: 900 }, { locale: 'en-GB' }) : await browser.newContext({ locale: 'en-GB' });
    contexts.push(context);
    const page = await context.newPage();
    const res = await page.goto(`${base}${path}${path.includes('?') ? '&' : '?'}lang=en`);
    expect(res?.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    const found = await unmarkedChinese(page);
    expect(found.unmarked).toEqual([]);
    // Not vacuous: the page does show Chinese words, marked.
    expect(found.marked).toBeGreaterThan(0);
    return page;
  }

  it('the sign-off page: title, text, drafter, unit, accounts, the picture, the record and its comment, the hand-on names', async () => {
    const page = await check(null, `/s/${f.live}`);
    expect(await page.locator('#draft-title').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('.comment [lang="zh-CN"]').innerText()).toBe('同意发布，注意措辞');
    expect(await page.locator('.version-files img').getAttribute('lang')).toBe('zh-CN');
  });

  it('the used sign-off link: its title, who decided and the comment', async () => {
    await check(null, `/s/${f.used}`);
  });

  it('the draft page: title, summary, timeline, text, files', async () => {
    const page = await check('drafter', `/drafts/${f.draft}`);
    expect(await page.locator('#content .content').getAttribute('lang')).toBe('zh-CN');
  });

  it('the workspace list, as the reviewer it waits for and as the drafter', async () => {
    await check('deputy_leader', '/');
    await check('drafter', '/');
  });

  it('the registry list', async () => {
    await check('publicity', '/registry');
  });

  it('the sign-in link page (whom it signs in)', async () => {
    const email = await emailOf(demo.people.secretary!);
    await t.request('POST', '/login', { form: { email } });
    const mail = (await t.deliver()).find((m) => m.kind === 'sign_in' && m.to.email === email);
    await check(null, new URL(mail!.link!).pathname);
  });

  it('a Chinese page marks nothing extra: people’s Chinese words need no lang of their own there', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${base}/s/${f.live}?lang=zh-CN`);
    expect(await page.locator('main [lang="zh-CN"]').count()).toBe(0);
  });
});
