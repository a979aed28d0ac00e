import { AlignmentType, Document, HeadingLevel, ImageRun, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from './harness';
import { pdf, png } from './support/fixtures';

const RED = png(6, 4, [220, 20, 20]);
const BLUE = png(5, 5, [20, 20, 220]);

/** A real Word document: Chinese headings, formatted text, a table and two images (the first shown twice). */
async function fixtureDocx(): Promise<Uint8Array> {
  const image = (data: Uint8Array) => new ImageRun({ type: 'png', data, transformation: { width: 60, height: 40 } });
  const cell = (text: string) => new TableCell({ children: [new Paragraph(text)] });
  const doc = new Document({
    sections: [{
      children: [
        new Paragraph({ text: '关于举办学术讲座的通知', heading: HeadingLevel.HEADING_1, alignment: AlignmentType.CENTER }),
        new Paragraph({ text: '一、讲座安排', heading: HeadingLevel.HEADING_2 }),
        new Paragraph({ children: [new TextRun({ text: '时间：', bold: true }), new TextRun({ text: '周五下午三点', italics: true }), new TextRun('，联系电话 13812345678。')] }),
        new Table({ rows: [new TableRow({ children: [cell('项目'), cell('地点')] }), new TableRow({ children: [cell('讲座'), cell('图书馆报告厅')] })] }),
        new Paragraph({ text: '二、现场照片', heading: HeadingLevel.HEADING_2 }),
        new Paragraph({ children: [image(RED)] }),
        new Paragraph({ children: [image(BLUE)] }),
        new Paragraph({ children: [image(RED)] }),
      ],
    }],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

describe('POST /drafts/import: a .docx becomes a draft', () => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  let docx: Uint8Array;
  beforeAll(async () => {
    t = await createTestEnv('postgres');
    demo = await t.seed();
    docx = await fixtureDocx();
  });
  afterAll(() => t?.close());

  async function importForm(fields: Record<string, string | string[]>, file?: { bytes: Uint8Array; name: string; type?: string }, token = demo.tokens.drafter) {
    const form = new FormData();
    if (file) form.append('file', new File([file.bytes as Uint8Array<ArrayBuffer>], file.name, { type: file.type ?? '' }));
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) form.append(k, one);
    const res = await t.runtime.app.request('/api/v1/drafts/import', { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text), text };
  }
  const fetchFile = (id: string) => t.runtime.app.request(`/api/v1/files/${id}`, { headers: { authorization: `Bearer ${demo.tokens.drafter}` } });

  it('converts headings, emphasis and the table, stores each image once as a file, keeps the original as an attachment', async () => {
    const res = await importForm({ unitId: demo.unitId, accountIds: [demo.accountId] }, { bytes: docx, name: '讲座通知.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
    expect(res.status, res.text).toBe(201);
    const draft = res.body;
    expect(draft).toMatchObject({ title: '关于举办学术讲座的通知', bodyFormat: 'html', status: 'draft', currentVersion: 1, accountIds: [demo.accountId], importNotes: [] });
    // The heading the document opens with is the title, not also the first line of the text.
    expect(draft.body).not.toContain('关于举办学术讲座的通知');
    expect(draft.body).toMatch(/^<h2>一、讲座安排<\/h2>/);
    expect(draft.body).toContain('<h2>一、讲座安排</h2>');
    expect(draft.body).toMatch(/<strong>时间：<\/strong><em>周五下午三点<\/em>/);
    expect(draft.body).toMatch(/<table>.*<td><p>项目<\/p><\/td>.*<td><p>图书馆报告厅<\/p><\/td>.*<\/table>/s);

    const byType = (type: string) => draft.files.filter((f: any) => f.type === type);
    const [original] = byType('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(original).toMatchObject({ name: '讲座通知.docx', size: docx.byteLength });
    const images = byType('image/png');
    // Three pictures in the document, two distinct: two files, the red one shown twice.
    expect(images).toHaveLength(2);
    const srcs = [...draft.body.matchAll(/<img src="\/api\/v1\/files\/([0-9a-f-]{36})"/g)].map((m: RegExpMatchArray) => m[1]);
    expect(srcs).toHaveLength(3);
    expect(new Set(srcs)).toEqual(new Set(images.map((f: any) => f.id)));
    expect(srcs[0]).toBe(srcs[2]);

    const red = await fetchFile(srcs[0]!);
    expect(red.status).toBe(200);
    expect(new Uint8Array(await red.arrayBuffer())).toEqual(RED);
    expect(new Uint8Array(await (await fetchFile(srcs[1]!)).arrayBuffer())).toEqual(BLUE);
    const att = await fetchFile(original.id);
    expect(att.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(new Uint8Array(await att.arrayBuffer())).toEqual(docx);

    // The imported text is pre-screened like any body.
    expect(draft.prescreen.map((f: any) => f.kind)).toContain('mobile');
    // And it is an ordinary draft: it can be edited and submitted.
    const submitted = await t.request('POST', `/api/v1/drafts/${draft.id}/submit`, { token: demo.tokens.drafter });
    expect(submitted.status, submitted.text).toBe(200);
  });

  it('takes a given title, accountIds as a comma-separated field, and no accounts at all', async () => {
    const titled = await importForm({ unitId: demo.unitId, accountIds: `${demo.accountId}, ${demo.accountId}`, title: '自定标题', urgency: 'urgent' }, { bytes: docx, name: 'a.docx' });
    expect(titled.status, titled.text).toBe(201);
    expect(titled.body).toMatchObject({ title: '自定标题', urgency: 'urgent', accountIds: [demo.accountId] });
    const bare = await importForm({ unitId: demo.unitId }, { bytes: docx, name: 'b.docx' });
    expect(bare.status, bare.text).toBe(201);
    expect(bare.body.accountIds).toEqual([]);
  });

  it('refuses what is not a readable Word document, naming the field, and creates nothing', async () => {
    const before = (await t.request('GET', '/api/v1/drafts?mine=true&limit=200', { token: demo.tokens.drafter })).body.items.length;
    const broken = await JSZip.loadAsync(docx);
    broken.file('word/document.xml', '<w:document>not closed');
    const brokenDocx = new Uint8Array(await broken.generateAsync({ type: 'uint8array' }));
    // A ZIP bomb: 30 MB of one letter packs to about 30 KB (it once exhausted the heap); and a document
    // whose text is longer than any body may be.
    const withText = async (text: string) => {
      const zip = await JSZip.loadAsync(docx);
      zip.file('word/document.xml', `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:body></w:document>`);
      return new Uint8Array(await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }));
    };
    const bomb = await withText('A'.repeat(30 * 1024 * 1024));
    expect(bomb.byteLength).toBeLessThan(200 * 1024);
    const tooLong = await withText('长'.repeat(600_000));
    const cases: [Record<string, string | string[]>, { bytes: Uint8Array; name: string; type?: string } | undefined, number, string, string][] = [
      [{ unitId: demo.unitId }, undefined, 400, 'file_missing', 'file'],
      [{ unitId: demo.unitId }, { bytes: png(2, 2, [0, 0, 0]), name: 'photo.png', type: 'image/png' }, 415, 'file_type_not_here', 'file'],
      [{ unitId: demo.unitId }, { bytes: pdf(), name: 'notice.pdf' }, 415, 'file_type_not_here', 'file'],
      [{ unitId: demo.unitId }, { bytes: new TextEncoder().encode('just text, named like Word'), name: 'fake.docx' }, 415, 'file_type_not_allowed', 'file'],
      [{ unitId: demo.unitId }, { bytes: pdf(), name: 'lying.docx' }, 415, 'file_type_mismatch', 'file'],
      [{ unitId: demo.unitId }, { bytes: brokenDocx, name: 'broken.docx' }, 400, 'docx_unreadable', 'file'],
      [{ unitId: demo.unitId }, { bytes: bomb, name: 'bomb.docx' }, 413, 'docx_too_large', 'file'],
      [{ unitId: demo.unitId }, { bytes: tooLong, name: 'long.docx' }, 413, 'docx_too_large', 'file'],
      [{ unitId: demo.unitId }, { bytes: docx, name: '../../evil.docx' }, 400, 'invalid_file_name', 'file'],
      [{}, { bytes: docx, name: 'x.docx' }, 400, 'validation_failed', 'unitId'],
      [{ unitId: demo.unitId, accountIds: 'not-a-uuid' }, { bytes: docx, name: 'x.docx' }, 400, 'validation_failed', 'accountIds.0'],
      [{ unitId: demo.unitId, urgency: 'asap' }, { bytes: docx, name: 'x.docx' }, 400, 'validation_failed', 'urgency'],
      [{ unitId: '00000000-0000-4000-8000-000000000000' }, { bytes: docx, name: 'x.docx' }, 404, 'not_found', 'unitId'],
    ];
    for (const [fields, file, status, code, field] of cases) {
      const res = await importForm(fields, file);
      const named = Array.isArray(res.body.error?.details) ? res.body.error.details.map((d: any) => d.path).join(',') : res.body.error?.details?.field;
      expect(`${file?.name}: ${res.status} ${res.body.error?.code} ${named}`).toBe(`${file?.name}: ${status} ${code} ${field}`);
    }
    const after = (await t.request('GET', '/api/v1/drafts?mine=true&limit=200', { token: demo.tokens.drafter })).body.items.length;
    expect(after).toBe(before);
    expect((await importForm({ unitId: demo.unitId }, { bytes: docx, name: 'x.docx' }, '')).status).toBe(401);
  });
});
