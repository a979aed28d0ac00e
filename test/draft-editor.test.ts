import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from './harness';
import { applyFor } from './registry-fixtures';
import { pdf, png } from './support/fixtures';
import { VENDOR_FILES } from '../src/pages/vendor';

/**
 * The draft form over HTTP, as a browser without JavaScript uses it: the form's fields, its
 * refusals (a page with an error summary naming the fields, never JSON), saving with attachments,
 * submitting, the pre-screen round trip, importing a .docx, and editing into a new version.
 */
describe('the draft form (/drafts/new, /drafts/{id}/edit)', () => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  let session: { cookie: string; csrf: string };
  let pendingAccount: { id: string; name: string };

  beforeAll(async () => {
    t = await createTestEnv('postgres');
    demo = await t.seed();
    const rows = await t.runtime.database.db.execute(sql`select email from people where id = ${demo.people.drafter}`);
    const email = ((Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows)[0] as { email: string }).email;
    session = await t.signIn(email);
    pendingAccount = await applyFor(t, demo);
  });
  afterAll(() => t?.close());

  /** Posts the form as a browser does: multipart, with the session cookie and its CSRF token. */
  async function post(path: string, fields: Record<string, string | string[]>, files: Record<string, { bytes: Uint8Array; name: string; type?: string }[]> = {}, opts: { csrf?: string | null; lang?: string } = {}) {
    const form = new FormData();
    if (opts.csrf !== null) form.append('_csrf', opts.csrf ?? session.csrf);
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) form.append(k, one);
    for (const [k, list] of Object.entries(files)) for (const f of list) form.append(k, new File([f.bytes as Uint8Array<ArrayBuffer>], f.name, { type: f.type ?? '' }));
    const res = await t.runtime.app.request(path, { method: 'POST', body: form, headers: { cookie: session.cookie, ...(opts.lang ? { 'accept-language': opts.lang } : {}) } });
    return { status: res.status, location: res.headers.get('location'), text: await res.text(), type: res.headers.get('content-type') ?? '' };
  }
  const page = (path: string, headers: Record<string, string> = {}) => t.request('GET', path, { cookie: session.cookie, headers });
  const api = (path: string) => t.request('GET', path, { token: demo.tokens.drafter });
  const idFrom = (location: string | null) => /^\/drafts\/([0-9a-f-]{36})(?:\/edit\b.*|\?done=\w+)?$/.exec(location ?? '')![1]!;

  it('sends a signed-out visitor to sign in, and back to the form afterwards', async () => {
    const res = await t.request('GET', '/drafts/new');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fdrafts%2Fnew');
  });

  it('publicity staff (no unit of their own) choose the unit first; someone of no unit and no such role is told why', async () => {
    const email = async (id: string) => (await t.request('GET', '/api/v1/me', { token: await t.tokenFor(id) })).body.email as string;
    const publicity = await t.signIn(await email(demo.people.publicity!));
    const choose = await t.request('GET', '/drafts/new', { cookie: publicity.cookie });
    expect(choose.status).toBe(200);
    expect(choose.text).toContain('为哪个单位起草？');
    expect(choose.text).toContain(`href="/drafts/new?unitId=${demo.unitId}"`);
    const form = await t.request('GET', `/drafts/new?unitId=${demo.unitId}`, { cookie: publicity.cookie });
    expect(form.text).toContain(`name="unitId" value="${demo.unitId}"`);
    expect(form.text).toMatch(new RegExp(`name="accountIds" value="${demo.accountId}"`));
    // Reporting an incident, likewise: any unit to choose from.
    const report = await t.request('GET', '/incidents/new', { cookie: publicity.cookie });
    expect(report.status).toBe(200);
    expect(report.text).toContain(`value="${demo.unitId}"`);
    // A staff member of no unit: a 403 page that says why.
    const made = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name: '无单位人员', email: `nounit.${Date.now()}@example.edu.cn`, roles: ['staff'] } });
    const loner = await t.signIn(made.body.email);
    const refused = await t.request('GET', '/drafts/new', { cookie: loner.cookie });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('您不属于任何单位，不能起草稿件');
    expect((await t.request('GET', '/incidents/new', { cookie: loner.cookie })).text).toContain('您不属于任何单位');
    // Nor may anyone write for a unit they do not belong to by naming it.
    const other = await t.seed();
    const foreign = await t.request('GET', `/drafts/new?unitId=${other.unitId}`, { cookie: session.cookie });
    expect(foreign.status).toBe(403);
    expect(foreign.text).toContain('您只能为本单位起草稿件');
    for (const bogus of ['abc', '00000000-0000-4000-8000-000000000000']) {
      const res = await t.request('GET', `/drafts/new?unitId=${bogus}`, { cookie: publicity.cookie });
      expect(res.status, bogus).toBe(404);
      expect(res.text).toContain('单位不存在');
    }
  });

  it('shows the contract fields, the import control, and accounts the gate refuses with the reason', async () => {
    const res = await page('/drafts/new');
    expect(res.status).toBe(200);
    const html = res.text;
    expect(html).toMatch(/<input[^>]*name="title"/);
    expect(html).toMatch(/<textarea[^>]*name="body"/);
    expect(html).toMatch(/<select[^>]*name="urgency"/);
    expect(html).toMatch(new RegExp(`<input type="checkbox"[^>]*name="accountIds" value="${demo.accountId}"(?![^>]*disabled)`));
    // The pending account is listed, not selectable, with why.
    expect(html).toMatch(new RegExp(`name="accountIds" value="${pendingAccount.id}"[^>]*disabled`));
    expect(html).toContain(pendingAccount.name);
    expect(html).toContain('不可选：');
    expect(html).toMatch(/<button[^>]*value="save"[^>]*>保存草稿<\/button>/);
    expect(html).toMatch(/<button[^>]*value="submit"[^>]*>提交审核<\/button>/);
    expect(html).toMatch(/<input type="file"[^>]*name="docx"/);
    // Every control has a label.
    for (const id of ['f-title', 'f-body', 'f-urgency', 'f-attachments', 'f-docx']) expect(html).toContain(`for="${id}"`);
    expect(html).not.toMatch(/<script(?![^>]*src=)/);

    const en = await page('/drafts/new?lang=en');
    expect(en.text).toContain('Save draft');
    expect(en.text).toContain('Submit for review');
    expect(en.text).toContain('<html lang="en"');
  });

  it('serves the editor library from this origin, pinned and long-cached; nothing else under /vendor/', async () => {
    const js = await t.request('GET', `/vendor/jodit.js?v=${VENDOR_FILES['jodit.js'].version}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(js.text).toContain('Jodit');
    expect((await t.request('GET', '/vendor/jodit.css')).headers.get('cache-control')).toBe('public, max-age=300');
    expect((await t.request('GET', '/vendor/package.json')).status).toBe(404);
    expect((await t.request('GET', '/vendor/..%2Fpackage.json')).status).toBe(404);
  });

  it('sends a refused form back as a page naming each field, with what was typed', async () => {
    const res = await post('/drafts/new', { unitId: demo.unitId, title: '', body: '保留我写的正文', bodyFormat: 'text', urgency: 'normal', intent: 'save' });
    expect(res.status).toBe(400);
    expect(res.type).toContain('text/html');
    expect(res.text).toContain('class="error-summary"');
    expect(res.text).toContain('href="#f-title"');
    expect(res.text).toContain('href="#f-accountIds"');
    expect(res.text).toContain('请至少选择一个可发布的账号');
    expect(res.text).toContain('保留我写的正文');
    // Naming a refused account is refused by the gate, on the accounts field.
    const blocked = await post('/drafts/new', { unitId: demo.unitId, title: '标题', body: '正文', bodyFormat: 'text', accountIds: pendingAccount.id, intent: 'save' });
    expect(blocked.status).toBe(409);
    expect(blocked.text).toContain('href="#f-accountIds"');
    // Without the CSRF token nothing is written.
    const forged = await post('/drafts/new', { unitId: demo.unitId, title: '伪造', body: '正文', accountIds: demo.accountId, intent: 'save' }, {}, { csrf: null });
    expect(forged.status).toBe(403);
    expect((await api('/api/v1/drafts?mine=true')).body.items.some((d: { title: string }) => d.title === '伪造')).toBe(false);
  });

  it('a form too large to read is refused with the per-file limit the form states, as a page for the person signed in', async () => {
    const form = await page('/drafts/new');
    expect(form.text).toContain('每个文件不超过 20 MB');
    expect(form.text).toContain('data-file-max="20971520"');
    // Refused on its declared length, before the body, its fields or its form token are read.
    const big = String(50 * 1024 * 1024);
    const res = await t.runtime.app.request('/drafts/new', { method: 'POST', body: 'x', headers: { cookie: session.cookie, accept: 'text/html', 'content-type': 'multipart/form-data; boundary=x', 'content-length': big } });
    const html = await res.text();
    expect(res.status).toBe(413);
    expect(html).toContain('附件过大：每个文件不超过 20 MB');
    expect(html).not.toContain('请求体过大');
    expect(html).toContain('浏览器的「返回」');
    expect(html).toMatch(/<a class="btn" href="\/drafts\/new" data-back/);
    expect(html).toContain('退出'); // signed in, and shown so
    expect(html).not.toContain('href="/login"');
    // The image upload of the editor says the file limit too, not the request's.
    const upload = await t.runtime.app.request('/api/v1/drafts/00000000-0000-4000-8000-000000000000/files', { method: 'POST', body: 'x', headers: { authorization: `Bearer ${demo.tokens.drafter}`, 'content-type': 'multipart/form-data; boundary=x', 'content-length': big } });
    expect(upload.status).toBe(413);
    expect(await upload.json()).toMatchObject({ error: { code: 'file_too_large', message: '文件过大：每个文件不超过 20 MB' } });
  });

  it('saves a draft with its attachments and goes to the draft page; 提交审核 submits it', async () => {
    const saved = await post('/drafts/new', { unitId: demo.unitId, title: '表单草稿', body: '第一段。\n\n第二段。', bodyFormat: 'text', accountIds: demo.accountId, urgency: 'urgent', intent: 'save' },
      { attachments: [{ bytes: png(4, 4, [10, 120, 200]), name: '照片.png', type: 'image/png' }, { bytes: pdf(), name: '日程.pdf', type: 'application/pdf' }] });
    expect(saved.status, saved.text.slice(0, 500)).toBe(303);
    const id = idFrom(saved.location);
    expect(saved.location).toBe(`/drafts/${id}?done=saved`);
    const draft = (await api(`/api/v1/drafts/${id}`)).body;
    expect(draft).toMatchObject({ title: '表单草稿', status: 'draft', urgency: 'urgent', accountIds: [demo.accountId], currentVersion: 1 });
    expect(draft.files.map((f: { name: string }) => f.name).sort()).toEqual(['日程.pdf', '照片.png']);

    const submitted = await post('/drafts/new', { unitId: demo.unitId, title: '直接提交', body: '正文。', bodyFormat: 'text', accountIds: demo.accountId, intent: 'submit' });
    expect(submitted.status).toBe(303);
    const sent = (await api(`/api/v1/drafts/${idFrom(submitted.location)}`)).body;
    expect(sent).toMatchObject({ status: 'in_review', currentLevel: 'section_head' });
    expect(await t.linkFor(demo.people.section_head!)).toMatch(/^imp_|^[A-Za-z0-9_-]+$/);
  });

  it('the same file chosen under two names is saved as two attachments; chosen again under its name, it is not added twice', async () => {
    const scan = pdf('同一份扫描件');
    const saved = await post('/drafts/new', { unitId: demo.unitId, title: '两份附件', body: '见附件。', bodyFormat: 'text', accountIds: demo.accountId, intent: 'save' },
      { attachments: [{ bytes: scan, name: '附件1.pdf', type: 'application/pdf' }, { bytes: scan, name: '附件2.pdf', type: 'application/pdf' }] });
    expect(saved.status, saved.text.slice(0, 500)).toBe(303);
    const id = idFrom(saved.location);
    const draft = (await api(`/api/v1/drafts/${id}`)).body;
    expect(draft.files.map((f: { name: string }) => f.name)).toEqual(['附件1.pdf', '附件2.pdf']);
    expect(new Set(draft.files.map((f: { sha256: string }) => f.sha256)).size).toBe(1);
    // The edit form lists both under their names.
    const form = (await page(`/drafts/${id}/edit`)).text;
    expect(form).toContain('>附件1.pdf</a>');
    expect(form).toContain('>附件2.pdf</a>');
    // 附件2.pdf chosen again with the same text: the file the draft has, so nothing changes.
    const again = await post(`/drafts/${id}/edit`, { title: '两份附件', body: '见附件。', bodyFormat: 'text', intent: 'save' },
      { attachments: [{ bytes: scan, name: '附件2.pdf', type: 'application/pdf' }] });
    expect(again.status).toBe(303);
    expect((await api(`/api/v1/drafts/${id}`)).body).toMatchObject({ currentVersion: 1, files: [{ name: '附件1.pdf' }, { name: '附件2.pdf' }] });
    expect((await api(`/api/v1/drafts/${id}/files`)).body.items).toHaveLength(2);
  });

  it('the edit form of a returned draft shows who returned it, when, and the comment to act on', async () => {
    const submitted = await post('/drafts/new', { unitId: demo.unitId, title: '待退回', body: '正文。', bodyFormat: 'text', accountIds: demo.accountId, intent: 'submit' });
    const id = idFrom(submitted.location);
    expect((await page(`/drafts/${id}/edit`)).text).not.toContain('id="returned"');
    const link = await t.linkFor(demo.people.section_head!);
    const returned = await t.request('POST', `/api/v1/signoff/${link}`, { body: { decision: 'return', comment: '标题请改为中文，\n报名链接请核实。', checklist: {} } });
    expect(returned.status, returned.text).toBe(200);
    const zh = (await page(`/drafts/${id}/edit`)).text;
    expect(zh).toContain('id="returned"');
    expect(zh).toContain('系室负责人 王系主任 退回了此稿件');
    expect(zh).toContain('标题请改为中文，\n报名链接请核实。');
    const en = (await page(`/drafts/${id}/edit?lang=en`)).text;
    expect(en).toContain('王系主任 (section head) returned this draft');
  });

  it('a file the service does not take is named on its field, and nothing is saved', async () => {
    const before = (await api('/api/v1/drafts?mine=true')).body.items.length;
    const res = await post('/drafts/new', { unitId: demo.unitId, title: '带坏附件', body: '正文', bodyFormat: 'text', accountIds: demo.accountId, intent: 'save' },
      { attachments: [{ bytes: new TextEncoder().encode('#!/bin/sh\necho hi\n'), name: 'run.sh', type: 'text/x-sh' }] });
    expect(res.status).toBe(415);
    expect(res.text).toContain('href="#f-attachments"');
    expect(res.text).toContain('文件「run.sh」的类型不受支持');
    // Of several attachments, the one whose content does not match its name is the one named.
    const lying = await post('/drafts/new', { unitId: demo.unitId, title: '带坏附件', body: '正文', bodyFormat: 'text', accountIds: demo.accountId, intent: 'save' },
      { attachments: [{ bytes: pdf(), name: '日程.pdf', type: 'application/pdf' }, { bytes: pdf(), name: '现场照片.png', type: 'image/png' }] });
    expect(lying.status).toBe(415);
    expect(lying.text).toMatch(/<span class="error-message" id="f-attachments-error">文件「现场照片.png」的内容（application\/pdf）与文件名或声明的类型（[^）]+）不符<\/span>/);
    expect((await api('/api/v1/drafts?mine=true')).body.items.length).toBe(before);
  });

  it('发布前自查 shows the findings of the text on the page without saving it', async () => {
    const before = (await api('/api/v1/drafts?mine=true')).body.items.length;
    const res = await post('/drafts/new', { unitId: demo.unitId, title: '机密通知', body: '联系人手机 13812345678。', bodyFormat: 'text', accountIds: demo.accountId, intent: 'check' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('密级标志');
    expect(res.text).toContain('手机号码');
    expect(res.text).toContain('data-kind="mobile"');
    expect(res.text).toContain('联系人手机 13812345678。');
    expect((await api('/api/v1/drafts?mine=true')).body.items.length).toBe(before);
  });

  it('导入 turns a .docx into a draft and opens it in the editor', async () => {
    const doc = new Document({ sections: [{ children: [
      new Paragraph({ text: '导入的通知', heading: HeadingLevel.HEADING_1 }),
      new Paragraph({ children: [new TextRun({ text: '加粗的一句', bold: true }), new TextRun('和普通的一句。')] }),
    ] }] });
    const bytes = new Uint8Array(await Packer.toBuffer(doc));
    const res = await post('/drafts/new', { unitId: demo.unitId, title: '', body: '', bodyFormat: 'text', accountIds: demo.accountId, urgency: 'normal', intent: 'import' },
      { docx: [{ bytes, name: '通知.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }] });
    expect(res.status, res.text.slice(0, 300)).toBe(303);
    expect(res.location).toMatch(/\/edit\?imported=1$/);
    const editor = await page(res.location!);
    expect(editor.status).toBe(200);
    expect(editor.text).toContain('已导入 Word 文档');
    expect(editor.text).toContain('value="导入的通知"');
    expect(editor.text).toContain('&lt;strong&gt;加粗的一句&lt;/strong&gt;');
    expect(editor.text).toContain('通知.docx');
    // No file chosen: the import field is named.
    const none = await post('/drafts/new', { unitId: demo.unitId, title: '', body: '', accountIds: demo.accountId, intent: 'import' });
    expect(none.status).toBe(400);
    expect(none.text).toContain('href="#f-docx"');
    expect(none.text).toContain('请选择要导入的 Word 文档（.docx）');
    expect(none.text).not.toContain('表单字段');
  });

  it('editing makes a new version; saving the same content again makes none; removing an attachment leaves it out', async () => {
    const saved = await post('/drafts/new', { unitId: demo.unitId, title: '待修改', body: '原文。', bodyFormat: 'text', accountIds: demo.accountId, intent: 'save' },
      { attachments: [{ bytes: pdf(), name: '附件.pdf', type: 'application/pdf' }] });
    const id = idFrom(saved.location);
    const form = await page(`/drafts/${id}/edit`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('附件.pdf');
    const fileId = (await api(`/api/v1/drafts/${id}`)).body.files[0].id as string;

    const edited = await post(`/drafts/${id}/edit`, { title: '已修改', body: '改过的正文。', bodyFormat: 'text', intent: 'save' });
    expect(edited.status).toBe(303);
    expect(edited.location).toBe(`/drafts/${id}?done=saved`);
    expect((await api(`/api/v1/drafts/${id}`)).body).toMatchObject({ title: '已修改', currentVersion: 2 });
    const again = await post(`/drafts/${id}/edit`, { title: '已修改', body: '改过的正文。', bodyFormat: 'text', intent: 'save' });
    expect(again.status).toBe(303);
    expect((await api(`/api/v1/drafts/${id}`)).body.currentVersion).toBe(2);

    await post(`/drafts/${id}/edit`, { title: '已修改', body: '改过的正文。', bodyFormat: 'text', removeFileIds: fileId, intent: 'submit' });
    const after = (await api(`/api/v1/drafts/${id}`)).body;
    expect(after).toMatchObject({ currentVersion: 3, status: 'in_review', files: [] });

    // Someone else's draft, and a draft that cannot change, answer with a page.
    const other = await t.request('GET', `/drafts/${id}/edit`, { cookie: (await t.signIn(`section_head.${(await emailSuffix())}@demo.imprimatur.local`)).cookie });
    expect(other.status).toBe(403);
    expect(other.headers.get('content-type')).toContain('text/html');
  });

  it('a form opened on an older version (a save in another tab since) is refused with what was typed, and nothing is lost', async () => {
    const saved = await post('/drafts/new', { unitId: demo.unitId, title: '两个标签页', body: '原文。', bodyFormat: 'text', accountIds: demo.accountId, intent: 'save' });
    const id = idFrom(saved.location);
    const tabA = await page(`/drafts/${id}/edit`);
    const tabB = await page(`/drafts/${id}/edit`);
    const baseOf = (html: string) => /name="baseVersion" value="(\d+)"/.exec(html)![1]!;
    expect(baseOf(tabA.text)).toBe('1');
    expect(baseOf(tabB.text)).toBe('1');
    const a = await post(`/drafts/${id}/edit`, { title: '两个标签页', body: '原文。【A的修改】', bodyFormat: 'text', baseVersion: baseOf(tabA.text), intent: 'save' });
    expect(a.status).toBe(303);
    const b = await post(`/drafts/${id}/edit`, { title: '两个标签页', body: '原文。【B的修改】', bodyFormat: 'text', baseVersion: baseOf(tabB.text), intent: 'save' });
    expect(b.status).toBe(409);
    expect(b.text).toContain('已另存为第 2 版（您编辑的是第 1 版）');
    expect(b.text).toContain('【B的修改】'); // what B typed comes back, to be compared and saved again
    // ...beside what the other save changed, version 1 → 2, as a word diff.
    const other = b.text.slice(b.text.indexOf('id="other-save"'), b.text.indexOf('id="f-form"'));
    expect(other).toContain('第 1 版 → 第 2 版');
    expect(other).toMatch(/<ins>.*【A的修改】/s);
    // The page's own style sheets style the diff: its screen-reader labels hidden, insertions and deletions coloured.
    const sheets = await Promise.all([...b.text.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map(async (m) => (await t.request('GET', m[1]!.replace(/&amp;/g, '&'))).text));
    expect(sheets.join('\n')).toMatch(/\.visually-hidden\{position:absolute/);
    expect(sheets.join('\n')).toMatch(/\.diff-text ins\{background:/);
    expect(sheets.join('\n')).toMatch(/\.diff-text del\{background:/);
    expect(baseOf(b.text)).toBe('2');
    expect((await api(`/api/v1/drafts/${id}`)).body).toMatchObject({ body: '原文。【A的修改】', currentVersion: 2 });
    // Saved again from the form that came back, knowingly on version 2: taken.
    const again = await post(`/drafts/${id}/edit`, { title: '两个标签页', body: '原文。【A的修改】【B的修改】', bodyFormat: 'text', baseVersion: baseOf(b.text), intent: 'save' });
    expect(again.status).toBe(303);
    expect((await api(`/api/v1/drafts/${id}`)).body).toMatchObject({ body: '原文。【A的修改】【B的修改】', currentVersion: 3 });
  });

  const emailSuffix = async () => {
    const rows = await t.runtime.database.db.execute(sql`select email from people where id = ${demo.people.drafter}`);
    return ((Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows)[0] as { email: string }).email.split('.')[1]!.split('@')[0]!;
  };
});
