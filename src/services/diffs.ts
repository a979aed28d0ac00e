import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { draftVersions } from '../../db/schema';
import { versionDiff } from '../domain/diff';
import { bodyText } from '../domain/html';
import { AppError, words } from '../lib/errors';
import type { Person } from './auth';
import { getDraftRow, requireReadAccess } from './drafts';
import { fileRows, fileView, type FileView } from './versions';

/**
 * GET /drafts/{id}/diff?from=N&to=M: what changed between two versions of one draft, to anyone who
 * may read the draft. Either direction works (from > to shows the change backwards).
 */
export async function draftDiff(db: Db, actor: Person, draftId: string, from: number, to: number) {
  const draft = await getDraftRow(db, draftId);
  await requireReadAccess(db, actor, draft);
  const rows = await db.select().from(draftVersions).where(and(eq(draftVersions.draftId, draftId), inArray(draftVersions.no, [from, to])));
  const missing = (['from', 'to'] as const).filter((field) => !rows.some((v) => v.no === (field === 'from' ? from : to)));
  if (missing.length) {
    throw new AppError('not_found', { what: words(`版本 ${missing.map((f) => (f === 'from' ? from : to)).join(', ')} `, `version ${missing.map((f) => (f === 'from' ? from : to)).join(', ')}`) }, missing.map((field) => ({ path: field, in: 'query', message: words(`本稿件没有第 ${field === 'from' ? from : to} 版（共 ${draft.currentVersionNo} 版）`, `no version ${field === 'from' ? from : to} of this draft (it has ${draft.currentVersionNo})`) })));
  }
  const before = rows.find((v) => v.no === from)!;
  const after = rows.find((v) => v.no === to)!;
  const files = await fileRows(db, [...before.fileIds, ...after.fileIds]);
  const filesOf = (ids: readonly string[]): FileView[] => ids.flatMap((id) => (files.has(id) ? [fileView(files.get(id)!)] : []));
  const diff = versionDiff(
    { title: before.title, text: bodyText(before.body, before.bodyFormat), files: filesOf(before.fileIds) },
    { title: after.title, text: bodyText(after.body, after.bodyFormat), files: filesOf(after.fileIds) },
  );
  return {
    draftId,
    from: { no: before.no, contentSha256: before.contentSha256, createdAt: before.createdAt.toISOString() },
    to: { no: after.no, contentSha256: after.contentSha256, createdAt: after.createdAt.toISOString() },
    ...diff,
  };
}
