import { canonicalJson, sha256Hex } from '../lib/crypto';

/** The text as it is hashed: NFC, LF line ends, so the same words always give the same fingerprint. */
export function canonicalContent(content: { title: string; body: string }): string {
  const norm = (s: string) => s.normalize('NFC').replace(/\r\n?/g, '\n');
  return canonicalJson({ body: norm(content.body), title: norm(content.title) });
}

export const contentSha256 = (content: { title: string; body: string }) => sha256Hex(canonicalContent(content));
