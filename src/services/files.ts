import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { draftFiles, draftVersions, drafts } from '../../db/schema';
import { checkFileName, contentDisposition, inspectFile, isImage, megabytes, sha256OfBytes, type AllowedExt } from '../domain/files';
import { constantTimeEqual, hmacHex } from '../lib/crypto';
import { AppError, words } from '../lib/errors';
import type { BlobStore } from '../storage/blob-store';
import { authenticate, type Person } from './auth';
import { inTransaction, type ServiceDeps } from './context';
import { allowedCommands } from '../domain/signoff';
import { appendAudit } from './audit';
import { currentVersion, getDraftRow, illegalMove, lockDraft, requireReadAccess, reviseDraft } from './drafts';
import { liveLinkVersionId } from './signoff';
import { filesOf, fileView, type FileRow } from './versions';

export type FileDeps = ServiceDeps & { files?: BlobStore };

const fileNotFound = () => new AppError('not_found', { what: words('文件', 'file') });

function storeOf(deps: FileDeps): BlobStore {
  if (!deps.files) throw new AppError('unavailable', { reason: words('未配置文件存储', 'no file storage configured') });
  return deps.files;
}

/**
 * Which file a refusal is about, for its message (「photo.png」 / "photo.png"): a form with several
 * attachments says which one to change. Empty when the name is not known yet (a body refused
 * before it is read).
 */
const named = (name?: string) => (name ? words(`「${name}」`, ` "${name}"`) : '');

export function tooLarge(deps: FileDeps, name?: string): AppError {
  return new AppError('file_too_large', { max: megabytes(deps.config.fileMaxBytes), name: named(name) }, { field: 'file', maxBytes: deps.config.fileMaxBytes, ...(name ? { name } : {}) });
}

/**
 * The draft form (a page, posted without JavaScript) refused whole for its size, before its fields
 * or its session's form token are read: it says the per-file limit the form states rather than the
 * body limit (framing and room for two files), and how to get back to what was typed.
 */
export function attachmentsTooLarge(deps: FileDeps, formMaxBytes: number, back: string): AppError {
  const total = megabytes(formMaxBytes);
  return new AppError('attachments_too_large', { max: megabytes(deps.config.fileMaxBytes) }, {
    field: 'attachments', maxBytes: deps.config.fileMaxBytes, formMaxBytes, back,
    reason: words(`未保存任何内容。请用浏览器的「返回」回到表单（已填写的标题和正文仍在），去掉过大的文件后再保存；一次保存的附件合计不超过 ${total}，更多文件请分次保存。`,
      `Nothing was saved. Use the browser’s Back button to return to the form (what you typed is still there), leave out the file that is too large and save again; one save takes at most ${total} of attachments in all, so add more in further saves.`),
  });
}

export interface Upload {
  bytes: Uint8Array;
  name: string;
  /** What the client declared (multipart part's Content-Type); checked, never trusted. */
  declaredType: string;
}

/**
 * Checks an upload and stores its bytes; returns what the file row needs. Nothing is written to the
 * database. `only` narrows the allow-list (the .docx import takes Word documents alone).
 */
export async function acceptUpload(deps: FileDeps, upload: Upload, only?: readonly AllowedExt[]): Promise<Pick<FileRow, 'sha256' | 'name' | 'type' | 'size'>> {
  const name = checkFileName(upload.name);
  if (!name.ok) throw new AppError('invalid_file_name', { reason: name.reason }, { field: 'file', reason: name.reason });
  if (upload.bytes.byteLength > deps.config.fileMaxBytes) throw tooLarge(deps, name.name);
  if (upload.bytes.byteLength === 0) throw new AppError('file_missing', { field: 'file' }, { field: 'file', reason: words('文件为空', 'empty file') });
  const found = await inspectFile(upload.bytes, name.name, upload.declaredType);
  if (!found.ok && found.code === 'file_type_not_allowed') throw new AppError('file_type_not_allowed', { detected: found.detected ? words(`（${found.detected}）`, ` (${found.detected})`) : '', name: named(name.name) }, { field: 'file', name: name.name, detected: found.detected });
  if (!found.ok && found.code === 'file_type_mismatch') throw new AppError('file_type_mismatch', { detected: found.detected, claimed: found.claimed, name: named(name.name) }, { field: 'file', name: name.name, detected: found.detected, claimed: found.claimed });
  const { type, ext } = found as { type: string; ext: AllowedExt };
  if (only && !only.includes(ext)) throw new AppError('file_type_not_here', { allowed: only.join('、'), detected: ext }, { field: 'file', detected: type, allowed: only });
  const sha256 = await sha256OfBytes(upload.bytes);
  // Content-addressed: stored before the row exists, so a row never points at missing bytes.
  await storeOf(deps).put(sha256, upload.bytes, type);
  return { sha256, name: name.name, type, size: upload.bytes.byteLength };
}

