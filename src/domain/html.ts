import { Parser } from 'htmlparser2';
import sanitize from 'sanitize-html';
import type { BodyFormat } from '../../db/schema';

/**
 * The body of a draft as HTML: what the reviewers sign is what gets published, so the server keeps
 * only an allow-list (headings, paragraphs, emphasis, lists, links, tables, this draft's own
 * images, blockquote) and stores the sanitized text. Everything else — scripts, event handlers,
 * styles, SVG, frames, forms, javascript: URLs — is dropped, never escaped into view.
 */

/** Where a draft file is served; the only image source a body may use. */
export const FILE_PATH_PREFIX = '/api/v1/files/';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** `/api/v1/files/<id>`, with or without this service's origin, or the short form `file:<id>`. */
const FILE_SRC = new RegExp(`^(?:https?://[^/]+)?${FILE_PATH_PREFIX}(${UUID})$|^file:(${UUID})$`, 'i');

export const fileIdOfSrc = (src: string): string | null => {
  const m = FILE_SRC.exec(src.trim());
  return m ? (m[1] ?? m[2]!).toLowerCase() : null;
};

const ALLOWED_TAGS = [
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'strong', 'b', 'em', 'i', 'u',
  'ul', 'ol', 'li', 'a', 'blockquote', 'img',
  'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td',
];

/**
 * Sanitizes an HTML body. `fileIds` are this draft's files: an image whose source is not one of
 * them is dropped (no hot-linking, no tracking pixels, no data: URLs), and kept images are
 * rewritten to the canonical `/api/v1/files/<id>`.
 */
export function sanitizeBody(html: string, fileIds: ReadonlySet<string>): string {
  return sanitize(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: { a: ['href', 'title', 'rel'], img: ['src', 'alt', 'title', 'width', 'height'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan', 'scope'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: [] },
    allowedSchemesAppliedToAttributes: ['href', 'src'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    // Dropped along with everything inside them, not just unwrapped.
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'embed', 'title', 'head', 'xmp', 'noembed', 'noframes'],
    parseStyleAttributes: false,
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer' } }),
      img: (tagName, attribs) => {
        const id = fileIdOfSrc(attribs.src ?? '');
        return { tagName, attribs: { ...attribs, src: id && fileIds.has(id) ? `${FILE_PATH_PREFIX}${id}` : '' } };
      },
      b: 'strong',
      i: 'em',
    },
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  }).trim();
}

/** Tag-like text decides "HTML" when the caller did not say: plain text with `<` and no tag stays text. */
export function looksLikeHtml(body: string): boolean {
  // `[^<>]*`, not `[^>]*`: a tag ends before the next `<`, so each try stops there (with `[^>]*`,
  // 163,000 unclosed `<a ` took 75 s).
  return /<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>|<!--/i.test(body);
}

const BLOCK = new Set(['p', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'blockquote', 'tr', 'table', 'caption', 'ul', 'ol', 'div']);

/**
 * The readable text of a body: what the pre-screen reads and the diff compares. HTML is reduced to
 * its text with a line break per block (and a tab between table cells); entities are decoded.
 */
export function bodyText(body: string, format: BodyFormat): string {
  if (format === 'text') return body.normalize('NFC').replace(/\r\n?/g, '\n');
  // Pieces joined once at the end, the last character kept aside: asking a string built by `+=`
  // how it ends flattens it each time, which made 40,000 paragraphs take a third of a second.
  const parts: string[] = [];
  let last = '';
  const add = (s: string) => {
    if (!s) return;
    parts.push(s);
    last = s[s.length - 1]!;
  };
  const parser = new Parser(
    {
      onopentag(name) {
        if (BLOCK.has(name) && last && last !== '\n') add('\n');
        if ((name === 'td' || name === 'th') && last && last !== '\n' && last !== '\t') add('\t');
      },
      ontext: add,
      onclosetag(name) {
        if (BLOCK.has(name) && last !== '\n') add('\n');
      },
    },
    { decodeEntities: true },
  );
  parser.write(body);
  parser.end();
  return parts.join('').replace(/[ \t]*\n[ \t]*\n+/g, '\n').trim().normalize('NFC');
}

/**
 * Whether a body has nothing to read or see: no text and no image. A rich editor sends
 * `<p><br></p>` for an empty box, which is HTML but no content; an image alone (a poster) is content.
 */
export function isBlankBody(body: string, format: BodyFormat): boolean {
  if (bodyText(body, format).trim()) return false;
  return format === 'text' || !/<img\b/i.test(body);
}

/**
 * Most tags a body may hold: a long report with tables has a few thousand. The sanitizer's work
 * grows faster than the count (163,000 unclosed `<a>` took 11 s, deep nesting as long), so a body
 * past this is refused before it is parsed; counted by one linear scan.
 */
export const MAX_TAGS = 20_000;

export const tagCount = (html: string): number => html.match(/<\/?[a-z]/gi)?.length ?? 0;

/** Deepest a body's elements may nest: real documents stay under twenty; parsing grows with depth. */
export const MAX_DEPTH = 500;
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

/**
 * How deeply elements nest, by one linear scan of the tags (a parser keeps a stack it searches at
 * every closing tag). An element left open counts as open, so sloppy markup reads deeper than it is.
 */
export function nestingDepth(html: string): number {
  let depth = 0;
  let deepest = 0;
  for (const m of html.matchAll(/<(\/?)([a-z][a-z0-9]*)\b[^<>]*?(\/?)>/gi)) {
    if (m[1]) depth = Math.max(0, depth - 1);
    else if (!m[3] && !VOID.has(m[2]!.toLowerCase())) deepest = Math.max(deepest, ++depth);
  }
  return deepest;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plain-text body shown as HTML: escaped, one paragraph per blank-line block, line breaks kept. */
export function textToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .filter((p) => p.trim())
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

/** The body as safe HTML whatever its format, image sources rewritten by `fileUrl` (e.g. for a sign-off link). */
export function bodyHtml(body: string, format: BodyFormat, fileUrl?: (fileId: string) => string): string {
  const html = format === 'html' ? body : textToHtml(body);
  if (!fileUrl) return html;
  return html.replace(new RegExp(`(<img\\b[^<>]*\\bsrc=")${FILE_PATH_PREFIX}(${UUID})"`, 'gi'), (_, head: string, id: string) => `${head}${escapeHtml(fileUrl(id))}"`);
}

/**
 * A (sanitized) body's headings two levels down, for a page that shows it (h1 → h3 …, at most h6):
 * the page's own h1 is the draft's title and its h2 the card the text sits in, so the outline stays
 * whole for screen readers. What is stored, sent and published keeps the author's levels.
 */
export const pageHeadings = (html: string) => html.replace(/<(\/?)h([1-6])\b/gi, (_, slash: string, n: string) => `<${slash}h${Math.min(6, Number(n) + 2)}`);

/** Image file ids a (sanitized) body uses, in order of first use. */
export function imageFileIds(html: string): string[] {
  const ids = new Set<string>();
  for (const m of html.matchAll(new RegExp(`<img\\b[^<>]*\\bsrc="${FILE_PATH_PREFIX}(${UUID})"`, 'gi'))) ids.add(m[1]!.toLowerCase());
  return [...ids];
}
