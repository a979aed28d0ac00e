import type { Db } from '../../db/client';
import type { BodyFormat } from '../../db/schema';
import { bodyText, sanitizeBody } from '../domain/html';
import { prescreen, type PrescreenFinding } from '../domain/prescreen';
import { AppError, words } from '../lib/errors';
import type { Person } from './auth';
import { inTransaction, type ServiceDeps } from './context';
import { changeDraft, createDraft, currentVersion, lockDraft, submitDraft, type NewDraft, type Publishing } from './drafts';
import { acceptUpload, fileRowsFor, type Upload } from './files';
import { loadWordMatcher } from './versions';
import type { BlobStore } from '../storage/blob-store';

/**
 * What the draft form (GET /drafts/new, /drafts/{id}/edit) does, over the same services as the
 * JSON API: a new draft or a new version with the attachments sent along in the same post, then,
 * for 提交审核, the submit. Without JavaScript the files come in the form; with it the page's
 * script has already uploaded images through POST /api/v1/drafts/{id}/files.
 */
type FileDeps = ServiceDeps & { files?: BlobStore };

async function acceptAll(deps: FileDeps, uploads: Upload[]) {
  const accepted = [];
  for (const upload of uploads) accepted.push(await acceptUpload(deps, upload));
  return accepted;
}

export async function writeDraft(db: Db, deps: FileDeps, actor: Person, input: NewDraft, uploads: Upload[]) {
  const accepted = await acceptAll(deps, uploads);
  return createDraft(db, deps, actor, input, async (tx, draftId) => ({
    body: input.body,
    fileIds: (await fileRowsFor(tx, deps, actor, draftId, accepted)).map((f) => f.row.id),
  }));
}

export interface DraftEdit extends Publishing {
  title: string;
  body: string;
  bodyFormat?: BodyFormat;
  /** Files of the current version to leave out of the new one. */
  removeFileIds: string[];
  /** The version the form was opened on: saved over a later one (another tab's save), it is refused, not lost. */
  baseVersion?: number;
}

/** A new version from the form, and its accounts and urgency; the same content saved again makes none. Returns the version number. */
export async function saveDraftEdit(db: Db, deps: FileDeps, actor: Person, draftId: string, edit: DraftEdit, uploads: Upload[]): Promise<number> {
  const accepted = await acceptAll(deps, uploads);
  return inTransaction(db, deps, async (tx) => {
    const draft = await lockDraft(tx, draftId);
    // Checked before any file row is written for the draft (reviseDraft checks again).
    if (draft.drafterId !== actor.id) throw new AppError('forbidden', {}, { reason: words('只有撰写人可以这样做', 'only the drafter may do this') });
    if (edit.baseVersion !== undefined && edit.baseVersion !== draft.currentVersionNo) {
      throw new AppError('version_moved', { base: edit.baseVersion, current: draft.currentVersionNo }, { field: 'form', base: edit.baseVersion, current: draft.currentVersionNo });
    }
    const current = await currentVersion(tx, draft);
    const added = await fileRowsFor(tx, deps, actor, draftId, accepted);
    const fileIds = [...new Set([...current.fileIds.filter((id) => !edit.removeFileIds.includes(id)), ...added.map((f) => f.row.id)])];
    return changeDraft(tx, deps, actor, draftId, { title: edit.title, body: edit.body, bodyFormat: edit.bodyFormat, fileIds, accountIds: edit.accountIds, urgency: edit.urgency }, true);
  });
}

/** 提交审核 after saving: a draft already under review was restarted by the edit itself. */
export async function submitIfDraft(db: Db, deps: ServiceDeps, actor: Person, draftId: string, status: string) {
  if (status === 'draft' || status === 'returned') await submitDraft(db, deps, actor, draftId);
}

/**
 * The pre-screen of text not yet saved (the form's 发布前自查 button): the same findings a saved
 * version records, read from the body as it would be stored.
 */
export async function previewPrescreen(db: Db, input: { title: string; body: string; bodyFormat: BodyFormat }): Promise<PrescreenFinding[]> {
  const body = input.bodyFormat === 'html' ? sanitizeBody(input.body, new Set()) : input.body;
  return prescreen({ title: input.title.normalize('NFC'), text: bodyText(body, input.bodyFormat) }, await loadWordMatcher(db));
}
