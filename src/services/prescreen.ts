import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { prescreenWords, units } from '../../db/schema';
import { BUILTIN_CATEGORIES, type Severity } from '../domain/prescreen';
import { AppError, words } from '../lib/errors';
import { appendAudit } from './audit';
import { requireRole, requireUnitAccess, type Person } from './auth';
import { inTransaction, type ServiceDeps } from './context';

/**
 * The pre-screen's managed word list (one list for the whole institution, kept by the publicity
 * department) and each unit's choice of categories that block submission. Words take effect on the
 * next version written; versions already written keep the findings they were screened with.
 */
type WordRow = typeof prescreenWords.$inferSelect;

export const wordView = (w: WordRow) => ({ id: w.id, word: w.word, category: w.category, severity: w.severity, note: w.note, createdBy: w.createdBy, createdAt: w.createdAt.toISOString() });

const wordNotFound = (field: string) => new AppError('not_found', { what: words('词条', 'word list entry') }, { field });

export async function listWords(db: Db, actor: Person) {
  requireRole(actor, 'publicity', 'admin');
  const rows = await db.select().from(prescreenWords).orderBy(asc(prescreenWords.category), asc(prescreenWords.word));
  return { items: rows.map(wordView) };
}

export async function addWord(db: Db, deps: ServiceDeps, actor: Person, input: { word: string; category: string; severity: Severity; note?: string }) {
  requireRole(actor, 'publicity', 'admin');
  return inTransaction(db, deps, async (tx) => {
    // The list matches ASCII case-insensitively, so "VPN" and "vpn" are one entry.
    const [taken] = await tx.select({ id: prescreenWords.id }).from(prescreenWords).where(eq(sql`lower(${prescreenWords.word})`, input.word.toLowerCase()));
    if (taken) throw new AppError('already_exists', { what: words(`词条“${input.word}”`, `The entry “${input.word}”`) }, { field: 'word', id: taken.id });
    const [row] = await tx.insert(prescreenWords).values({ ...input, note: input.note ?? null, createdBy: actor.id, createdAt: deps.now() }).returning();
    await appendAudit(tx, { actorId: actor.id, action: 'prescreen.word_added', subjectType: 'prescreen_word', subjectId: row!.id, data: { word: row!.word, category: row!.category, severity: row!.severity }, at: deps.now() });
    return wordView(row!);
  });
}

/** Removes one entry, named by id or by the word itself (case-insensitive). */
export async function removeWord(db: Db, deps: ServiceDeps, actor: Person, which: { id: string } | { word: string }) {
  requireRole(actor, 'publicity', 'admin');
  return inTransaction(db, deps, async (tx) => {
    const where = 'id' in which ? eq(prescreenWords.id, which.id) : eq(sql`lower(${prescreenWords.word})`, which.word.toLowerCase());
    const [row] = await tx.delete(prescreenWords).where(where).returning();
    if (!row) throw wordNotFound('id' in which ? 'id' : 'word');
    await appendAudit(tx, { actorId: actor.id, action: 'prescreen.word_removed', subjectType: 'prescreen_word', subjectId: row.id, data: { word: row.word, category: row.category, severity: row.severity }, at: deps.now() });
    return wordView(row);
  });
}

/** Categories a unit may block: the built-in detectors' and every category on the word list. */
export async function knownCategories(db: Db): Promise<string[]> {
  const listed = await db.selectDistinct({ category: prescreenWords.category }).from(prescreenWords).orderBy(asc(prescreenWords.category));
  return [...new Set([...BUILTIN_CATEGORIES, ...listed.map((r) => r.category)])];
}

async function unitRow(db: Db, unitId: string) {
  const [unit] = await db.select({ id: units.id, block: units.prescreenBlock }).from(units).where(eq(units.id, unitId));
  if (!unit) throw new AppError('not_found', { what: words('单位', 'unit') }, { field: 'unitId' });
  return unit;
}

export async function getUnitScreen(db: Db, actor: Person, unitId: string) {
  const unit = await unitRow(db, unitId);
  await requireUnitAccess(db, actor, unitId);
  return { unitId, block: unit.block, categories: await knownCategories(db) };
}

/** Sets the categories that block submitting this unit's drafts (publicity/admin), refusing unknown ones by position. */
export async function setUnitScreen(db: Db, deps: ServiceDeps, actor: Person, unitId: string, block: string[]) {
  requireRole(actor, 'publicity', 'admin');
  return inTransaction(db, deps, async (tx) => {
    const unit = await unitRow(tx, unitId);
    const known = await knownCategories(tx);
    const unknown = block.flatMap((c, i) => (known.includes(c) ? [] : [{ path: `block.${i}`, in: 'body', message: words(`未知类别“${c}”（可选：${known.join('、')}）`, `unknown category “${c}” (known: ${known.join(', ')})`) }]));
    if (unknown.length) throw new AppError('validation_failed', { fields: unknown.map((u) => u.path).join(', ') }, unknown);
    const next = [...new Set(block)];
    await tx.update(units).set({ prescreenBlock: next }).where(eq(units.id, unitId));
    await appendAudit(tx, { actorId: actor.id, action: 'unit.prescreen_block_set', subjectType: 'unit', subjectId: unitId, data: { from: unit.block, to: next }, at: deps.now() });
    return { unitId, block: next, categories: known };
  });
}