/**
 * Adds a file to a draft (drafter only). The upload itself makes no version: the file waits among
 * the draft's files until a version holds it — the body shows it (`<img src="/api/v1/files/{id}">`)
 * or an edit lists it in `fileIds`. An editor uploads its images before saving the text that shows
 * them, so a version per upload would record half-made versions and, under review, restart the
 * chain (and send the first level a link) once per photo and once more for the text. `attach`
 * makes the version at once, holding the file (an attachment added on its own).
 *
 * A file is its bytes under the name the drafter gave them (see fileRowsFor): the same PDF uploaded
 * as 附件1.pdf and as 附件2.pdf is two files. The same bytes under the same name again (a double
 * click, the same file picked twice) is the file the draft has: `duplicate` says so, and nothing is
 * recorded unless `attach` puts it into the current version for the first time.
 */
export async function uploadFile(db: Db, deps: FileDeps, actor: Person, draftId: string, upload: Upload, opts: { attach?: boolean } = {}) {
  const [exists] = await db.select({ id: drafts.id }).from(drafts).where(eq(drafts.id, draftId));
  if (!exists) throw new AppError('not_found', { what: words('稿件', 'draft') });
  const accepted = await acceptUpload(deps, upload);
  const { row, duplicate } = await inTransaction(db, deps, async (tx) => {
    const draft = await lockDraft(tx, draftId);
    if (draft.drafterId !== actor.id) throw new AppError('forbidden', {}, { reason: words('只有撰写人可以这样做', 'only the drafter may do this') });
    // Files belong to content that can still change: not to an approved, rejected or closed draft.
    if (!allowedCommands(draft.status).includes('edit')) throw illegalMove(draft, 'edit');
    const { row, existing } = (await fileRowsFor(tx, deps, actor, draftId, [accepted]))[0]!;
    const current = await currentVersion(tx, draft);
    if (opts.attach && !current.fileIds.includes(row.id)) await reviseDraft(tx, deps, actor, draftId, { fileIds: [...current.fileIds, row.id] }, { fileAdded: row.id, fileName: row.name });
    else if (!existing) await appendAudit(tx, { actorId: actor.id, action: 'draft.file_uploaded', subjectType: 'draft', subjectId: draftId, draftId, data: { fileId: row.id, sha256: row.sha256, name: row.name, type: row.type, size: row.size }, at: deps.now() });
    return { row, duplicate: existing };
  });
  return { ...fileView(row), duplicate };
}

/** Every file of a draft (those waiting for a version too), oldest first, each saying whether the current version holds it. */
export async function listDraftFiles(db: Db, actor: Person, draftId: string) {
  const draft = await getDraftRow(db, draftId);
  await requireReadAccess(db, actor, draft);
  const current = await currentVersion(db, draft);
  return (await filesOf(db, draftId)).map((f) => ({ ...fileView(f), inCurrentVersion: current.fileIds.includes(f.id) }));
}

/**
 * The draft's file rows for accepted uploads, inserting those it does not hold yet. A row is the
 * bytes under one name: the same bytes under another name are another file of the draft (the
 * stored object is shared, as storage is by hash), so each name the drafter gave is kept; the same
 * bytes under the same name are the row the draft already has (`existing`). The caller holds the
 * draft's lock and decides which version holds them.
 */
