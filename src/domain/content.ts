import type { BodyFormat } from '../../db/schema';
import { canonicalJson, sha256Hex } from '../lib/crypto';

/** The longest body a version may have, in characters (HTML with its markup, or plain text). */
export const BODY_MAX_CHARS = 500_000;

export interface VersionContent {
  title: string;
  body: string;
  /** Absent means 'text' (every version written before rich drafts). */
  bodyFormat?: BodyFormat;
  /** sha256 of each file the version holds, once per file (two files of the same bytes count twice); order does not matter. */
  fileSha256s?: readonly string[];
}

/**
 * The content as it is hashed: NFC, LF line ends, so the same words always give the same
 * fingerprint. An HTML body and the hashes of the version's files are part of it (a changed photo
 * is a changed version); a plain-text version without files hashes exactly as before they existed,
 * so every standing approval keeps matching.
 */
export function canonicalContent(content: VersionContent): string {
  const norm = (s: string) => s.normalize('NFC').replace(/\r\n?/g, '\n');
  // Every file counts, not every distinct hash: a version holding one PDF as 附件1 and as 附件2 is not
  // the version holding it once. (A draft had one file per hash before, so no version hashed so far
  // lists a hash twice and every stored fingerprint stays what this computes.)
  const files = [...(content.fileSha256s ?? [])].sort();
  return canonicalJson({
    body: norm(content.body),
    title: norm(content.title),
    ...(content.bodyFormat === 'html' ? { format: 'html' } : {}),
    ...(files.length ? { files } : {}),
  });
}

export const contentSha256 = (content: VersionContent) => sha256Hex(canonicalContent(content));
