import { OpenAPIHono, z, type RouteConfig, type RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Db } from '../../db/client';
import type { OutboundPolicy } from '../notify/outbound';
import type { OidcSettings } from '../services/oidc';
import type { Person } from '../services/auth';
import { AppError, words, type Words } from './errors';
import type { RateLimiter } from './rate-limit';
import type { Log } from './log';
import { assertText } from './text';
import type { BlobStore } from '../storage/blob-store';
import type { KeyClaim } from '../services/idempotency';

/** What the app needs from its host (Node or Workers); built once in createApp's caller. */
export interface AppDeps {
  db: Db;
  log: Log;
  config: {
    publicUrl: string;
    appSecret: string;
    linkTtlHours: number;
    dev: boolean;
    /** Largest JSON (or form) request body accepted, in bytes; default 1 MiB (MAX_JSON_BYTES). */
    maxJsonBytes?: number;
    /** Mail domains new people's addresses must belong to (a subdomain counts); empty = any. */
    allowedEmailDomains: readonly string[];
    /** Where robot and webhook URLs may point (checked when they are saved and again when sent). */
    outbound: OutboundPolicy;
    /** Largest file a draft may carry (FILE_MAX_BYTES). */
    fileMaxBytes: number;
    /** Believe a reverse proxy's client-address header (TRUST_PROXY; always on Workers). */
    trustProxy?: boolean;
    /** University single sign-on (OIDC_*); absent: e-mail links only. */
    oidc?: OidcSettings | null;
    /** Minutes a new 舆情 report may wait for its acknowledgement (INCIDENT_ACK_MINUTES). */
    incidentAckMinutes: number;
  };
  /** Per-client limit of the public verification endpoints (VERIFY_RATE_PER_MINUTE); absent: no limit. */
  verifyLimiter?: RateLimiter;
  /** Blob storage for draft files: local or S3 on Node, the R2 binding on Workers; absent: uploads answer 503. */
  files?: BlobStore;
  /** The current instant; tests move it to expire links or pass deadlines. */
  now: () => Date;
  /** The Idempotency-Key this request holds (lib/idempotency.ts), marked as carried out by each use case's transaction. */
  keyClaim?: KeyClaim;
  /** Called after a transaction wrote outbox rows, so a host can relay them without waiting for its poll. */
  onOutbox?: () => void;
  /** Host extensions: readiness probes and admin mounts (Node adds the queues). */
  readiness?: () => Promise<Readiness>;
}

/** What a host adds to /readyz; any `notReady` reason turns it 503. */
export type Readiness = Record<string, unknown> & { notReady?: string[] };

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    person: Person;
    log: Log;
    /** This request's id (X-Request-Id, on its log lines); set by requestLog. */
    reqId: string;
    /** Pages: the signed-in browser session's id, when the person came by session cookie. */
    sessionId: string;
    /** Pages: the CSRF token this request's forms carry (see src/pages/sessions). */
    csrf: string;
  };
}

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

/** Every zod failure, wherever it happens, becomes one validation_failed error naming the fields. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      // zod-validator passes the validated input as `data` on failure too; zod-openapi's type omits it.
      if (!result.success) throw validationError(result.error.issues, result.target, (result as { data?: unknown }).data);
      // Every validated value (body, query, params, form fields) passes the one text rule, whatever
      // its schema: a z.url() or z.email() field is a string that reaches the database too.
      assertText(result.data, result.target === 'json' ? 'body' : result.target);
    },
  });
}

/**
 * Every zod failure, wherever it happens, becomes one validation_failed error naming the fields,
 * each with its problem in both languages (the answer shows the caller's). `input` is what was
 * validated, so a message can say what arrived instead ("expected number, received string").
 */
export function validationError(issues: readonly z.core.$ZodIssue[], target?: string, input?: unknown): AppError {
  const where = target === 'json' ? 'body' : target;
  const named = (path: readonly PropertyKey[]) => (path.length ? path.map(String).join('.') : '(body)');
  const fields = issues.flatMap((i) =>
    // A field the schema does not know is named itself (`zzExtra`), not the object holding it.
    i.code === 'unrecognized_keys'
      ? i.keys.map((key) => ({ path: named([...i.path, key]), in: where, message: words('不是此处可用的字段', 'not a field this takes') }))
      : [{ path: named(i.path), in: where, message: issueWords(i, input) }],
  );
  return new AppError('validation_failed', { fields: [...new Set(fields.map((f) => f.path))].join(', ') }, fields);
}

const zodZh = z.locales.zhCN().localeError;
const zodEn = z.locales.en().localeError;

/**
 * Our own rules (refine, addIssue) carry their Chinese in `params.zh` (see `said`); zod's built-in
 * checks are rendered by zod's own zh-CN and English locales from the issue's facts.
 */
