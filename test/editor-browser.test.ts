import { mkdirSync } from 'node:fs';
import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TICKED, createTestEnv, type TestEnv } from './harness';
import { hasChromium, openBrowser } from './browser';
import { pdf, png } from './support/fixtures';

mkdirSync('test/artifacts', { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: `test/artifacts/${name}.png`, fullPage: true });

/** What a drafter copies out of Word: Office markup, styles, a local image Chrome cannot read. */
const FROM_WORD = `<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word"><head><meta name=Generator content="Microsoft Word 15"><style>p.MsoNormal{margin:0}</style></head><body lang=ZH-CN>
<h2 style='mso-style-name:"标题 2"'><span style='font-family:黑体'>一、活动安排</span></h2>
<p class=MsoNormal><b><span style='font-size:14pt'>时间：</span></b><span>周五下午，联系人手机 13812345678。</span></p>
<table class=MsoTableGrid border=1 style='border-collapse:collapse'><tr><td><p class=MsoNormal>项目</p></td><td><p class=MsoNormal>地点</p></td></tr><tr><td><p class=MsoNormal>讲座</p></td><td><p class=MsoNormal>报告厅</p></td></tr></table>
<p class=MsoNormal><img width=60 height=40 src="file:///C:/Users/li/AppData/Local/Temp/msohtmlclip1/01/clip_image002.png"></p>
</body></html>`;

/** What a WeChat editor (135编辑器, 秀米) puts on the clipboard: sections and inline styles, pictures on WeChat's servers. */
const FROM_WECHAT = `<section style="margin:0 auto;max-width:100%"><section style="border-left:4px solid #c00;padding-left:8px"><h3 style="font-size:17px;color:#c00"><span style="font-weight:bold">二、注意事项</span></h3></section>
<ul style="padding-left:20px"><li><p style="line-height:1.75"><span style="color:#333">请携带学生证</span></p></li><li><p><a href="https://www.example.edu.cn/notice" style="color:#576b95">报名链接</a></p></li></ul>
<p style="text-align:center"><img data-src="https://mmbiz.qpic.cn/mmbiz_jpg/abc/640" src="https://mmbiz.qpic.cn/mmbiz_jpg/abc/640?wx_fmt=jpeg" style="width:100%"></p></section>`;

/**
 * The draft editor end to end in headless Chromium: sign in by the mailed link, write with the
 * WYSIWYG editor (a paste from Word, an inserted image, an attachment), see the pre-screen, submit;
 * import a .docx; a reviewer returns it, the drafter edits and resubmits in the editor, and the
 * section head's sign-off page shows what changed; and the same form without JavaScript.
 */
