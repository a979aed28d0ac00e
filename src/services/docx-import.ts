import type { Db } from '../../db/client';
import { draftFiles, type Urgency } from '../../db/schema';
import { BODY_MAX_CHARS } from '../domain/content';
import { DOCX_STYLE_MAP, titleAndBody } from '../domain/docx';
import { ALLOWED_TYPES, isImage } from '../domain/files';
import { FILE_PATH_PREFIX } from '../domain/html';
import { AppError, words, type Words } from '../lib/errors';
import { checkZipBudget, type ZipBudget, type ZipVerdict } from '../lib/zip-budget';
import type { Person } from './auth';
import type { ServiceDeps } from './context';
import { createDraft } from './drafts';
import { acceptUpload, type Upload } from './files';
import type { BlobStore } from '../storage/blob-store';

type FileDeps = ServiceDeps & { files?: BlobStore };

export interface DocxImport {
  file: Upload;
  unitId: string;
  accountIds: string[];
  title?: string;
  urgency?: Urgency;
}

type Accepted = Awaited<ReturnType<typeof acceptUpload>>;

/**
 * What a .docx may unpack to before mammoth reads it: a long report's text and markup is a few
 * megabytes of XML, its photos are compressed already; a ZIP bomb is neither.
 */
const DOCX_BUDGET: ZipBudget = { total: 100 * 1024 * 1024, xml: 16 * 1024 * 1024, entries: 5000 };
const BUDGET_REFUSALS: Record<Exclude<ZipVerdict, { ok: true }>['reason'], ['docx_unreadable' | 'docx_too_large', Words]> = {
  not_zip: ['docx_unreadable', words('文件已损坏或不是 Word 文档', 'the file is damaged or not a Word document')],
  unsupported: ['docx_unreadable', words('文件的压缩格式无法读取', 'its compression cannot be read')],
  too_many_entries: ['docx_too_large', words('文档包含的部件过多', 'it has too many parts')],
  too_large: ['docx_too_large', words('解压后超过 100 MB', 'it unpacks to more than 100 MB')],
  xml_too_large: ['docx_too_large', words('文档的文字与排版超过 16 MB', 'its text and layout come to more than 16 MB')],
};


const EXT_OF: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp' };

/**
 * POST /drafts/import: a Word document becomes a new draft. mammoth converts it to HTML; each
 * embedded image is checked and stored like an upload (content-addressed: the same picture twice
 * is one file) and shown from the draft's own files; the HTML is then sanitized like any body
 * (createDraft → composeVersion); the original .docx stays on the version as an attachment, so
 * reviewers can open what the drafter actually sent. Images of a type the service does not take
 * (EMF/WMF drawings, TIFF) are left out and listed in `importNotes`.
 */
export async function importDocx(db: Db, deps: FileDeps, actor: Person, input: DocxImport) {
  const original = await acceptUpload(deps, input.file, ['docx']);
  const unpacked = await checkZipBudget(input.file.bytes, DOCX_BUDGET);
  if (!unpacked.ok) {
    const [status, reason] = BUDGET_REFUSALS[unpacked.reason];
    throw new AppError(status, { reason }, { field: 'file', reason: unpacked.reason });
  }
  const images = new Map<string, { id: string; accepted: Accepted }>();
  const notes: string[] = [];
  let n = 0;
  let converted: { value: string; messages: { type: string; message: string }[] };
  try {
    // Loaded at the first import: mammoth is of no use to any other request.
    const { default: mammoth } = await import('mammoth');
    converted = await mammoth.convertToHtml(
      // `buffer` for Node's build, `arrayBuffer` for the browser build (Workers).
      { buffer: input.file.bytes, arrayBuffer: input.file.bytes.buffer } as unknown as { buffer: Buffer },
      {
        styleMap: DOCX_STYLE_MAP,
        // A document may link images by path or URL: never read files or fetch on its behalf.
        externalFileAccess: false,
        convertImage: mammoth.images.imgElement(async (image) => {
          n++;
          const bytes = new Uint8Array(await image.readAsArrayBuffer());
          const name = `图片${n}.${EXT_OF[image.contentType] ?? 'bin'}`;
          let accepted: Accepted;
          try {
            accepted = await acceptUpload(deps, { bytes, name, declaredType: '' });
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            notes.push(`第 ${n} 张图片未导入（${image.contentType}：${err.code}）/ image ${n} left out (${image.contentType}: ${err.code})`);
            return { src: '' };
          }
          if (!isImage(accepted.type)) {
            notes.push(`第 ${n} 张图片不是图片格式，未导入 / image ${n} is not an image, left out`);
            return { src: '' };
          }
          const known = images.get(accepted.sha256) ?? { id: crypto.randomUUID(), accepted };
          images.set(accepted.sha256, known);
          return { src: `${FILE_PATH_PREFIX}${known.id}` };
        }),
      },
    );
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('docx_unreadable', { reason: shortMessage(err) }, { field: 'file', reason: shortMessage(err) });
  }
  if (converted.value.length > BODY_MAX_CHARS) {
    throw new AppError('docx_too_large', { reason: words(`转换后的正文超过 ${BODY_MAX_CHARS.toLocaleString('en')} 个字符，请拆分后分别导入`, `the text comes to more than ${BODY_MAX_CHARS.toLocaleString('en')} characters; split it and import the parts`) }, { field: 'file', reason: 'body_too_long' });
  }
  if (!converted.value.replace(/<[^<>]*>/g, '').trim() && !images.size) {
    throw new AppError('docx_unreadable', { reason: words('文档没有内容', 'the document is empty') }, { field: 'file', reason: words('文档没有内容', 'empty document') });
  }
  for (const m of converted.messages) if (m.type === 'error') notes.push(m.message);
  const { title, body } = input.title ? { title: input.title, body: converted.value } : titleAndBody(converted.value, input.file.name);
  const draft = await createDraft(
    db, deps, actor,
    { title, body, bodyFormat: 'html', unitId: input.unitId, accountIds: input.accountIds, urgency: input.urgency },
    async (tx, draftId) => {
      const now = deps.now();
      const rows = [
        { draftId, ...original, uploadedBy: actor.id, createdAt: now },
        ...[...images.values()].map(({ id, accepted }) => ({ id, draftId, ...accepted, uploadedBy: actor.id, createdAt: now })),
      ];
      const inserted = await tx.insert(draftFiles).values(rows).returning({ id: draftFiles.id, type: draftFiles.type });
      // The original document is an attachment of version 1; the images join it through the body.
      return { body, fileIds: inserted.filter((f) => f.type === ALLOWED_TYPES.docx).map((f) => f.id) };
    },
  );
  return { ...draft, importNotes: notes };
}

function shortMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s+/g, ' ').slice(0, 200);
}
