import { mkdirSync } from 'node:fs';
import { Document, Packer, Paragraph } from 'docx';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from './harness';
import { hasChromium, noSideways, openBrowser } from './browser';
import { pdf, png } from './support/fixtures';

mkdirSync('test/artifacts', { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: `test/artifacts/${name}.png`, fullPage: true });

/** FILE_MAX_BYTES for this suite: small, so "too large" needs no 45 MB buffers. The form then takes 2 × (1 + 1) MB. */
const FILE_MAX = 1024 * 1024;
const FORM_MAX = 4 * 1024 * 1024;
/** A file of `size` bytes that starts as `head` (its kind), padded. */
const padded = (head: Uint8Array, size: number) => {
  const bytes = Buffer.alloc(size);
  bytes.set(head);
  return bytes;
};

/**
 * The draft form's guards, as a drafter meets them in Chromium: files over the limit are named
 * before anything is posted (and a form refused for its size anyway still knows who is signed in),
 * the editor's own save says field problems in the form's words and never leaves "uploading…"
 * behind, the page becomes the saved draft's edit form, 导入 asks before it replaces typed text,
 * Jodit offers only what the server keeps, and the "saved elsewhere" diff is styled.
 */
describe.skipIf(!hasChromium && !process.env.CI)('the draft form guards what is typed', { timeout: 180_000 }, () => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  let cookie: { name: string; value: string };

  beforeAll(async () => {
    t = await createTestEnv('postgres', { FILE_MAX_BYTES: String(FILE_MAX) });
    demo = await t.seed();
    const email = (await t.request('GET', '/api/v1/me', { token: demo.tokens.drafter })).body.email;
    // One sign-in for the suite (the mailed links are limited per address): every browser carries its session.
    const [name, value] = (await t.signIn(email)).cookie.split('=') as [string, string];
    cookie = { name, value };
    ({ base, browser, close } = await openBrowser(t));
  });
  afterAll(async () => {
    await close?.();
    await t?.close();
  });

  /** The drafter's browser, signed in. */
  async function drafter(viewport = { width: 1280, height: 900 }, options: BrowserContextOptions = {}) {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', ...options });
    await context.addCookies([{ ...cookie, url: base, httpOnly: true, sameSite: 'Lax' }]);
    return context;
  }
  const myDrafts = async () => (await t.request('GET', '/api/v1/drafts?mine=true', { token: demo.tokens.drafter })).body.items as { id: string; title: string }[];

  /** A signed-in page that records unhandled promise rejections and answers every confirm() as told. */
  async function open(context: BrowserContext, path: string, confirmWith: boolean[] = []) {
    const page = await context.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { rejections: string[] };
      w.rejections = [];
      window.addEventListener('unhandledrejection', (e) => w.rejections.push(String((e.reason as { message?: string })?.message ?? e.reason)));
    });
    const asked: string[] = [];
    page.on('dialog', (d) => {
      asked.push(d.message());
      void (d.type() === 'confirm' && confirmWith.shift() === false ? d.dismiss() : d.accept());
    });
    await page.goto(base + path);
    if (await page.locator('textarea[data-editor]').count()) await page.locator('.jodit-wysiwyg').waitFor();
    return { page, asked, rejections: () => page.evaluate(() => (window as unknown as { rejections: string[] }).rejections) };
  }
  async function typeDraft(page: Page, title: string, body: string) {
    await page.fill('#f-title', title);
    await page.locator('.jodit-wysiwyg').click();
    await page.keyboard.type(body);
  }
  async function insertImage(page: Page, file: { name: string; buffer: Buffer }) {
    const chooser = page.waitForEvent('filechooser');
    await page.locator('.jodit-toolbar-button_upload_image button').click();
    await (await chooser).setFiles({ ...file, mimeType: 'image/png' });
  }

  it('names a chosen file over the limit before posting, and keeps everything typed', async () => {
    const context = await drafter();
    const { page } = await open(context, '/drafts/new');
    expect(await page.locator('#f-attachments-hint').innerText()).toContain('每个文件不超过 1 MB');
    const before = (await myDrafts()).length;
    await typeDraft(page, '运动会通知', '本周六上午举行运动会。');
    await page.setInputFiles('#f-attachments', [
      { name: '日程.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf('ok')) },
      { name: '现场视频.pdf', mimeType: 'application/pdf', buffer: padded(pdf('big'), FILE_MAX + 1) },
    ]);
    // The form posted as a page (the live pre-screen posts in the background as the text changes).
    let posted = 0;
    page.on('request', (r) => { if (r.method() === 'POST' && r.isNavigationRequest()) posted++; });
    await page.locator('#save-draft').click();
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    expect(await summary.innerText()).toContain('文件「现场视频.pdf」过大：每个文件不超过 1 MB');
    expect(await summary.locator('a').getAttribute('href')).toBe('#f-attachments');
    // Nothing went, nothing is lost: the text, the title, the files chosen, the buttons usable.
    expect(posted).toBe(0);
    expect(new URL(page.url()).pathname).toBe('/drafts/new');
    expect(await page.locator('#f-title').inputValue()).toBe('运动会通知');
    expect(await page.locator('.jodit-wysiwyg').innerText()).toContain('本周六上午举行运动会。');
    expect(await page.locator('#f-attachments').evaluate((el) => [...(el as HTMLInputElement).files!].map((f) => f.name))).toEqual(['日程.pdf', '现场视频.pdf']);
    expect(await page.locator('#save-draft').isDisabled()).toBe(false);
    expect((await myDrafts()).length).toBe(before);
    // Several files each within the limit but more than one post takes: said too, before posting.
    await page.setInputFiles('#f-attachments', [1, 2, 3, 4, 5].map((n) => ({ name: `照片${n}.pdf`, mimeType: 'application/pdf', buffer: padded(pdf(String(n)), FILE_MAX - 1000) })));
    await page.locator('#save-draft').click();
    await expect.poll(() => summary.innerText()).toContain('一次保存不超过 4 MB');
    expect(posted).toBe(0);
    await context.close();
  });

  it('without JavaScript a form too large for the server says the file limit to the person signed in, and Back keeps the text', async () => {
    const context = await drafter({ width: 1280, height: 900 }, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/drafts/new`);
    await page.fill('#f-title', '无脚本的大附件');
    await page.fill('textarea[name=body]', '这段正文不能丢。');
    await page.setInputFiles('#f-attachments', { name: '全程录像.pdf', mimeType: 'application/pdf', buffer: padded(pdf('huge'), FORM_MAX + 1024) });
    await page.locator('#save-draft').click();
    await page.waitForLoadState();
    const main = await page.locator('main').innerText();
    expect(main).toContain('附件过大：每个文件不超过 1 MB');
    expect(main).not.toContain('请求体过大');
    expect(main).toContain('浏览器的「返回」');
    // Signed in, and shown so: the person's name and 退出, not 登录.
    expect(await page.locator('.topbar').innerText()).toContain('退出');
    expect(await page.locator('main a', { hasText: '登录' }).count()).toBe(0);
    expect(await page.locator('a[data-back]').getAttribute('href')).toBe('/drafts/new');
    await page.goBack();
    expect(await page.locator('#f-title').inputValue()).toBe('无脚本的大附件');
    expect(await page.locator('textarea[name=body]').inputValue()).toBe('这段正文不能丢。');
    await context.close();
  });

  it('插入图片 on a new draft: a refused save or upload is said in the form\'s words, the status cleared, no promise left unhandled', async () => {
    const context = await drafter();
    const { page, rejections } = await open(context, '/drafts/new');
    const before = (await myDrafts()).length;
    const summary = page.locator('.error-summary');
    const status = page.locator('#editor-status');
    // No account ticked: the draft cannot be saved first.
    await page.locator('input[name=accountIds]:checked').uncheck();
    await typeDraft(page, '讲座通知', '周五下午。');
    await insertImage(page, { name: 'photo.png', buffer: Buffer.from(png(20, 10, [1, 2, 3])) });
    await expect.poll(() => summary.innerText()).toContain('请至少选择一个可发布的账号');
    expect(await summary.innerText()).not.toContain('accountIds');
    expect(await summary.locator('a').getAttribute('href')).toBe('#f-accountIds');
    expect(await status.innerText()).toBe('');
    // A title over 200 characters.
    await page.locator('input[name=accountIds]').first().check();
    await page.fill('#f-title', '长'.repeat(201));
    await insertImage(page, { name: 'photo.png', buffer: Buffer.from(png(20, 10, [1, 2, 3])) });
    await expect.poll(() => summary.innerText()).toContain('请填写标题（不超过 200 字）');
    expect(await status.innerText()).toBe('');
    // An image over the limit: named, with the file limit (not the request's), and nothing saved for it.
    await page.fill('#f-title', '讲座通知');
    await insertImage(page, { name: '大照片.png', buffer: padded(png(20, 10, [1, 2, 3]), FILE_MAX + 1) });
    await expect.poll(() => summary.innerText()).toContain('文件「大照片.png」过大：每个文件不超过 1 MB');
    expect(await status.innerText()).toBe('');
    expect((await myDrafts()).length).toBe(before);
    // Then one that goes: the problems said before are gone.
    await insertImage(page, { name: 'photo.png', buffer: Buffer.from(png(20, 10, [1, 2, 3])) });
    await expect.poll(() => status.innerText(), { timeout: 15_000 }).toBe('已上传 photo.png');
    expect(await summary.count()).toBe(0);
    expect(await rejections()).toEqual([]);
    await context.close();
  });

  it('an upload the server refuses names the file and clears the status line', async () => {
    const context = await drafter();
    const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '已有稿件', body: '正文。', unitId: demo.unitId, accountIds: [demo.accountId] } });
    const { page, rejections } = await open(context, `/drafts/${created.body.id}/edit`);
    // A PDF named .png: the server's refusal, with the file's name.
    const chooser = page.waitForEvent('filechooser');
    await page.locator('.jodit-toolbar-button_upload_image button').click();
    await (await chooser).setFiles({ name: '伪装.png', mimeType: 'image/png', buffer: Buffer.from(pdf('not an image')) });
    await expect.poll(() => page.locator('.error-summary').innerText()).toContain('文件「伪装.png」的内容');
    expect(await page.locator('#editor-status').innerText()).toBe('');
    expect(await rejections()).toEqual([]);
    await context.close();
  });

  it('after 插入图片 saves a new draft the page is that draft\'s edit form: heading, breadcrumb, address; a reload makes no second draft', async () => {
    const context = await drafter();
    const { page } = await open(context, '/drafts/new');
    const before = (await myDrafts()).length;
    expect(await page.locator('h1').innerText()).toBe('新建稿件');
    await typeDraft(page, '图片新闻', '见下图。');
    await insertImage(page, { name: '合影.png', buffer: Buffer.from(png(30, 20, [200, 40, 40])) });
    await expect.poll(() => page.locator('.jodit-wysiwyg img[src^="/api/v1/files/"]').count(), { timeout: 15_000 }).toBe(1);
    const id = /\/drafts\/([0-9a-f-]{36})\/edit$/.exec(page.url())![1]!;
    expect(await page.locator('h1').innerText()).toBe('修改稿件');
    expect(await page.title()).not.toContain('新建稿件');
    const crumbs = page.locator('nav.crumbs');
    expect(await crumbs.innerText()).toBe('工作台 / 图片新闻 / 修改稿件');
    expect(await crumbs.locator('a', { hasText: '图片新闻' }).getAttribute('href')).toBe(`/drafts/${id}`);
    expect(await page.locator('#import').count()).toBe(0);
    await shot(page, 'editor-autosaved-1280');
    expect((await myDrafts()).length).toBe(before + 1);
    await page.reload();
    await page.locator('.jodit-wysiwyg').waitFor();
    expect(await page.locator('h1').innerText()).toBe('修改稿件');
    expect((await myDrafts()).length).toBe(before + 1);
    await context.close();
  });

  it('导入 asks before it replaces the typed text, naming it; without JavaScript the page says so', async () => {
    const doc = await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph({ text: '导入的正文。' })] }] }));
    const docx = { name: '通知.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: doc };
    const context = await drafter();
    const { page, asked } = await open(context, '/drafts/new', [false, true]);
    await typeDraft(page, '先写的标题', '已经写好的一段正文，导入前要问。');
    await page.setInputFiles('#f-attachments', { name: '日程.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf('kept?')) });
    await page.setInputFiles('#f-docx', docx);
    // Declined: nothing posted, the text stays.
    await page.locator('#import-docx').click();
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toContain('已输入的正文');
    expect(asked[0]).toContain('已经写好的一段正文');
    expect(asked[0]).toContain('日程.pdf');
    expect(new URL(page.url()).pathname).toBe('/drafts/new');
    expect(await page.locator('.jodit-wysiwyg').innerText()).toContain('已经写好的一段正文');
    // Accepted: imported.
    await page.locator('#import-docx').click();
    await page.waitForURL(/\/edit\?imported=1$/);
    expect(asked).toHaveLength(2);
    // Nothing typed: no question.
    const fresh = await open(context, '/drafts/new');
    await fresh.page.setInputFiles('#f-docx', docx);
    await fresh.page.locator('#import-docx').click();
    await fresh.page.waitForURL(/\/edit\?imported=1$/);
    expect(fresh.asked).toEqual([]);
    await context.close();
    const nojs = await drafter({ width: 1280, height: 900 }, { javaScriptEnabled: false });
    const plain = await nojs.newPage();
    await plain.goto(`${base}/drafts/new`);
    expect(await plain.locator('#import').innerText()).toContain('上面已输入的正文和已选择的附件不会保留');
    await nojs.close();
  });

  it('Jodit offers only what the server keeps, and refuses or drops links of other schemes', async () => {
    const context = await drafter();
    const { page } = await open(context, '/drafts/new');
    // The paragraph list: no 代码 (pre).
    await page.locator('.jodit-toolbar-button_paragraph .jodit-toolbar-button__trigger').click();
    const list = page.locator('.jodit-popup .jodit-toolbar-button');
    await list.first().waitFor();
    const labels = await list.allInnerTexts();
    expect(labels.join('|')).not.toMatch(/代码|Code/);
    expect(await page.locator('.jodit-popup pre').count()).toBe(0);
    expect(labels.join('|')).toContain('引用');
    await page.keyboard.press('Escape');
    // The lists have no style menus.
    expect(await page.locator('.jodit-toolbar-button_ul .jodit-toolbar-button__trigger, .jodit-toolbar-button_ol .jodit-toolbar-button__trigger').count()).toBe(0);
    // The link dialog: an address and its text; no class, no new window, no nofollow.
    const editor = page.locator('.jodit-wysiwyg');
    await editor.click();
    await page.keyboard.type('学校主页');
    await page.keyboard.press('Shift+Home');
    await page.locator('.jodit-toolbar-button_link button').click();
    const dialog = page.locator('.jodit-popup form, .jodit-dialog form').first();
    await dialog.waitFor();
    expect(await dialog.locator('input[name=className], input[name=target], input[name=nofollow]').count()).toBe(0);
    expect(await dialog.innerText()).not.toMatch(/Class name|No follow|新窗口/);
    // Every label and button of it in Chinese: Jodit's zh_cn has no "URL" of its own (the page gives it).
    const words = (await dialog.locator('.jodit-ui-input__label, button').allInnerTexts()).map((w) => w.trim()).filter(Boolean);
    expect(words.filter((w) => !/\p{Script=Han}/u.test(w))).toEqual([]);
    expect(words).toContain('链接地址');
    await shot(page, 'editor-link-dialog-1280');
    await dialog.locator('input[name=url]').fill('javascript:alert(1)');
    await dialog.locator('button[type=submit]').click();
    await expect.poll(() => dialog.innerText()).toContain('链接地址须以 http://、https:// 或 mailto: 开头');
    expect(await editor.locator('a').count()).toBe(0);
    await dialog.locator('input[name=url]').fill('https://www.example.edu.cn/');
    await dialog.locator('button[type=submit]').click();
    await expect.poll(() => editor.locator('a[href="https://www.example.edu.cn/"]').count()).toBe(1);
    expect(await editor.locator('a').first().getAttribute('target')).toBeNull();
    // A pasted link of another scheme loses its link, keeps its text, and is never rewritten into http://javascript:….
    await editor.press('Control+End');
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.setData('text/html', '<p><a href="javascript:alert(1)">点我</a> 和 <a href="JaVa\tScript:alert(2)">再点</a> 和 <a href="mailto:office@example.edu.cn">写信</a></p>');
      data.setData('text/plain', '点我 和 再点 和 写信');
      document.querySelector('.jodit-wysiwyg')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await expect.poll(() => editor.innerText()).toContain('再点');
    await page.waitForTimeout(500); // Jodit's cleaner runs on change, later
    const value = await page.evaluate(() => (window as unknown as { impEditor: { value: string } }).impEditor.value);
    expect(value).not.toMatch(/javascript|script:/i);
    expect(value).toContain('点我');
    expect(value).toContain('href="mailto:office@example.edu.cn"');
    await context.close();
  });

  it('the "saved elsewhere" view shows its diff styled: hidden screen-reader labels, coloured insertions and deletions', async () => {
    const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '两处修改', body: '周五下午举行。', unitId: demo.unitId, accountIds: [demo.accountId] } });
    const id = created.body.id as string;
    const context = await drafter();
    const { page } = await open(context, `/drafts/${id}/edit`);
    const other = await t.request('PATCH', `/api/v1/drafts/${id}`, { token: demo.tokens.drafter, body: { body: '周六上午举行。' } });
    expect(other.status, other.text).toBe(200);
    await page.fill('#f-title', '两处修改（本页）');
    await page.locator('#save-draft').click();
    await page.locator('#other-save').waitFor();
    const hidden = page.locator('#other-save .visually-hidden').first();
    expect(await hidden.evaluate((el) => el.getBoundingClientRect().width)).toBeLessThanOrEqual(1);
    const colour = (sel: string) => page.locator(`#other-save ${sel}`).first().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await colour('ins')).toBe('rgb(215, 245, 221)');
    expect(await colour('del')).toBe('rgb(255, 225, 222)');
    await shot(page, 'editor-conflict-1280');
    await context.close();
  });

  it('looks right in both languages on a laptop and a phone', async () => {
    // Chinese on the phone, as most drafters meet it, and English on a laptop: each language and each
    // width once (the tour's accessibility test sees the new-draft page in Chinese at both widths).
    for (const [width, lang] of [[375, 'zh'], [1366, 'en']] as const) {
      const tag = `${lang}-${width}`;
      const context = await drafter({ width, height: 900 }, width < 500 ? { isMobile: true, hasTouch: true } : {});
      const q = lang === 'en' ? '?lang=en' : '';
      // The attachment named too large, before posting.
      const { page } = await open(context, `/drafts/new${q}`);
      await typeDraft(page, lang === 'en' ? 'Sports day' : '运动会通知', lang === 'en' ? 'On Saturday morning.' : '本周六上午。');
      await page.setInputFiles('#f-attachments', { name: 'video.pdf', mimeType: 'application/pdf', buffer: padded(pdf('big'), FILE_MAX + 1) });
      await page.locator('#save-draft').click();
      await page.locator('.error-summary').waitFor();
      expect(await page.locator('.error-summary').innerText()).toContain(lang === 'en' ? 'The file "video.pdf" is too large: at most 1 MB a file' : '文件「video.pdf」过大');
      expect(await noSideways(page)).toBe(true);
      await shot(page, `editor-too-big-${tag}`);
      // The editor's own save refused: the accounts, in the form's words.
      await page.setInputFiles('#f-attachments', []);
      await page.locator('input[name=accountIds]:checked').uncheck();
      await insertImage(page, { name: 'photo.png', buffer: Buffer.from(png(20, 10, [1, 2, 3])) });
      await expect.poll(() => page.locator('.error-summary').innerText()).toContain(lang === 'en' ? 'Choose at least one account that can be published on' : '请至少选择一个可发布的账号');
      await shot(page, `editor-picker-refused-${tag}`);
      // The page after the editor saved the draft.
      await page.locator('input[name=accountIds]').first().check();
      await insertImage(page, { name: 'photo.png', buffer: Buffer.from(png(20, 10, [1, 2, 3])) });
      await expect.poll(() => page.locator('h1').innerText(), { timeout: 15_000 }).toBe(lang === 'en' ? 'Edit draft' : '修改稿件');
      expect(await noSideways(page)).toBe(true);
      await shot(page, `editor-autosaved-${tag}`);
      // The link dialog.
      await page.locator('.jodit-wysiwyg').click();
      await page.locator('.jodit-toolbar-button_link button').click();
      await page.locator('.jodit-popup form, .jodit-dialog form').first().waitFor();
      await shot(page, `editor-link-dialog-${tag}`);
      // The refusal of a form too large without JavaScript.
      const nojs = await drafter({ width, height: 900 }, { javaScriptEnabled: false });
      const plain = await nojs.newPage();
      await plain.goto(`${base}/drafts/new${q}`);
      await plain.setInputFiles('#f-attachments', { name: 'video.pdf', mimeType: 'application/pdf', buffer: padded(pdf('huge'), FORM_MAX + 1024) });
      await plain.locator('#save-draft').click();
      await plain.waitForLoadState();
      expect(await plain.locator('main').innerText()).toContain(lang === 'en' ? 'Attachments too large: at most 1 MB a file' : '附件过大：每个文件不超过 1 MB');
      expect(await noSideways(plain)).toBe(true);
      await shot(plain, `editor-413-${tag}`);
      await plain.goto(`${base}/drafts/new${q}`);
      await shot(plain, `editor-nojs-import-note-${tag}`);
      await nojs.close();
      // The conflict view.
      const id = (/\/drafts\/([0-9a-f-]{36})\/edit/.exec(page.url()) ?? [])[1]!;
      await page.goto(`${base}/drafts/${id}/edit${q}`);
      await page.locator('.jodit-wysiwyg').waitFor();
      await t.request('PATCH', `/api/v1/drafts/${id}`, { token: demo.tokens.drafter, body: { body: lang === 'en' ? 'On Sunday afternoon.' : '本周日下午。' } });
      await page.locator('#save-draft').click();
      await page.locator('#other-save').waitFor();
      expect(await noSideways(page)).toBe(true);
      await shot(page, `editor-conflict-${tag}`);
      await context.close();
    }
  });
});
