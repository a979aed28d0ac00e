/**
 * How much a ZIP file (a .docx) unpacks to, measured before anything else unpacks it: a 200 KB
 * document holding 200 MB of repeated text exhausted the heap in mammoth and took the process down.
 * Each member is inflated through a stream, counting bytes and stopping at the budget, so the check
 * itself never holds more than one chunk; the sizes a file declares are read too, but not trusted.
 * Web streams only (DecompressionStream 'deflate-raw'), so it runs on Node and on Workers alike.
 */
export interface ZipBudget {
  /** Bytes all members may unpack to together. */
  total: number;
  /** Bytes the XML members (the document's text and markup) may unpack to together. */
  xml: number;
  /** Members at most. */
  entries: number;
}

export type ZipVerdict = { ok: true } | { ok: false; reason: 'not_zip' | 'too_many_entries' | 'too_large' | 'xml_too_large' | 'unsupported' };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const names = new TextDecoder();

export async function checkZipBudget(bytes: Uint8Array, budget: ZipBudget): Promise<ZipVerdict> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  // The end-of-central-directory record: in the last 22 bytes plus a comment of at most 64 KiB.
  let end = -1;
  for (let at = bytes.byteLength - 22; at >= Math.max(0, bytes.byteLength - 22 - 0xffff); at--) {
    if (u32(at) === EOCD) {
      end = at;
      break;
    }
  }
  if (end < 0) return { ok: false, reason: 'not_zip' };
  const count = u16(end + 10);
  const directory = u32(end + 16);
  // ZIP64 (a Word document never needs it) marks its fields with all ones.
  if (count === 0xffff || directory === 0xffffffff) return { ok: false, reason: 'unsupported' };
  if (count > budget.entries) return { ok: false, reason: 'too_many_entries' };
  let total = 0;
  let xml = 0;
  let at = directory;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.byteLength || u32(at) !== CENTRAL) return { ok: false, reason: 'not_zip' };
    const method = u16(at + 10);
    const compressed = u32(at + 20);
    const nameLength = u16(at + 28);
    const local = u32(at + 42);
    const name = names.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + u16(at + 30) + u16(at + 32);
    if (local + 30 > bytes.byteLength || u32(local) !== LOCAL) return { ok: false, reason: 'not_zip' };
    const start = local + 30 + u16(local + 26) + u16(local + 28);
    const data = bytes.subarray(start, Math.min(bytes.byteLength, start + compressed));
    const isXml = /\.(?:xml|rels)$/i.test(name);
    const left = Math.min(budget.total - total, isXml ? budget.xml - xml : Infinity);
    const size = method === 0 ? data.byteLength : method === 8 ? await inflatedSize(data, left) : -1;
    if (size < 0) return { ok: false, reason: 'unsupported' };
    total += size;
    if (isXml) xml += size;
    if (xml > budget.xml) return { ok: false, reason: 'xml_too_large' };
    if (total > budget.total) return { ok: false, reason: 'too_large' };
  }
  return { ok: true };
}

/** Bytes `data` inflates to, counted chunk by chunk; past `limit` it stops and answers limit + 1. */
async function inflatedSize(data: Uint8Array, limit: number): Promise<number> {
  const source = new ReadableStream<BufferSource>({ start(c) { c.enqueue(data as Uint8Array<ArrayBuffer>); c.close(); } });
  const stream = source.pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return size;
      size += value.byteLength;
      if (size > limit) return limit + 1;
    }
  } catch {
    // A member that does not inflate is not a document mammoth could read either.
    return -1;
  } finally {
    reader.cancel().catch(() => {});
  }
}