describe.skipIf(!hasChromium && !process.env.CI)('the draft editor in headless Chromium', { timeout: 180_000 }, () => {
  let t: TestEnv;
  let browser: Browser;
  let base: string;
  let closeBrowser: (() => Promise<void>) | undefined;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  let drafterEmail: string;
  const desktop = { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' };
  const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };

  beforeAll(async () => {
    t = await createTestEnv('postgres');
    demo = await t.seed();
    drafterEmail = (await t.request('GET', '/api/v1/me', { token: demo.tokens.drafter })).body.email;
    ({ base, browser, close: closeBrowser } = await openBrowser(t));
  });
  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  /** Signs a browser context in the way a person does: asks at /login, opens the link from the mail, presses 登录. */
  async function signIn(context: BrowserContext, email: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.fill('input[name=email]', email);
    await page.locator('form[action="/login"] button[type=submit]').click();
    await page.waitForLoadState();
    const mail = (await t.deliver()).find((m) => m.kind === 'sign_in' && m.to.email === email);
    expect(mail?.link).toBeTruthy();
    await page.goto(base + new URL(mail!.link!).pathname);
    await page.locator('main button[type=submit]').click();
    await page.waitForURL(`${base}/`);
    return page;
  }
  const draftOf = async (id: string) => (await t.request('GET', `/api/v1/drafts/${id}`, { token: demo.tokens.drafter })).body;
  const idOf = (url: string) => /\/drafts\/([0-9a-f-]{36})/.exec(url)![1]!;

  async function openEditor(page: Page, path = '/drafts/new') {
    await page.goto(base + path);
    await page.locator('.jodit-wysiwyg').waitFor();
  }
  /** A paste event as Chromium fires it for a copy from Word (its HTML flavour on the clipboard). */
  async function pasteHtml(page: Page, html: string) {
    await page.locator('.jodit-wysiwyg').click();
    await page.evaluate((markup) => {
      const data = new DataTransfer();
      data.setData('text/html', markup);
      data.setData('text/plain', markup.replace(/<[^>]*>/g, ''));
      document.querySelector('.jodit-wysiwyg')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, html);
  }

  it('writes a draft with a paste from Word, an image and an attachment; shows the pre-screen; submits', async () => {
    const context = await browser.newContext(desktop);
    const page = await signIn(context, drafterEmail);
    await openEditor(page);
    // The editor's script came from this service, and the body is still a field named `body`.
    expect(await page.locator('textarea[name=body]').count()).toBe(1);
    expect(await page.locator('.jodit-wysiwyg').getAttribute('aria-labelledby')).toBe('body-label');
    await page.fill('#f-title', '关于举办学术讲座的通知');
    await pasteHtml(page, FROM_WORD);
    const editor = page.locator('.jodit-wysiwyg');
    await expect.poll(() => editor.locator('table').count()).toBe(1);
    expect(await editor.locator('h2').innerText()).toContain('一、活动安排');
    expect(await editor.locator('strong, b').first().innerText()).toContain('时间');
    // Word's local picture cannot be read by the browser: taken out, and said.
    await expect.poll(() => page.locator('#editor-status').innerText()).toContain('无法读取的图片');
    expect(await editor.locator('img').count()).toBe(0);
    // From a WeChat editor: the heading, the list and the link stay, styles go, the remote picture is taken out.
    await page.locator('.jodit-wysiwyg').press('Control+End');
    await pasteHtml(page, FROM_WECHAT);
    await expect.poll(() => editor.locator('li').count()).toBe(2);
    expect(await editor.locator('h3').innerText()).toContain('二、注意事项');
    expect(await editor.locator('a[href="https://www.example.edu.cn/notice"]').count()).toBe(1);
    await expect.poll(() => editor.locator('img').count()).toBe(0);

    // 插入图片 from the toolbar: the draft is saved first, then the image uploaded and shown.
    const chooser = page.waitForEvent('filechooser');
    await page.locator('.jodit-toolbar-button_upload-image button, [aria-label="插入图片"]').first().click();
    await (await chooser).setFiles({ name: '现场照片.png', mimeType: 'image/png', buffer: Buffer.from(png(40, 30, [30, 120, 200])) });
    await expect.poll(() => editor.locator('img[src^="/api/v1/files/"]').count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => page.url()).toMatch(/\/drafts\/[0-9a-f-]{36}\/edit$/);
    const id = idOf(page.url());
    await expect.poll(() => editor.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(40);

    // 发布前自查: the findings beside the text (screened in place, the page not posted), the text kept.
    await page.locator('#check-draft').click();
    await expect.poll(() => page.locator('.prescreen').innerText()).toContain('手机号码');
    expect(await page.locator('.jodit-wysiwyg table').count()).toBe(1);
    await shot(page, 'editor-1280');

    await page.setInputFiles('#f-attachments', { name: '讲座日程.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf('schedule')) });
    await page.locator('#submit-draft').click();
    await page.waitForURL(`${base}/drafts/${id}?done=submitted`);
    const draft = await draftOf(id);
    expect(draft).toMatchObject({ status: 'in_review', title: '关于举办学术讲座的通知', bodyFormat: 'html' });
    expect(draft.body).toMatch(/<h2>一、活动安排<\/h2>/);
    expect(draft.body).toMatch(/<strong>时间：<\/strong>/);
    expect(draft.body).toMatch(/<table>.*报告厅.*<\/table>/s);
    expect(draft.body).toMatch(/<img [^>]*src="\/api\/v1\/files\/[0-9a-f-]{36}"/);
    expect(draft.body).not.toMatch(/style=|class=|file:\/\//);
    expect(draft.body).toMatch(/<h3>二、注意事项<\/h3>/);
    expect(draft.body).toMatch(/<li>(<p>)?请携带学生证(<\/p>)?<\/li>/);
    expect(draft.body).not.toContain('mmbiz');
    expect(draft.files.map((f: { name: string }) => f.name).sort()).toEqual(['现场照片.png', '讲座日程.pdf']);
    expect(draft.prescreen.some((f: { kind: string }) => f.kind === 'mobile')).toBe(true);
    await context.close();
  });

  it('on a 390-px phone: the form in one column, keyboard to every control, errors named at the top', async () => {
    const context = await browser.newContext(phone);
    const page = await signIn(context, drafterEmail);
    await openEditor(page);
    await shot(page, 'editor-390');
    // Nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // Submitting with no title: the summary is at the top, below the sticky bar, and names the field.
    await page.locator('#submit-draft').click();
    await page.waitForLoadState();
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    expect(await summary.innerText()).toContain('请填写标题');
    const box = (await summary.boundingBox())!;
    const bar = (await page.locator('.topbar').boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(bar.y + bar.height - 1);
    await shot(page, 'editor-refused-390');
    await summary.locator('a[href="#f-title"]').click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-title');
    // Tab from the title reaches the editor's toolbar and text, then the form's buttons.
    const reached = new Set<string>();
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el?.id || (el?.classList.contains('jodit-wysiwyg') ? 'editor' : el?.closest('.jodit-container') ? 'toolbar' : el?.tagName ?? '');
      }));
    }
    for (const id of ['toolbar', 'editor', 'f-attachments', 'submit-draft']) expect(reached, [...reached].join(' ')).toContain(id);
    await context.close();
  });

  it('imports a .docx into the editor', async () => {
    const context = await browser.newContext(desktop);
    const page = await signIn(context, drafterEmail);
    await openEditor(page);
    const doc = new Document({ sections: [{ children: [
      new Paragraph({ text: '导入的讲座通知', heading: HeadingLevel.HEADING_1 }),
      new Paragraph({ children: [new TextRun({ text: '地点：', bold: true }), new TextRun('图书馆报告厅。')] }),
    ] }] });
    await page.setInputFiles('#f-docx', { name: '讲座通知.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: await Packer.toBuffer(doc) });
    await page.locator('#import-docx').click();
    await page.waitForURL(/\/edit\?imported=1$/);
    await page.locator('.jodit-wysiwyg').waitFor();
    expect(await page.locator('#f-title').inputValue()).toBe('导入的讲座通知');
    expect(await page.locator('.jodit-wysiwyg strong').innerText()).toBe('地点：');
    expect(await page.locator('.file-list').innerText()).toContain('讲座通知.docx');
    await shot(page, 'editor-imported-1280');
    await context.close();
  });

  it('a returned draft edited in the editor and resubmitted: the section head sees what changed', async () => {
    const context = await browser.newContext(desktop);
    const page = await signIn(context, drafterEmail);
    await openEditor(page);
    await page.fill('#f-title', '运动会通知');
    await page.locator('.jodit-wysiwyg').click();
    await page.keyboard.type('本周六上午举行运动会，请各班准时到场。');
    await page.locator('#submit-draft').click();
    await page.waitForURL(/\/drafts\/[0-9a-f-]{36}\?done=\w+$/);
    const id = idOf(page.url());
    const first = await t.linkFor(demo.people.section_head!);
    const returned = await t.request('POST', `/api/v1/signoff/${first}`, { body: { decision: 'return', comment: '时间写清楚', checklist: ALL_TICKED } });
    expect(returned.status, returned.text).toBe(200);

    await openEditor(page, `/drafts/${id}/edit`);
    await page.locator('.jodit-wysiwyg').evaluate((el) => { el.innerHTML = '<p>本周六上午八点举行运动会，请各班准时到场。</p>'; el.dispatchEvent(new InputEvent('input', { bubbles: true })); });
    await page.locator('#submit-draft').click();
    await page.waitForURL(`${base}/drafts/${id}?done=submitted`);
    expect((await draftOf(id)).status).toBe('in_review');

    const next = await t.linkFor(demo.people.section_head!);
    const reviewer = await browser.newPage(phone);
    await reviewer.goto(`${base}/s/${next}`);
    const changes = reviewer.locator('.changes');
    expect(await changes.locator('h2').innerText()).toContain('自您上次审阅的第 1 版以来的修改');
    expect(await changes.locator('ins').first().innerText()).toContain('八点');
    expect(await reviewer.locator('.prescreen').count()).toBe(1);
    // The checklist: one item per row on a phone.
    const rows = await reviewer.locator('label.check').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().top));
    expect(new Set(rows.map((y) => Math.round(y))).size).toBe(rows.length);
    await shot(reviewer, 'signoff-diff-390');
    await reviewer.setViewportSize({ width: 1280, height: 900 });
    await shot(reviewer, 'signoff-diff-1280');
    await reviewer.close();
    await context.close();
  });

  it('the sign-off page shows the version\'s images and attachments through the link', async () => {
    const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '带图稿件', body: '<p>见图。</p>', unitId: demo.unitId, accountIds: [demo.accountId] } });
    const upload = async (name: string, bytes: Uint8Array, type: string, attach = false) => {
      const form = new FormData();
      form.append('file', new File([bytes as Uint8Array<ArrayBuffer>], name, { type }));
      if (attach) form.append('attach', 'true');
      const res = await t.runtime.app.request(`/api/v1/drafts/${created.body.id}/files`, { method: 'POST', body: form, headers: { authorization: `Bearer ${demo.tokens.drafter}` } });
      const body = await res.text();
      expect(res.status, body).toBe(201);
      return JSON.parse(body) as { id: string };
    };
    const image = await upload('合影.png', png(20, 10, [200, 40, 40]), 'image/png');
    const patched = await t.request('PATCH', `/api/v1/drafts/${created.body.id}`, { token: demo.tokens.drafter, body: { body: `<p>见图。</p><p><img src="/api/v1/files/${image.id}" alt="合影"></p>` } });
    expect(patched.status, patched.text).toBe(200);
    await upload('议程.pdf', pdf('agenda'), 'application/pdf', true);
    const submitted = await t.request('POST', `/api/v1/drafts/${created.body.id}/submit`, { token: demo.tokens.drafter });
    expect(submitted.status, submitted.text).toBe(200);
    expect(submitted.body.files.map((f: { name: string }) => f.name).sort()).toEqual(['合影.png', '议程.pdf']);
    const token = await t.linkFor(demo.people.section_head!);
    const page = await browser.newPage(desktop);
    await page.goto(`${base}/s/${token}`);
    await expect.poll(() => page.locator('.body img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(20);
    const files = page.locator('.files');
    expect(await files.innerText()).toContain('议程.pdf');
    expect(await files.innerText()).toMatch(/PDF 文档 · \d+ KB/); // the kind as a reader knows it, not application/pdf
    expect(await files.innerText()).not.toContain('application/');
    const pdfHref = await files.locator('a', { hasText: '议程.pdf' }).getAttribute('href');
    expect(pdfHref).toMatch(new RegExp(`^/api/v1/signoff/${token}/files/[0-9a-f-]{36}$`));
    const fetched = await page.request.get(base + pdfHref!);
    expect(fetched.status()).toBe(200);
    expect(fetched.headers()['content-disposition']).toContain('attachment');
    await page.close();
  });

  it('with JavaScript 发布前自查 screens in place and keeps the chosen files for the save', async () => {
    t.clock.advance(0.3); // past the sign-in limit of five links an address from one client in 15 minutes
    const context = await browser.newContext(desktop);
    const page = await signIn(context, drafterEmail);
    await page.goto(`${base}/drafts/new`);
    await page.locator('.jodit-wysiwyg').waitFor();
    await page.fill('#f-title', '自查后保存');
    await page.locator('.jodit-wysiwyg').click();
    await page.keyboard.type('联系电话 13800138000。');
    await page.setInputFiles('#f-attachments', { name: '日程.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf('kept')) });
    await page.locator('#check-draft').click();
    await page.locator('.editor-side', { hasText: '13800138000' }).waitFor();
    expect(await page.locator('#f-attachments').evaluate((el) => (el as HTMLInputElement).files?.[0]?.name)).toBe('日程.pdf');
    await page.locator('#save-draft').click();
    await page.waitForURL(/\/drafts\/[0-9a-f-]{36}\?done=saved$/);
    expect((await draftOf(idOf(page.url()))).files.map((f: { name: string }) => f.name)).toEqual(['日程.pdf']);
    await context.close();
  });

  it('without JavaScript the form still writes and submits a draft', async () => {
    const context = await browser.newContext({ ...desktop, javaScriptEnabled: false });
    const page = await signIn(context, drafterEmail);
    await page.goto(`${base}/drafts/new`);
    expect(await page.locator('.jodit-wysiwyg').count()).toBe(0);
    await page.fill('#f-title', '无脚本稿件');
    await page.fill('textarea[name=body]', '第一段。\n\n第二段。');
    await page.setInputFiles('#f-attachments', { name: '附件.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf('nojs')) });
    // 发布前自查 posts the form: it comes back with the text, and names the file that must be chosen again.
    await page.locator('#check-draft').click();
    await page.waitForLoadState();
    expect(await page.locator('#f-title').inputValue()).toBe('无脚本稿件');
    expect(await page.locator('.notice.warn', { hasText: '所选文件尚未上传' }).textContent()).toContain('附件.pdf');
    await page.setInputFiles('#f-attachments', { name: '附件.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf('nojs')) });
    await page.locator('#submit-draft').click();
    await page.waitForURL(/\/drafts\/[0-9a-f-]{36}\?done=\w+$/);
    const draft = await draftOf(idOf(page.url()));
    expect(draft).toMatchObject({ title: '无脚本稿件', status: 'in_review', bodyFormat: 'text', body: '第一段。\n\n第二段。' });
    expect(draft.files.map((f: { name: string }) => f.name)).toEqual(['附件.pdf']);
    await shot(page, 'editor-nojs-after-submit-1280');
    await context.close();
  });
});