export async function fileRowsFor(tx: Db, deps: FileDeps, actor: Person, draftId: string, uploads: Awaited<ReturnType<typeof acceptUpload>>[]): Promise<{ row: FileRow; existing: boolean }[]> {
  const rows: { row: FileRow; existing: boolean }[] = [];
  for (const accepted of uploads) {
    const [same] = await tx.select().from(draftFiles)
      .where(and(eq(draftFiles.draftId, draftId), eq(draftFiles.sha256, accepted.sha256), eq(draftFiles.name, accepted.name)))
      .orderBy(asc(draftFiles.createdAt)).limit(1);
    rows.push(same ? { row: same, existing: true } : { row: (await tx.insert(draftFiles).values({ draftId, ...accepted, uploadedBy: actor.id, createdAt: deps.now() }).returning())[0]!, existing: false });
  }
  return rows;
}

export interface Served {
  bytes: Uint8Array;
  headers: Record<string, string>;
}

/** The stored bytes of a file with headers that keep it from rendering on this origin (draft files and duty evidence). */
export async function serve(deps: FileDeps, file: Pick<FileRow, 'sha256' | 'type' | 'name'>): Promise<Served> {
  const bytes = await storeOf(deps).get(file.sha256);
  if (!bytes) throw new AppError('unavailable', { reason: words('文件内容缺失', 'file content missing from storage') });
  return {
    bytes,
    headers: {
      'content-type': file.type,
      'content-length': String(bytes.byteLength),
      // Images show in place; everything else downloads, so no document ever renders on this origin.
      'content-disposition': contentDisposition(isImage(file.type) ? 'inline' : 'attachment', file.name),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, max-age=300',
      etag: `"${file.sha256}"`,
    },
  };
}

async function fileById(db: Db, fileId: string): Promise<FileRow> {
  const [file] = await db.select().from(draftFiles).where(eq(draftFiles.id, fileId));
  if (!file) throw fileNotFound();
  return file;
}

/** To a signed-in person allowed to see the draft. */
export async function fileForPerson(db: Db, deps: FileDeps, actor: Person, fileId: string): Promise<Served> {
  const file = await fileById(db, fileId);
  const [draft] = await db.select().from(drafts).where(eq(drafts.id, file.draftId));
  await requireReadAccess(db, actor, draft!);
  return serve(deps, file);
}

/** To the holder of a live sign-off link, for the files of the version that link shows. */
export async function fileForLink(db: Db, deps: FileDeps, token: string, fileId: string): Promise<Served> {
  const versionId = await liveLinkVersionId(db, deps, token);
  const [version] = await db.select({ fileIds: draftVersions.fileIds }).from(draftVersions).where(eq(draftVersions.id, versionId));
  if (!version!.fileIds.includes(fileId)) throw fileNotFound();
  return serve(deps, await fileById(db, fileId));
}

const signedMessage = (fileId: string, expires: number) => `file:${fileId}:${expires}`;

/** A URL that serves one file without a session until `expires` (the hand-off to publishing platforms). */
export async function signedFileUrl(deps: FileDeps, fileId: string, ttlSeconds: number): Promise<string> {
  const expires = Math.floor(deps.now().getTime() / 1000) + ttlSeconds;
  const sig = await hmacHex(deps.config.appSecret, signedMessage(fileId, expires));
  return `${deps.config.publicUrl}/api/v1/files/${fileId}?expires=${expires}&sig=${sig}`;
}

/**
 * GET /files/{id}: by signature when the URL carries one, else by bearer token. The route is
 * outside the bearer middleware so a signed URL works on its own.
 */
export async function fileForRequest(db: Db, deps: FileDeps, fileId: string, auth: { authorization?: string; expires?: string; sig?: string }): Promise<Served> {
  if (auth.sig !== undefined || auth.expires !== undefined) {
    const expires = Number(auth.expires);
    const valid = Number.isInteger(expires) && /^[0-9a-f]{64}$/.test(auth.sig ?? '') && constantTimeEqual(auth.sig!, await hmacHex(deps.config.appSecret, signedMessage(fileId, expires)));
    if (!valid) throw new AppError('forbidden', {}, { reason: words('签名无效', 'invalid signature') });
    if (expires * 1000 <= deps.now().getTime()) throw new AppError('link_expired', {}, { expiredAt: new Date(expires * 1000).toISOString() });
    return serve(deps, await fileById(db, fileId));
  }
  const person = await authenticate(db, deps.config.appSecret, auth.authorization);
  return fileForPerson(db, deps, person, fileId);
}
