import { words, type Words } from '../lib/errors';
import { textProblem } from '../lib/text';

/**
 * What a draft may carry, decided from the bytes (magic numbers), never from what the client says.
 * A file whose name or declared type says one thing and whose bytes say another is refused: a
 * "photo.jpg" that is really a PDF, or an HTML page posing as a PNG, is a file lying about itself.
 */
export const ALLOWED_TYPES = {
  jpg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
} as const;
export type AllowedExt = keyof typeof ALLOWED_TYPES;

const EXT_ALIASES: Record<string, AllowedExt> = { jpeg: 'jpg', jpe: 'jpg', jfif: 'jpg' };
/** Extensions that name some type, allowed or not: a name claiming one of these must match the bytes. */
const KNOWN_EXTENSIONS = new Set([...Object.keys(ALLOWED_TYPES), ...Object.keys(EXT_ALIASES), 'html', 'htm', 'svg', 'js', 'exe', 'zip', 'doc', 'xls', 'ppt', 'txt', 'bmp', 'tif', 'tiff', 'heic', 'mp4', 'mp3']);

export const isImage = (type: string) => type.startsWith('image/');

const KIND_WORDS: Record<string, [string, string]> = {
  'image/jpeg': ['JPEG 图片', 'JPEG image'], 'image/png': ['PNG 图片', 'PNG image'], 'image/gif': ['GIF 图片', 'GIF image'], 'image/webp': ['WebP 图片', 'WebP image'],
  'application/pdf': ['PDF 文档', 'PDF'], [ALLOWED_TYPES.docx]: ['Word 文档', 'Word document'], [ALLOWED_TYPES.xlsx]: ['Excel 表格', 'Excel workbook'], [ALLOWED_TYPES.pptx]: ['PowerPoint 演示文稿', 'PowerPoint deck'],
};

/** A file's kind as a reader knows it (「Word 文档」), not its media type. */
export const fileKind = (type: string, locale: 'zh-CN' | 'en') => KIND_WORDS[type]?.[locale === 'en' ? 1 : 0] ?? type;
export const fileSize = (size: number) => `${Math.max(1, Math.round(size / 1024))} KB`;
/**
 * The largest post the draft form takes (no JavaScript: its files ride along with the text): room
 * for two files at the limit, with their framing and the form's text. Its page states it, and its
 * script checks it before posting.
 */
export const draftFormMaxBytes = (fileMaxBytes: number) => 2 * (fileMaxBytes + 1024 * 1024);

/** A size limit as the forms and errors state it: 「20 MB」. */
export const megabytes = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
/** 「Word 文档 · 95 KB」. */
export const fileSummary = (f: { type: string; size: number }, locale: 'zh-CN' | 'en') => `${fileKind(f.type, locale)} · ${fileSize(f.size)}`;

export type Inspection =
  | { ok: true; ext: AllowedExt; type: string }
  | { ok: false; code: 'file_type_not_allowed'; detected: string | null }
  | { ok: false; code: 'file_type_mismatch'; detected: string; claimed: string };

/** Checks the bytes against the allow-list and against what the name and declared type claim. */
export async function inspectFile(bytes: Uint8Array, name: string, declaredType: string): Promise<Inspection> {
  // Loaded at the first upload: its signature tables are of no use to any other request.
  const { fileTypeFromBuffer } = await import('file-type/core');
  const found = await fileTypeFromBuffer(bytes);
  const ext = found ? (EXT_ALIASES[found.ext] ?? found.ext) : null;
  if (!ext || !(ext in ALLOWED_TYPES)) return { ok: false, code: 'file_type_not_allowed', detected: found?.mime ?? null };
  const allowed = ext as AllowedExt;
  const type = ALLOWED_TYPES[allowed];
  const nameExt = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase();
  const claimedExt = nameExt ? (EXT_ALIASES[nameExt] ?? nameExt) : null;
  if (claimedExt && KNOWN_EXTENSIONS.has(claimedExt) && claimedExt !== allowed) return { ok: false, code: 'file_type_mismatch', detected: type, claimed: `.${nameExt}` };
  const declared = declaredType.split(';')[0]!.trim().toLowerCase();
  const generic = !declared || declared === 'application/octet-stream' || declared === 'application/zip' || declared === 'application/x-zip-compressed';
  const sameImage = declared === 'image/jpg' && type === 'image/jpeg';
  if (!generic && !sameImage && declared !== type) return { ok: false, code: 'file_type_mismatch', detected: type, claimed: declared };
  return { ok: true, ext: allowed, type };
}

/**
 * A file name as the uploader gave it, or why it is refused: no path (a name with / or \ or a
 * `..` segment is a path trick, not a name), no control characters, no leading dot, a sane length.
 */
export function checkFileName(raw: string): { ok: true; name: string } | { ok: false; reason: Words } {
  const name = raw.normalize('NFC').trim();
  if (!name) return { ok: false, reason: words('文件名为空', 'empty') };
  if (/[/\\]/.test(name)) return { ok: false, reason: words('含路径分隔符', 'contains a path separator') };
  if (/[\u0000-\u001f\u007f]/.test(name)) return { ok: false, reason: words('含控制字符', 'contains control characters') };
  if (name === '.' || name === '..' || name.startsWith('.')) return { ok: false, reason: words('以点开头', 'starts with a dot') };
  const problem = textProblem(name);
  if (problem) return { ok: false, reason: problem };
  if ([...name].length > 200) return { ok: false, reason: words('超过 200 字', 'longer than 200 characters') };
  return { ok: true, name };
}

/** `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266 / 8187), so 通知.pdf survives every browser. */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

export async function sha256OfBytes(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
