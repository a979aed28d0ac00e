import { z } from '@hono/zod-openapi';
import { AppError, words, type Words } from './errors';

/**
 * The one rule every string a caller sends must pass before it can reach the database.
 * - NUL (U+0000): PostgreSQL's text type refuses it, so it would surface as a 500.
 * - A lone surrogate (half of a UTF-16 pair): not a character at all. It cannot be stored as sent
 *   (the UTF-8 encoders turn it into U+FFFD), so a content hash computed over what was sent would
 *   not match what is stored.
 * Returns why the string is refused, in both languages, or null when it is fine.
 */
export function textProblem(s: string): Words | null {
  if (s.includes('\u0000')) return words('不能含空字符（\\u0000）', 'must not contain a NUL character (\\u0000)');
  // With the u flag \p{Cs} matches only unpaired surrogates: a well-formed pair is one code point.
  if (/\p{Cs}/u.test(s)) return words('不能含不成对的代理项（UTF-16 编码有误）', 'must not contain a lone surrogate (malformed UTF-16)');
  return null;
}

/** Where a bad string sits in a request, for the error's `details.fields`. */
export interface BadText {
  path: string;
  in: string;
  message: Words;
}

/**
 * How deep a request's JSON may nest. Real bodies nest four levels at most; a body of thousands of
 * brackets would otherwise overflow the stack of every recursive walk after the parser (this one,
 * zod's), a 500 instead of a 400.
 */
export const MAX_INPUT_DEPTH = 32;

/** Walks any parsed value (JSON, query, form, params): the first bad string or object key, with its path. */
export function findBadText(value: unknown, where: string, path: string[] = []): BadText | null {
  const at = (p: string[], problem: Words): BadText => ({ path: p.length ? p.join('.') : '(body)', in: where, message: problem });
  if (path.length > MAX_INPUT_DEPTH && value !== null && typeof value === 'object') return at(path.slice(0, MAX_INPUT_DEPTH), words(`嵌套超过 ${MAX_INPUT_DEPTH} 层`, `nested deeper than ${MAX_INPUT_DEPTH} levels`));
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? at(path, problem) : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findBadText(value[i], where, [...path, String(i)]);
      if (bad) return bad;
    }
    return null;
  }
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, inner] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      if (keyProblem) return at([...path, JSON.stringify(key).slice(1, -1)], words(`字段名${keyProblem.zh}`, `field name ${keyProblem.en}`));
      const bad = findBadText(inner, where, [...path, key]);
      if (bad) return bad;
    }
  }
  return null;
}

/** The 400 for a bad string, shaped like every other validation failure (the field is named). */
export function badTextError(bad: BadText): AppError {
  return new AppError('validation_failed', { fields: bad.path }, [bad]);
}

/** Throws the 400 if anything in `value` is not storable text. */
export function assertText(value: unknown, where: string): void {
  const bad = findBadText(value, where);
  if (bad) throw badTextError(bad);
}

/**
 * A text field of a request schema: storable (see textProblem), bounded, trimmed and non-empty by
 * default. Every free-text field in src/routes uses it, so a new field cannot forget the rule.
 */
export function text(max: number, opts: { min?: number; trim?: boolean } = {}) {
  const { min = 1, trim = true } = opts;
  let schema = z.string().superRefine((s, ctx) => {
    const problem = textProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.en, params: { zh: problem.zh }, abort: true });
  });
  if (trim) schema = schema.trim();
  return schema.min(min).max(max);
}

/**
 * Line breaks, escapes and the other control characters (C0, DEL, C1, the Unicode line and paragraph
 * separators), and the bidirectional embeddings, overrides and isolates (U+202A–202E, U+2066–2069):
 * in a name they reverse how the rest reads (「\u202egpj.exe」 shows as 「exe.jpg」), on the public
 * verify page, in a CSV or a log line alike. Arabic or Hebrew text needs none of them.
 */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * A one-line field (a title, a name, an id): `text` without line breaks or other control characters.
 * Such a value is written into log lines, mail subjects and CSV rows, where a line break would forge
 * a line or a row; no form sends one (a text input cannot hold it).
 */
export function line(max: number, opts: { min?: number } = {}) {
  return text(max, opts).refine((s) => !CONTROL.test(s), { message: 'must be one line, without line breaks, control characters or text-direction overrides', params: { zh: '须为一行，不能含换行、控制字符或文字方向控制符' } });
}

/** A UUID as the database writes ids (any case): a path or cookie part checked before it reaches a uuid column (which would answer 22P02). */
export const isUuid = (s: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
