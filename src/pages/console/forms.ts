import type { Context } from 'hono';
import type { z } from '@hono/zod-openapi';
import { CST_OFFSET_MS } from '../../domain/cst';
import { AppError, toAppError } from '../../lib/errors';
import { formBody, validationError, type AppEnv } from '../../lib/http';
import { Words, type Locale } from '../../lib/i18n';
import type { FieldErrors } from '../components/ui';

/** A posted form as strings (repeated names as arrays), without the CSRF field. */
export type FormData = Record<string, string | string[]>;

export async function readForm(c: Context<AppEnv>): Promise<FormData> {
  const body = await formBody(c, true);
  const out: FormData = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf') continue;
    const values = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
    out[k] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

export const one = (f: FormData, name: string): string => {
  const v = f[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
};
export const many = (f: FormData, name: string): string[] => {
  const v = f[name];
  return (Array.isArray(v) ? v : v ? [v] : []).map((x) => x.trim()).filter(Boolean);
};
/** An optional text field: absent when left empty. */
export const optional = (f: FormData, name: string): string | undefined => one(f, name) || undefined;

/**
 * A `datetime-local` (or `date`) value as people on campus type it, in 北京时间, as an ISO instant
 * with its offset; anything else is passed on unchanged for the API's schema to refuse by name.
 */
export function cstInput(value: string, endOfDay = false): string | undefined {
  if (!value) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(value);
  if (!m) return value;
  const [, y, mo, d, h, mi] = m;
  const hh = h ?? (endOfDay ? '23' : '00');
  const mm = mi ?? (endOfDay ? '59' : '00');
  return `${y}-${mo}-${d}T${hh}:${mm}:${endOfDay && !h ? '59' : '00'}+08:00`;
}

/** An instant as the value of a `datetime-local` control, in 北京时间. */
export const cstLocalValue = (at: Date | string | null | undefined): string =>
  at ? new Date(new Date(at).getTime() + CST_OFFSET_MS).toISOString().slice(0, 16) : '';

/** An instant's day as the value of a `date` control, in 北京时间. */
export const cstDateValue = (at: Date | string | null | undefined): string => cstLocalValue(at).slice(0, 10);

/** Runs a form's values through the API's own schema, so a page and the API refuse the same input. */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const e = validationError(parsed.error.issues, 'form');
    // The issue's kind rides along, so the page can say it in the reader's language.
    (e.details as Record<string, unknown>[]).forEach((d, i) => {
      const issue = parsed.error.issues[i] as { code: string; origin?: string; minimum?: unknown; maximum?: unknown; expected?: unknown };
      Object.assign(d, { code: issue.code, origin: issue.origin, minimum: issue.minimum, maximum: issue.maximum, expected: issue.expected });
    });
    throw e;
  }
  return parsed.data;
}

/** Renames the paths of a validation error to the form's own field names, so the summary links to the control. */
export function renamed(err: unknown, paths: Record<string, string>): unknown {
  if (err instanceof AppError && err.code === 'validation_failed' && Array.isArray(err.details)) {
    for (const d of err.details as { path: string }[]) d.path = paths[d.path] ?? d.path;
  }
  return err;
}

/** Labels of a form's fields, zh-CN and English, for messages that name them. */
export type FieldLabels = Record<string, [zh: string, en: string]>;

/** One field's problem as the error summary says it: by the field's label, in the page's language (never the validator's wording). */
export function issueText(d: { path: string; message: string | Words; code?: string; origin?: string; minimum?: unknown; maximum?: unknown; expected?: unknown }, name: string, l: Locale): string {
  const en = l === 'en';
  switch (d.code) {
    case 'too_small':
      if (d.origin === 'array') return en ? `${name}: choose at least ${d.minimum}` : `${name}：请至少选择 ${d.minimum} 项`;
      if (d.origin === 'number') return en ? `${name}: at least ${d.minimum}` : `${name}：不能小于 ${d.minimum}`;
      return en ? `Enter ${name}` : `请填写${name}`;
    case 'too_big':
      if (d.origin === 'number') return en ? `${name}: at most ${d.maximum}` : `${name}：不能大于 ${d.maximum}`;
      return en ? `${name}: at most ${d.maximum} ${d.origin === 'array' ? 'items' : 'characters'}` : `${name}：最多 ${d.maximum} ${d.origin === 'array' ? '项' : '个字'}`;
    case 'invalid_type':
      // A number left empty (or not a number) is typed, not chosen.
      if (d.expected === 'number' || d.expected === 'int') return en ? `Enter ${name} as a whole number` : `请填写${name}（整数）`;
      // A text field the form did not send at all (left empty, then dropped) is typed too.
      if (d.expected === 'string') return en ? `Enter ${name}` : `请填写${name}`;
      return en ? `Choose ${name}` : `请选择${name}`;
    case 'invalid_value':
      return en ? `Choose ${name}` : `请选择${name}`;
    case 'invalid_format':
      return en ? `${name} is not in the right format` : `${name}格式不正确`;
    default:
      return `${name}${en ? ': ' : '：'}${d.message instanceof Words ? d.message.in(l) : d.message}`;
  }
}

/** Field names an error's details point at, in whichever of the API's shapes it names them. */
function fieldsOf(details: unknown): string[] {
  if (!details) return [];
  if (Array.isArray(details)) return details.flatMap((d) => (d && typeof d === 'object' && 'path' in d ? [String((d as { path: unknown }).path)] : []));
  if (typeof details === 'object') {
    const d = details as { field?: unknown; fields?: unknown };
    if (typeof d.field === 'string') return [d.field];
    if (Array.isArray(d.fields)) return fieldsOf(d.fields);
  }
  return [];
}

/**
 * What went wrong with a form, by field, for the page's error summary: validation messages go beside
 * the fields they name (by their labels); any other refusal (a state conflict, a staffing rule) is put
 * on the field it names, else on `fallback`. Faults that are not the person's (5xx) are thrown on.
 * `rename` maps the API's field names to the form's where they differ.
 */
export function formErrors(err: unknown, l: Locale, fallback: string, labels: FieldLabels = {}, rename: Record<string, string> = {}): { errors: FieldErrors; status: 400 | 403 | 404 | 409 | 410 | 413 | 415 | 429 } {
  const e = toAppError(err);
  if (e.status >= 500) throw err;
  const errors: FieldErrors = {};
  const known = Object.keys(labels);
  const place = (path: string) => {
    const first = path.split(/[./]/)[0] || fallback;
    // A field the API names differently from the form (the API's `note` is the page's `evidenceNote`).
    const top = rename[first] ?? first;
    return known.length && !known.includes(top) ? fallback : top;
  };
  const nameOf = (field: string, path: string) => labels[field]?.[l === 'en' ? 1 : 0] ?? path;
  if (e.code === 'validation_failed' && Array.isArray(e.details)) {
    for (const d of e.details as { path: string; message: string }[]) {
      const field = place(String(d.path));
      errors[field] ??= issueText(d, nameOf(field, String(d.path)), l);
    }
  }
  if (!Object.keys(errors).length) {
    const fields = fieldsOf(e.details);
    errors[fields.length ? place(fields[0]!) : fallback] = e.localized(l);
  }
  return { errors, status: e.status as 400 };
}

export { AppError };
