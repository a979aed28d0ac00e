import { bodyText } from './html';

/**
 * Word import rules that do not need the document: how Word's paragraph styles map to the body's
 * HTML, and which title a document gives a draft when the caller names none.
 *
 * mammoth already maps Word's built-in "Heading 1…6" and "Title"; documents made with a Chinese
 * Word or WPS may carry the localized style names, so those are mapped too. Anything unmapped
 * becomes a plain paragraph, and the result is sanitized like every body.
 */
export const DOCX_STYLE_MAP = [
  ...[1, 2, 3, 4, 5, 6].map((n) => `p[style-name='标题 ${n}'] => h${n}:fresh`),
  "p[style-name='标题'] => h1:fresh",
  "p[style-name='Title'] => h1:fresh",
  "p[style-name='副标题'] => h2:fresh",
  "p[style-name='Subtitle'] => h2:fresh",
];

const TITLE_MAX = 200;

/**
 * The title and body of an imported document when the caller names no title: a heading the document
 * opens with becomes the title and leaves the body (the draft shows its title above the text, so it
 * would show twice); otherwise the title is importTitle's and the body is whole.
 */
export function titleAndBody(html: string, fileName: string): { title: string; body: string } {
  const opening = /^\s*<h[1-3]\b[^>]*>([\s\S]*?)<\/h[1-3]>/i.exec(html);
  const text = opening ? bodyText(opening[1]!, 'html').replace(/\s+/g, ' ').trim() : '';
  const rest = opening ? html.slice(opening[0].length) : html;
  if (text && rest.replace(/<[^<>]*>/g, '').trim()) return { title: [...text].slice(0, TITLE_MAX).join(''), body: rest.trimStart() };
  return { title: importTitle(html, fileName), body: html };
}

/** The first heading's text (h1–h3), else the first paragraph's, else the file name without `.docx`. */
export function importTitle(html: string, fileName: string): string {
  const heading = /<h[1-3]\b[^>]*>([\s\S]*?)<\/h[1-3]>/i.exec(html)?.[1];
  const paragraph = /<p\b[^>]*>([\s\S]*?)<\/p>/i.exec(html)?.[1];
  for (const candidate of [heading, paragraph]) {
    const text = candidate === undefined ? '' : bodyText(candidate, 'html').replace(/\s+/g, ' ').trim();
    if (text) return [...text].slice(0, TITLE_MAX).join('');
  }
  return [...fileName.replace(/\.docx$/i, '').trim()].slice(0, TITLE_MAX).join('') || '未命名文档';
}
