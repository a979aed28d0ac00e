/**
 * A weak entity tag for a small answer: two 32-bit FNV-1a hashes of its text, computed in place.
 * Hono's etag middleware hashes with WebCrypto, which goes through the thread pool and cost the
 * public verify answer more than building it; an ETag only has to tell two answers of one URL apart.
 */
export function weakEtag(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return `W/"${(a >>> 0).toString(36)}${(b >>> 0).toString(36)}"`;
}
