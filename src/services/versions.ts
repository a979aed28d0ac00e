import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { draftFiles, prescreenWords, type BodyFormat } from '../../db/schema';
import { contentSha256 } from '../domain/content';
import { bodyText, imageFileIds, isBlankBody, looksLikeHtml, MAX_DEPTH, MAX_TAGS, nestingDepth, sanitizeBody, tagCount } from '../domain/html';
import { prescreen, WordMatcher, type PrescreenFinding } from '../domain/prescreen';
import { invalidField, Words } from '../lib/errors';

/**
 * What goes into a version row: the sanitized body, the files it holds, its fingerprint and its
 * pre-screen. Every path that writes a version (create, edit, upload, import) comes through here.
 */
export type FileRow = typeof draftFiles.$inferSelect;

export interface VersionInput {
  title: string;
  body: string;
  /** Omitted: HTML when the body has tags, else plain text (the API before rich drafts). */
  bodyFormat?: BodyFormat;
  fileIds: readonly string[];
  /**
   * True when the caller named the files: the body may then show only those. Otherwise an image of
   * any of the draft's files joins the version when the body shows it.
   */
  exactFiles?: boolean;
  /**
   * With `exactFiles`: the files of the version this one follows. A file it held and the caller left
   * out is removed, its images with it; a file uploaded since (held by no version yet) joins when
   * the body shows it, as the editor uploads images before it saves the text.
   */
  previousFileIds?: readonly string[];
}

export interface ComposedVersion {
  title: string;
  body: string;
  bodyFormat: BodyFormat;
  fileIds: string[];
  contentSha256: string;
  prescreen: PrescreenFinding[];
}

/** The managed word list, compiled once per call site (1,000 entries compile in a few ms). */
export async function loadWordMatcher(db: Db): Promise<WordMatcher> {
  const rows = await db.select({ word: prescreenWords.word, category: prescreenWords.category, severity: prescreenWords.severity }).from(prescreenWords);
  return new WordMatcher(rows);
}

export async function filesOf(db: Db, draftId: string): Promise<FileRow[]> {
  return db.select().from(draftFiles).where(eq(draftFiles.draftId, draftId)).orderBy(asc(draftFiles.createdAt));
}

export async function composeVersion(db: Db, draftId: string | null, input: VersionInput, words?: WordMatcher): Promise<ComposedVersion> {
  const own = draftId ? await filesOf(db, draftId) : [];
  const byId = new Map(own.map((f) => [f.id, f]));
  const unknown = input.fileIds.filter((id) => !byId.has(id));
  if (unknown.length) throw invalidField('fileIds', new Words(`不是本稿件的文件：${unknown.join('、')}`, `not files of this draft: ${unknown.join(', ')}`));
  const bodyFormat = input.bodyFormat ?? (looksLikeHtml(input.body) ? 'html' : 'text');
  const previous = new Set(input.previousFileIds ?? []);
  const showable = input.exactFiles ? [...input.fileIds, ...own.filter((f) => !previous.has(f.id)).map((f) => f.id)] : byId.keys();
  if (bodyFormat === 'html' && (tagCount(input.body) > MAX_TAGS || nestingDepth(input.body) > MAX_DEPTH)) {
    throw invalidField('body', new Words(`HTML 过于复杂：标签不能超过 ${MAX_TAGS} 个，嵌套不能超过 ${MAX_DEPTH} 层`, `the HTML is too complex: at most ${MAX_TAGS} tags, nested at most ${MAX_DEPTH} deep`));
  }
  const body = bodyFormat === 'html' ? sanitizeBody(input.body, new Set(showable)) : input.body;
  if (isBlankBody(body, bodyFormat)) throw invalidField('body', new Words('正文为空：没有文字或图片（不允许的 HTML 已去除）', 'the body is empty: no text or image (disallowed HTML removed)'));
  // The images a body shows belong to the version even when the caller did not list them.
  const fileIds = [...new Set([...input.fileIds, ...(bodyFormat === 'html' ? imageFileIds(body) : [])])];
  const fileSha256s = fileIds.map((id) => byId.get(id)!.sha256);
  const title = input.title.normalize('NFC');
  return {
    title, body, bodyFormat, fileIds,
    contentSha256: await contentSha256({ title, body, bodyFormat, fileSha256s }),
    prescreen: prescreen({ title, text: bodyText(body, bodyFormat) }, words ?? (await loadWordMatcher(db))),
  };
}

/** A file as the API shows it. */
export const fileView = (f: FileRow) => ({ id: f.id, sha256: f.sha256, name: f.name, type: f.type, size: f.size, url: `/api/v1/files/${f.id}`, createdAt: f.createdAt.toISOString() });
export type FileView = ReturnType<typeof fileView>;

export async function fileRows(db: Db, ids: readonly string[]): Promise<Map<string, FileRow>> {
  if (!ids.length) return new Map();
  const rows = await db.select().from(draftFiles).where(inArray(draftFiles.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}
