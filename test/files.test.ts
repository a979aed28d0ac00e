import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../db/schema';
import { signedFileUrl } from '../src/services/files';
import { blobKey } from '../src/storage/blob-store';
import { emailsOf } from './browser';
import { ALL_TICKED, createTestEnv, type TestEnv } from './harness';
import { pdf, png } from './support/fixtures';
import { startS3 } from './support/s3rver';

const MAX = 200_000;

// One suite, two storages: a local directory and a real S3-compatible server (s3rver).
describe.each(['local', 's3'] as const)('draft files on %s storage', (storage) => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  let s3: Awaited<ReturnType<typeof startS3>> | null = null;
  let dir = '';
  let outsider = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'imp-files-'));
    if (storage === 's3') s3 = await startS3();
    t = await createTestEnv('postgres', { FILE_MAX_BYTES: String(MAX), FILES_DIR: dir, ...(s3?.env ?? {}) });
    demo = await t.seed();
    // Staff of another unit: may not see this unit's drafts or their files.
    const unit = await t.request('POST', '/api/v1/units', { token: demo.tokens.admin, body: { name: '外语学院', code: 'FL' } });
    const person = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name: '外院职员', email: 'outsider@example.edu.cn', roles: ['staff'], unitId: unit.body.id } });
    const { issueApiToken } = await import('../src/services/auth');
    outsider = await issueApiToken(t.runtime.database.db, t.runtime.config.appSecret, person.body.id);
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function newDraft(body = '<p>讲座通知</p>') {
    const res = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '图片测试', body, unitId: demo.unitId, accountIds: [demo.accountId] } });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: string; contentSha256: string; currentVersion: number };
  }

  async function upload(draftId: string, bytes: Uint8Array | string, name: string, type = '', token = demo.tokens.drafter) {
    const form = new FormData();
    form.append('file', new File([typeof bytes === 'string' ? bytes : (bytes as Uint8Array<ArrayBuffer>)], name, { type }));
    const res = await t.runtime.app.request(`/api/v1/drafts/${draftId}/files`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text), text };
  }

  const get = (path: string, token?: string) => t.runtime.app.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('an uploaded image waits among the draft’s files until the body shows it; then it is in the version and its hash', async () => {
    const draft = await newDraft();
    const image = png(4, 3, [200, 30, 30]);
    const res = await upload(draft.id, image, '校园风光.png', 'image/png');
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ name: '校园风光.png', type: 'image/png', size: image.byteLength });
    expect(res.body.sha256).toMatch(/^[0-9a-f]{64}$/);
    const fileId = res.body.id as string;

    // The bytes are in the configured storage under their hash.
    if (storage === 'local') expect(existsSync(join(dir, blobKey(res.body.sha256)))).toBe(true);
    else expect(await t.runtime.deps.files!.get(res.body.sha256)).toEqual(image);

    // The upload alone makes no version; the draft lists the file as not yet in a version.
    const view = (await t.request('GET', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter })).body;
    expect(view).toMatchObject({ currentVersion: 1, files: [], contentSha256: draft.contentSha256 });
    const pool = await t.request('GET', `/api/v1/drafts/${draft.id}/files`, { token: demo.tokens.section_head });
    expect(pool.body.items).toEqual([expect.objectContaining({ id: fileId, inCurrentVersion: false })]);

    const edited = await t.request('PATCH', `/api/v1/drafts/${draft.id}`, {
      token: demo.tokens.drafter,
      body: { body: `<p>见图：</p><img src="/api/v1/files/${fileId}" alt="校园"><img src="https://elsewhere.example/x.png">` },
    });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body.currentVersion).toBe(2);
    expect(edited.body.body).toBe(`<p>见图：</p><img src="/api/v1/files/${fileId}" alt="校园" />`);
    expect(edited.body.files.map((f: any) => f.id)).toEqual([fileId]);
    expect(edited.body.contentSha256).not.toBe(draft.contentSha256);

    // The same bytes under the same name again are the file the draft has (said so): no new file, no version.
    const again = await upload(draft.id, image, '校园风光.png', 'image/png');
    expect(again.status, again.text).toBe(200);
    expect(again.body).toMatchObject({ id: fileId, name: '校园风光.png', duplicate: true });
    expect((await t.request('GET', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter })).body.currentVersion).toBe(2);
    expect((await t.request('GET', `/api/v1/drafts/${draft.id}/files`, { token: demo.tokens.drafter })).body.items).toHaveLength(1);

    // A different photo under the same words is a different content hash.
    const other = await upload(draft.id, png(4, 3, [30, 30, 200]), '另一张.png', 'image/png');
    const swapped = await t.request('PATCH', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter, body: { body: `<p>见图：</p><img src="/api/v1/files/${other.body.id}" alt="校园">`, fileIds: [] } });
    expect(swapped.body.files.map((f: any) => f.id)).toEqual([other.body.id]);
    expect(swapped.body.contentSha256).not.toBe(edited.body.contentSha256);
    // Listing the files exactly drops a file the version held, and the body's image of it.
    const dropped = await t.request('PATCH', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter, body: { fileIds: [] } });
    expect(dropped.body.files).toEqual([]);
    expect(dropped.body.body).toBe('<p>见图：</p>');
  });

  it('uploads under review restart nothing until the edit that uses them; attach=true makes the version at once', async () => {
    const draft = await newDraft();
    await t.request('POST', `/api/v1/drafts/${draft.id}/submit`, { token: demo.tokens.drafter });
    await t.linkFor(demo.people.section_head!);
    const before = t.sent.length;
    const first = await upload(draft.id, png(2, 2, [1, 1, 1]), 'a.png', 'image/png');
    const second = await upload(draft.id, png(2, 2, [2, 2, 2]), 'b.png', 'image/png');
    expect([first.status, second.status]).toEqual([201, 201]);
    await t.deliver();
    expect(t.sent.length).toBe(before);
    expect((await t.request('GET', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter })).body).toMatchObject({ currentVersion: 1, round: 1 });
    // One edit showing both photos: one new version, one restart, one new link.
    const edited = await t.request('PATCH', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter, body: { body: `<p>两张</p><img src="/api/v1/files/${first.body.id}"><img src="/api/v1/files/${second.body.id}">` } });
    expect(edited.body).toMatchObject({ currentVersion: 2, round: 2, status: 'in_review' });
    expect(edited.body.files.map((f: any) => f.id)).toEqual([first.body.id, second.body.id]);
    expect((await t.deliver()).filter((m) => m.link)).toHaveLength(1);

    const form = new FormData();
    form.append('file', new File([pdf('attach') as Uint8Array<ArrayBuffer>], '日程.pdf', { type: 'application/pdf' }));
    form.append('attach', 'true');
    const attached = await t.runtime.app.request(`/api/v1/drafts/${draft.id}/files`, { method: 'POST', body: form, headers: { authorization: `Bearer ${demo.tokens.drafter}` } });
    expect(attached.status).toBe(201);
    const view = (await t.request('GET', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter })).body;
    expect(view.currentVersion).toBe(3);
    expect(view.files.map((f: any) => f.name)).toEqual(['a.png', 'b.png', '日程.pdf']);
    const badAttach = new FormData();
    badAttach.append('file', new File([pdf() as Uint8Array<ArrayBuffer>], 'x.pdf'));
    badAttach.append('attach', 'yes');
    const refused = await t.runtime.app.request(`/api/v1/drafts/${draft.id}/files`, { method: 'POST', body: badAttach, headers: { authorization: `Bearer ${demo.tokens.drafter}` } });
    expect(refused.status).toBe(400);
    // The field's problem in the caller's language (zh-CN by default).
    expect((await refused.json()).error.details[0]).toMatchObject({ path: 'attach', message: '须为 true 或 false' });
    // A closed draft takes no files.
    await t.request('POST', `/api/v1/drafts/${draft.id}/withdraw`, { token: demo.tokens.drafter });
    const closed = await upload(draft.id, png(2, 2, [3, 3, 3]), 'c.png', 'image/png');
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('invalid_transition');
  });

  it('the same bytes under two names are two files, each listed, served, diffed and recorded under its own name', async () => {
    const draft = await newDraft();
    const attach = async (bytes: Uint8Array, name: string) => {
      const form = new FormData();
      form.append('file', new File([bytes as Uint8Array<ArrayBuffer>], name, { type: 'application/pdf' }));
      form.append('attach', 'true');
      const res = await t.runtime.app.request(`/api/v1/drafts/${draft.id}/files`, { method: 'POST', body: form, headers: { authorization: `Bearer ${demo.tokens.drafter}` } });
      return { status: res.status, body: await res.json() };
    };
    const view = async () => (await t.request('GET', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter })).body;
    const events = async () => (await t.runtime.database.db.select().from(auditEvents).where(eq(auditEvents.draftId, draft.id)).orderBy(asc(auditEvents.seq))).map((e) => ({ action: e.action, data: e.data as Record<string, unknown> }));
    const plan = pdf('活动方案');

    const first = await attach(plan, '附件1.pdf');
    expect(first).toMatchObject({ status: 201, body: { name: '附件1.pdf' } });
    const v2 = await view();
    const second = await attach(plan, '附件2.pdf');
    expect(second).toMatchObject({ status: 201, body: { name: '附件2.pdf', sha256: first.body.sha256 } });
    expect(second.body.id).not.toBe(first.body.id);
    expect([first.body.duplicate, second.body.duplicate]).toEqual([false, false]);

    // Both listed under their names, in the version and among the draft's files; a new version, a new fingerprint.
    const v3 = await view();
    expect(v3.currentVersion).toBe(3);
    expect(v3.files.map((f: any) => [f.id, f.name])).toEqual([[first.body.id, '附件1.pdf'], [second.body.id, '附件2.pdf']]);
    expect(v3.contentSha256).not.toBe(v2.contentSha256);
    const pool = (await t.request('GET', `/api/v1/drafts/${draft.id}/files`, { token: demo.tokens.drafter })).body.items;
    expect(pool.map((f: any) => [f.name, f.inCurrentVersion])).toEqual([['附件1.pdf', true], ['附件2.pdf', true]]);
    // Each downloads under its own name, the same bytes (stored once, by their hash).
    for (const [id, name] of [[first.body.id, '附件1.pdf'], [second.body.id, '附件2.pdf']]) {
      const res = await get(`/api/v1/files/${id}`, demo.tokens.drafter);
      expect(res.headers.get('content-disposition')).toContain(encodeURIComponent(name));
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(plan);
    }
    // The audit record and the timeline say what happened: 附件2.pdf was added, not 附件1.pdf again.
    expect((await events()).filter((e) => e.action === 'draft.edited').map((e) => e.data.fileName)).toEqual(['附件1.pdf', '附件2.pdf']);
    const session = await t.signIn((await emailsOf(t, demo)).drafter!);
    const page = await t.request('GET', `/drafts/${draft.id}`, { cookie: session.cookie, headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('添加文件：附件2.pdf');
    const filesCard = page.text.slice(page.text.indexOf('id="files"'), page.text.indexOf('id="prescreen"'));
    expect(filesCard).toContain('>附件1.pdf</a>');
    expect(filesCard).toContain('>附件2.pdf</a>');
    // The diff of the two versions: one file added, the second name.
    const diff = await t.request('GET', `/api/v1/drafts/${draft.id}/diff?from=2&to=3`, { token: demo.tokens.drafter });
    expect(diff.body.files).toEqual({ added: [expect.objectContaining({ id: second.body.id, name: '附件2.pdf' })], removed: [], changed: [] });

    // The same bytes under the same name again: that file, said so; no version, nothing recorded.
    const recorded = (await events()).length;
    const again = await attach(plan, '附件2.pdf');
    expect(again).toMatchObject({ status: 200, body: { id: second.body.id, duplicate: true } });
    expect((await view()).currentVersion).toBe(3);
    expect((await events()).length).toBe(recorded);

    // Without attach: an image under a second name is a new file waiting for a version, recorded under that name.
    const scan = png(3, 3, [40, 50, 60]);
    const scanA = await upload(draft.id, scan, '扫描件.png', 'image/png');
    const scanB = await upload(draft.id, scan, '扫描件（副本）.png', 'image/png');
    expect([scanA.status, scanB.status]).toEqual([201, 201]);
    expect(scanB.body.id).not.toBe(scanA.body.id);
    expect((await events()).filter((e) => e.action === 'draft.file_uploaded').map((e) => e.data.name)).toEqual(['扫描件.png', '扫描件（副本）.png']);

    // Swapping 附件2.pdf for the same bytes under another name is a change of the file list: a new version.
    const renamed = await upload(draft.id, plan, '活动方案.pdf', 'application/pdf');
    const swapped = await t.request('PATCH', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter, body: { fileIds: [first.body.id, renamed.body.id] } });
    expect(swapped.status, swapped.text).toBe(200);
    expect(swapped.body.currentVersion).toBe(4);
    expect(swapped.body.files.map((f: any) => f.name)).toEqual(['附件1.pdf', '活动方案.pdf']);
  });

  it('serves files to those who may see the draft: image inline, attachment as a download, nosniff', async () => {
    const draft = await newDraft();
    const image = png(2, 2, [0, 128, 0]);
    const img = (await upload(draft.id, image, '照片.png', 'image/png')).body;
    const doc = (await upload(draft.id, pdf(), '附件：活动方案.pdf', 'application/pdf')).body;

    const res = await get(`/api/v1/files/${img.id}`, demo.tokens.drafter);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(image);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // The file's own sandbox stands (the app's page policy would let a served file act on this origin).
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-disposition')).toBe(`inline; filename="__.png"; filename*=UTF-8''${encodeURIComponent('照片.png')}`);

    const att = await get(`/api/v1/files/${doc.id}`, demo.tokens.section_head);
    expect(att.status).toBe(200);
    expect(att.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(att.headers.get('content-type')).toBe('application/pdf');
    expect(att.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");

    expect((await get(`/api/v1/files/${img.id}`, demo.tokens.publicity)).status).toBe(200);
    expect((await get(`/api/v1/files/${img.id}`, outsider)).status).toBe(403);
    expect((await get(`/api/v1/files/${img.id}`)).status).toBe(401);
    expect((await get('/api/v1/files/00000000-0000-4000-8000-000000000000', demo.tokens.drafter)).status).toBe(404);
  });

  it('a live sign-off link opens the files of its version, and nothing else', async () => {
    const draft = await newDraft();
    const file = (await upload(draft.id, png(3, 3, [1, 2, 3]), '图.png', 'image/png')).body;
    const otherDraft = await newDraft();
    const foreign = (await upload(otherDraft.id, png(3, 3, [9, 9, 9]), '别的.png', 'image/png')).body;
    await t.request('PATCH', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter, body: { body: `<p>图</p><img src="/api/v1/files/${file.id}">` } });
    await t.request('POST', `/api/v1/drafts/${draft.id}/submit`, { token: demo.tokens.drafter });
    const token = await t.linkFor(demo.people.section_head!);

    const ok = await get(`/api/v1/signoff/${token}/files/${file.id}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('image/png');
    // A capability's file: no cache keeps it past the link (a draft's own file route may be cached privately).
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect((await get(`/api/v1/signoff/${token}/files/${foreign.id}`)).status).toBe(404);
    expect((await get(`/api/v1/signoff/forged-token/files/${file.id}`)).status).toBe(404);
    // The sign-off page shows the images through the link.
    await t.request('PATCH', `/api/v1/drafts/${otherDraft.id}`, { token: demo.tokens.drafter, body: { body: `<img src="/api/v1/files/${foreign.id}">` } });

    const decided = await t.request('POST', `/api/v1/signoff/${token}`, { body: { decision: 'approve', checklist: ALL_TICKED } });
    expect(decided.status, decided.text).toBe(200);
    const used = await get(`/api/v1/signoff/${token}/files/${file.id}`);
    expect(used.status).toBe(409);
    expect((await used.json()).error.code).toBe('link_used');
  });

  it('a signed URL serves one file until it expires; a forged one is refused', async () => {
    const draft = await newDraft();
    const file = (await upload(draft.id, pdf('signed'), 'plan.pdf', 'application/pdf')).body;
    const url = new URL(await signedFileUrl(t.runtime.deps, file.id, 600));
    expect((await get(url.pathname + url.search)).status).toBe(200);
    const forged = `${url.pathname}?expires=${url.searchParams.get('expires')}&sig=${'0'.repeat(64)}`;
    expect((await get(forged)).status).toBe(403);
    const otherFile = `/api/v1/files/00000000-0000-4000-8000-000000000000${url.search}`;
    expect((await get(otherFile)).status).toBe(403);
    t.clock.advance(1);
    expect((await get(url.pathname + url.search)).status).toBe(410);
  });

  it('refuses uploads that are too large, lie about their type, or hide a path in their name — and changes nothing', async () => {
    const draft = await newDraft();
    const big = new Uint8Array(MAX + 1);
    big.set(png(1, 1, [0, 0, 0]));
    const cases: [Uint8Array | string, string, string, number, string][] = [
      [big, 'big.png', 'image/png', 413, 'file_too_large'],
      [new Uint8Array(MAX * 2).fill(7), 'huge.png', 'image/png', 413, 'file_too_large'],
      ['<html><script>alert(1)</script></html>', 'photo.png', 'image/png', 415, 'file_type_not_allowed'],
      ['<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 'logo.svg', 'image/svg+xml', 415, 'file_type_not_allowed'],
      [png(1, 1, [1, 1, 1]), 'report.pdf', 'application/pdf', 415, 'file_type_mismatch'],
      [pdf(), 'scan.jpg', '', 415, 'file_type_mismatch'],
      [pdf(), 'scan', 'image/jpeg', 415, 'file_type_mismatch'],
      [png(1, 1, [1, 1, 1]), 'page.html', 'text/html', 415, 'file_type_mismatch'],
      [png(1, 1, [1, 1, 1]), '../../etc/passwd.png', 'image/png', 400, 'invalid_file_name'],
      [png(1, 1, [1, 1, 1]), '..\\..\\win.ini.png', 'image/png', 400, 'invalid_file_name'],
      [png(1, 1, [1, 1, 1]), '.htaccess.png', 'image/png', 400, 'invalid_file_name'],
      [png(1, 1, [1, 1, 1]), 'a\u0000b.png', 'image/png', 400, 'invalid_file_name'],
    ];
    for (const [bytes, name, type, status, code] of cases) {
      const res = await upload(draft.id, bytes, name, type);
      expect(`${name}: ${res.status} ${res.body.error?.code}`).toBe(`${name}: ${status} ${code}`);
      expect(res.body.error.details).toMatchObject({ field: 'file' });
      // A file whose bytes were read is named, so a form with several attachments says which one
      // (huge.png is refused by its length before it is read; a bad name is the problem itself).
      if (name !== 'huge.png' && code !== 'invalid_file_name') {
        expect(res.body.error.details.name, name).toBe(name);
        expect(res.body.error.message, name).toContain(`「${name}」`);
      }
    }
    const form = new FormData();
    form.append('photo', new File([png(1, 1, [1, 1, 1]) as Uint8Array<ArrayBuffer>], 'x.png'));
    form.append('file', 'not a file');
    const noFile = await t.runtime.app.request(`/api/v1/drafts/${draft.id}/files`, { method: 'POST', body: form, headers: { authorization: `Bearer ${demo.tokens.drafter}` } });
    expect(noFile.status).toBe(400);
    expect(await noFile.json()).toMatchObject({ error: { code: 'file_missing', details: [{ path: 'file' }] } });
    const json = await t.request('POST', `/api/v1/drafts/${draft.id}/files`, { token: demo.tokens.drafter, body: { file: 'x' } });
    expect(json.status).toBe(415);
    expect(json.body.error.code).toBe('unsupported_media_type');
    // Only the drafter adds files; nothing above made a version.
    expect((await upload(draft.id, png(1, 1, [5, 5, 5]), 'x.png', 'image/png', demo.tokens.section_head)).status).toBe(403);
    const view = (await t.request('GET', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter })).body;
    expect(view.currentVersion).toBe(1);
    expect(view.files).toEqual([]);
  });
});