export function issueWords(issue: z.core.$ZodIssue, input: unknown): Words {
  const zh = (issue as { params?: { zh?: unknown } }).params?.zh ?? SAID.get(issue.message);
  if (issue.code === 'custom') return words(typeof zh === 'string' ? zh : issue.message, issue.message);
  // A coerced field (`z.coerce.number()`) fails on what coercion made of the text: NaN, not the string.
  const coercedNaN = issue.code === 'invalid_type' && issue.message.endsWith('received NaN');
  // Left out altogether (a query parameter coerced from nothing included): "required", not the
  // validator's "expected string, received undefined" or "received NaN".
  if (issue.code === 'invalid_type' && (issue.message.endsWith('received undefined') || (input !== undefined && valueAt(input, issue.path) === undefined))) return words('必填', 'required');
  const raw = { ...issue, input: coercedNaN ? Number.NaN : valueAt(input, issue.path) } as unknown as z.core.$ZodRawIssue;
  const message = (render: typeof zodZh) => {
    const m = render(raw);
    return typeof m === 'string' ? m : m?.message;
  };
  // A schema's own message (`.min(1, '…')`) differs from zod's English: keep it rather than translate it wrongly.
  const en = message(zodEn);
  if (en !== undefined && en !== issue.message) return words(typeof zh === 'string' ? zh : issue.message, issue.message);
  return words(message(zodZh) ?? issue.message, issue.message);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

/** The Chinese of every English message given through `said`, for checks whose issues drop params (regex, min…). */
const SAID = new Map<string, string>();

/**
 * A rule's message in both languages, for `refine(check, { ...said('…', '…'), path })`,
 * `.regex(re, said('…', '…'))` and `ctx.addIssue({ code: 'custom', ...said('…', '…') })`: zod keeps
 * the English as the message; the Chinese rides in the issue's params and is remembered here.
 */
export const said = (zh: string, en: string) => {
  SAID.set(en, zh);
  return { message: en, params: { zh } };
};

/** The JSON body schema every error answers with; referenced by each route's error responses. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string().openapi({ example: '请求参数有误：title' }),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

const errorResponse = (description: string) => ({ content: { 'application/json': { schema: ErrorSchema } }, description });

/** Standard error responses for a route, so each contract lists what can go wrong without repeating it. */
export function errors(...statuses: (400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 429)[]) {
  const text: Record<number, string> = {
    400: 'Invalid input 请求参数有误', 401: 'Missing or invalid token 未认证', 403: 'Forbidden 无权限',
    404: 'Not found 不存在', 409: 'State conflict 状态冲突', 410: 'Gone 已失效', 413: 'Too large 文件过大', 415: 'Type not allowed 类型不允许', 429: 'Too many requests 过于频繁',
  };
  return Object.fromEntries(statuses.map((s) => [s, errorResponse(text[s]!)]));
}

export const jsonBody = <T extends z.ZodType>(schema: T, description = '') => ({
  body: { content: { 'application/json': { schema } }, required: true, description },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

/** Repeated `files` parts of a multipart upload, as the document shows them: handlers read the parts themselves (uploadsOf) and name a missing or bad one. */
export const fileParts = z.any().optional().openapi({ type: 'array', items: { type: 'string', format: 'binary' } });

/**
 * An id as a caller may write it. PostgreSQL reads a uuid in either case, but the service also
 * compares ids as strings (the ids asked for against the rows found), where 'ABC…' is not 'abc…':
 * lower-cased here, once, so both agree.
 */
export const uuid = () => z.uuid().overwrite((s) => s.toLowerCase());

export const uuidParam = (name: string) => uuid().openapi({ param: { name, in: 'path' } });

/**
 * The years a date a caller sends may fall in. Year 0 does not exist in PostgreSQL (a 500), and
 * years below 100 come back from the driver as 19xx/20xx (two-digit years), so a date outside
 * these is refused here, where every instant and day is read. No review, inspection, incident or
 * roster of this service is dated outside them.
 */
const YEARS = { min: 1900, max: 2100 } as const;
const yearIssue = said(`年份须在 ${YEARS.min}–${YEARS.max} 之间`, `the year must be between ${YEARS.min} and ${YEARS.max}`);
const inYears = (s: string) => {
  const year = Number(s.slice(0, 4));
  return year >= YEARS.min && year <= YEARS.max;
};

/** A moment with its offset (ISO 8601: 2026-11-30T09:30:00+08:00), in the years above. */
export const instant = () => z.iso.datetime({ offset: true }).refine(inYears, yearIssue);

/** A calendar day (YYYY-MM-DD, a day that exists), in the years above. */
export const day = () => z.iso.date().refine(inYears, yearIssue);

/**
 * A form body (urlencoded or multipart), read once: hono keeps it, so the CSRF check and the handler
 * share one parse. `all` gives repeated fields as arrays. A body that is not the form its
 * Content-Type says (a multipart body without its boundary, cut short) is the caller's 400, not a 500.
 */
export async function formBody(c: Context, all = false): Promise<Record<string, string | File | (string | File)[]>> {
  try {
    return await c.req.parseBody({ all });
  } catch {
    throw new AppError('form_unreadable', {}, [{ path: '(body)', in: 'form', message: words('不是完整的表单', 'not a whole form') }]);
  }
}
