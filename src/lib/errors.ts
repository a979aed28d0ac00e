import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { localeOf, Words, words, type Locale } from './i18n';

export { Words, words } from './i18n';

export type ErrorParam = string | number | Words;

/**
 * Every error the service can answer with: its HTTP status and its message in both languages.
 * Messages may use {placeholders} filled from `params`: a Words parameter gives the message's own
 * language; `{fooZh}`/`{fooEn}` fall back to `foo` when only one value exists (an enum value).
 */
const CATALOG = {
  validation_failed: [400, '请求参数有误：{fields}', 'Invalid request: {fields}'],
  invalid_json: [400, '请求体不是有效的 JSON', 'The request body is not valid JSON'],
  form_unreadable: [400, '表单内容无法读取（格式有误或不完整），请回到页面重新提交', 'The form cannot be read (malformed or cut short); go back to the page and send it again'],
  checklist_incomplete: [400, '批准前须勾选全部审核项：{itemsZh}', 'Every checklist item must be ticked to approve: {itemsEn}'],
  comment_required: [400, '退回或不予通过时须填写意见', 'A comment is required to return or reject'],
  email_domain_not_allowed: [400, 'email：新人员的邮箱须属于本机构的邮件域名（{domains}）', 'email: new people\'s addresses must belong to the institution\'s mail domains ({domains})'],
  account_of_other_unit: [400, 'accountIds：账号 {accounts} 属于其他单位。稿件只经本单位审核链审核，只能发往本单位的账号；请在账号所属单位起草', 'accountIds: account {accounts} belongs to another unit. A draft passes only its own unit’s chain, so it may target only that unit’s accounts; write it in the account’s unit'],
  invalid_return_target: [400, '只能退回给撰写人或更早的审核级别', 'A draft can only be returned to the drafter or an earlier level'],
  payload_too_large: [413, '请求体过大（上限 {limit}）', 'The request body is too large (limit {limit})'],
  unsupported_media_type: [415, '此接口不接受该类型的请求体：请使用 JSON（Content-Type: application/json），上传文件请用 multipart/form-data', 'This endpoint does not take that kind of body: send JSON (Content-Type: application/json), or multipart/form-data for file uploads'],
  unauthorized: [401, '未登录或令牌无效', 'Missing or invalid bearer token'],
  forbidden: [403, '无权执行此操作', 'You are not allowed to do this'],
  foreign_origin: [403, '拒绝来自其他网站（{origin}）的表单提交，请在本系统页面上操作', 'Form posts from another site ({origin}) are refused; use this service’s own page'],
  registered_by_publicity: [403, '{field}：已登记账号的名称、网址和级别由宣传部门办理变更登记，请联系宣传部门', '{field}: a registered account’s name, URL and tier are changed by the publicity department (变更登记); ask them'],
  not_your_review: [403, '此审核未分配给您', 'This review is not assigned to you'],
  separation_of_duties: [403, '{reasonZh}', '{reasonEn}'],
  not_found: [404, '{what}不存在', '{what} not found'],
  link_not_found: [404, '审核链接无效，请核对链接是否完整', 'This sign-off link is not valid; check that it was copied whole'],
  invalid_transition: [409, '当前状态为“{statusZh}”，不能{actionZh}', 'The draft is {status}; it cannot be {actionEn}'],
  link_used: [409, '此审核链接已使用过，不能重复提交', 'This sign-off link has already been used'],
  review_closed: [409, '此审核已结束（{status}），无需再处理', 'This review is already closed ({status})'],
  conflict: [409, '{reasonZh}', '{reasonEn}'],
  version_moved: [409, '打开此表单后，稿件已另存为第 {current} 版（您编辑的是第 {base} 版）。您的修改尚未保存：请对照最新内容，确认后再保存', 'The draft was saved as version {current} after you opened version {base}. Your changes are not saved yet: compare them with the latest text, then save again'],
  account_not_publishable: [409, '目标账号未登记备案或不在有效期内，不能发布：{accountsZh}', 'Target accounts are not registered or not valid for publishing: {accountsEn}'],
  already_exists: [409, '{what}已存在', '{what} already exists'],
  account_transition: [409, '账号当前状态为“{statusZh}”，不能{actionZh}', 'The account is {status}; it cannot be {actionEn}'],
  duty_transition: [409, '职责事项当前状态为“{statusZh}”，不能{actionZh}', 'The duty is {status}; it cannot be {actionEn}'],
  inspection_transition: [409, '年检当前状态为“{statusZh}”，不能{actionZh}', 'The inspection is {status}; it cannot be {actionEn}'],
  staffing_incomplete: [400, '账号人员配备不符合要求：{problemsZh}', 'Account staffing does not meet the rules: {problemsEn}'],
  grade_inconsistent: [400, '评定结论与检查发现不一致：{problemsZh}', 'The grade contradicts its findings: {problemsEn}'],
  code_malformed: [400, '参数 code 不是有效的审查合格编码（格式如 SJ-2026-WX-0042-B）：{code}', 'code: not an inspection pass code (shaped like SJ-2026-WX-0042-B): {code}'],
  code_not_found: [404, '未找到审查合格编码 {code}，请核对是否输入有误', 'No inspection pass code {code}; check it was typed correctly'],
  link_expired: [410, '此审核链接已过期，请联系撰写人催办以获取新链接', 'This sign-off link has expired; ask the drafter to send a reminder for a new one'],
  link_superseded: [410, '此审核链接已失效（{reasonZh}），{adviceZh}', 'This sign-off link is no longer valid ({reasonEn}); {adviceEn}'],
  prescreen_blocked: [409, '发布前自查发现本单位禁止提交的内容：{categoriesZh}，请修改后再提交', 'The pre-screen found content this unit does not allow to be submitted: {categoriesEn}; edit it first'],
  file_too_large: [413, '文件{name}过大：每个文件不超过 {max}', 'The file{name} is too large: at most {max} a file'],
  attachments_too_large: [413, '附件过大：每个文件不超过 {max}', 'Attachments too large: at most {max} a file'],
  file_missing: [400, '请选择要上传的文件（表单字段 {field}）', 'Choose a file to upload (form field {field})'],
  file_type_not_allowed: [415, '文件{name}的类型不受支持{detected}：仅限 jpg、png、gif、webp、pdf、docx、xlsx、pptx', 'The file{name} is of a type not allowed{detected}: only jpg, png, gif, webp, pdf, docx, xlsx, pptx'],
  file_type_mismatch: [415, '文件{name}的内容（{detected}）与文件名或声明的类型（{claimed}）不符', 'The content of the file{name} ({detected}) does not match its name or declared type ({claimed})'],
  invalid_file_name: [400, '文件名无效：{reason}', 'Invalid file name: {reason}'],
  docx_unreadable: [400, '无法读取 Word 文档：{reason}', 'The Word document cannot be read: {reason}'],
  docx_too_large: [413, 'Word 文档过大：{reason}', 'The Word document is too large: {reason}'],
  file_type_not_here: [415, '此处只接受 {allowed} 文件，所选文件是 {detected}', 'Only {allowed} files are taken here; this one is {detected}'],
  login_link_invalid: [400, '登录链接无效，请核对链接是否完整，或重新获取', 'This sign-in link is not valid; check it was copied whole, or ask for a new one'],
  login_link_used: [409, '此登录链接已使用过，每个链接只能使用一次，请重新获取', 'This sign-in link has already been used; each link works once, ask for a new one'],
  login_link_expired: [410, '此登录链接已过期（15 分钟内有效），请重新获取', 'This sign-in link has expired (it works for 15 minutes); ask for a new one'],
  sso_failed: [403, '统一身份认证登录失败：{reasonZh}', 'Single sign-on failed: {reasonEn}'],
  csrf_failed: [403, '表单已失效或不是从本系统页面提交的，请刷新页面后重试', 'The form has expired or was not sent from this service’s page; reload the page and try again'],
  idempotency_key_reused: [422, 'Idempotency-Key：此键已用于另一个请求（方法、路径或请求体不同），新请求请换一个键', 'Idempotency-Key: this key was used for a different request (method, path or body); use a new key for a new request'],
  idempotency_in_progress: [409, 'Idempotency-Key：使用此键的请求正在处理，请稍后重试以取得其结果', 'Idempotency-Key: a request with this key is still being handled; retry shortly for its answer'],
  idempotency_answer_lost: [409, 'Idempotency-Key：使用此键的请求已经执行，但其结果未能保存（处理它的进程中断）；请查看当前状态，不要再次发送', 'Idempotency-Key: the request with this key was carried out, but its answer was not kept (the process handling it stopped); look at the current state rather than sending it again'],
  rate_limited: [429, '操作过于频繁，请于 {retryAfter}后再试', 'Too many requests; try again after {retryAfter}'],
  too_many_checks: [429, '查验过于频繁，请 {seconds} 秒后再试', 'Too many checks from your address; try again in {seconds} seconds'],
  internal: [500, '服务器内部错误', 'Internal server error'],
  unavailable: [503, '服务暂不可用：{reason}', 'Service unavailable: {reason}'],
} as const satisfies Record<string, readonly [number, string, string]>;

export type ErrorCode = keyof typeof CATALOG;

/** The one error class: domain code throws it with a code; the one handler below renders it. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, ErrorParam> = {},
    readonly details?: unknown,
  ) {
    super(`${code}: ${fill(CATALOG[code][2], params, 'en')}`);
  }
  get status(): ContentfulStatusCode {
    return CATALOG[this.code][0] as ContentfulStatusCode;
  }
  localized(locale: Locale): string {
    const [, zh, en] = CATALOG[this.code];
    return fill(locale === 'en' ? en : zh, this.params, locale);
  }
}

function fill(template: string, params: Record<string, ErrorParam>, locale: Locale): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const value = params[k] ?? params[k.replace(/(Zh|En)$/, '')] ?? '';
    return value instanceof Words ? value.in(locale) : String(value);
  });
}

/** The 400 for one field a service found wrong, shaped as the validators' (`details` names it). */
export const invalidField = (path: string, message: Words, where: 'body' | 'query' | 'form' | 'header' = 'body') =>
  new AppError('validation_failed', { fields: path }, [{ path, in: where, message }]);

/** `details` as the caller reads them: every Words in it becomes the caller's language. */
export function localizeDetails(value: unknown, locale: Locale): unknown {
  if (value instanceof Words) return value.in(locale);
  if (Array.isArray(value)) return value.map((v) => localizeDetails(v, locale));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, localizeDetails(v, locale)]));
  }
  return value;
}

export function errorBody(err: AppError, locale: Locale) {
  return { error: { code: err.code, message: err.localized(locale), ...(err.details === undefined ? {} : { details: localizeDetails(err.details, locale) }) } };
}

/** Maps anything thrown to the contract's error shape; only genuine faults become 5xx. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 400 && /json/i.test(err.message)) return new AppError('invalid_json');
    if (err.status === 401) return new AppError('unauthorized');
    if (err.status === 415) return new AppError('unsupported_media_type');
    if (err.status === 404) return new AppError('not_found', { what: words('资源', 'resource') });
    if (err.status < 500) return new AppError('validation_failed', { fields: err.message }, { message: err.message });
  }
  const pgCode = sqlState(err);
  // Malformed ids and similar input that only the database notices are still the caller's mistake.
  if (pgCode === '22P02') return new AppError('validation_failed', { fields: 'id' }, [{ path: 'id', message: words('不是有效的 UUID', 'not a valid UUID') }]);
  if (pgCode === '23505') return new AppError('conflict', { reason: words('与已有记录重复', 'duplicate value') });
  // Only once inTransaction's retries are spent: the caller's request was fine, try again shortly.
  if (isTransientConflict(err)) return new AppError('unavailable', { reason: words('同时进行的操作过多，请稍后重试', 'too many changes at once; try again shortly') }, { retryAfterSeconds: 1 });
  if (isDatabaseUnavailable(err)) return new AppError('unavailable', { reason: words('数据库暂时无法连接，请稍后重试', 'the database cannot be reached just now; try again shortly') }, { retryAfterSeconds: 5 });
  const missing = schemaProblem(err);
  if (missing) return new AppError('unavailable', { reason: missing });
  return new AppError('internal');
}

/**
 * The database answers, but not as this code's: a dropped database (3D000), or one re-created empty or
 * partly restored, whose tables, schema or columns are missing (42P01, 3F000, 42703). Not the request's
 * fault, nor the code's: the operator's to migrate. Null for anything else.
 */
export function schemaProblem(err: unknown): Words | null {
  const state = sqlState(err);
  if (state === '3D000') return words('数据库不存在（已被删除？请重新创建，运行 npm run db:migrate 后重启）', 'the database does not exist (dropped? create it, run npm run db:migrate, then restart)');
  if (state === '42P01' || state === '3F000' || state === '42703') {
    return words('数据库尚未迁移，缺少本系统的表或字段（新建、被替换或部分恢复的数据库？请运行 npm run db:migrate 后重启）', 'the database is not migrated: it lacks Imprimatur\'s tables or columns (new, replaced or partly restored? run npm run db:migrate, then restart)');
  }
  return null;
}

/** postgres.js's own codes for a connection lost or not made, and the socket's. */
const CONNECTION_LOST = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

/**
 * The database is out of reach, not the request at fault: a connection lost or refused, the server
 * shutting down or not yet accepting connections (57P01–57P03), too many connections (53300), the
 * database not accepting connections (55000, ALLOW_CONNECTIONS false), or any connection exception (class 08). A 503 the client may retry, not a 500.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const state = sqlState(err);
  return !!state && (CONNECTION_LOST.has(state) || state.startsWith('08') || ['57P01', '57P02', '57P03', '53300', '55000'].includes(state));
}

/** The driver's own words for a database error: drizzle's "Failed query: …" names only the statement, its cause says why. */
export function driverMessage(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : (err as Error).message;
}

/** The SQLSTATE of a database error, as postgres.js or PGlite raise it or drizzle wraps it. */
export function sqlState(err: unknown): string | undefined {
  // The driver's error may come wrapped more than once (drizzle's query error, a transaction's).
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

/**
 * Deadlock detected, or a serialization failure: Postgres rolled the whole transaction back so that
 * another could go on, and running it again is the documented answer.
 */
export function isTransientConflict(err: unknown): boolean {
  const state = sqlState(err);
  return state === '40P01' || state === '40001';
}

/** A database without its schema is logged once a minute per process, not on every request refused (each has its own 503 line). */
const SCHEMA_PROBLEM_LOG_EVERY_MS = 60_000;
const schemaProblemLogged = new WeakMap<object, Map<string, number>>();
/** Whose minute it is: the app's dependencies (one per process, or per test's service). */
const loggedFor = (c: Context): Map<string, number> => {
  const key: object = c.get('deps') ?? schemaProblemLogged;
  return schemaProblemLogged.get(key) ?? schemaProblemLogged.set(key, new Map()).get(key)!;
};

/** The one log line of a request's database fault: a lost connection, or a database not migrated (at most once a minute). */
export function logDatabaseFault(c: Context, err: unknown): void {
  if (isDatabaseUnavailable(err)) return void c.get('log')?.warn({ err }, 'database unavailable');
  const problem = schemaProblem(err);
  if (!problem) return;
  const logged = loggedFor(c);
  const state = sqlState(err)!;
  const now = Date.now();
  if (now - (logged.get(state) ?? -Infinity) < SCHEMA_PROBLEM_LOG_EVERY_MS) return;
  logged.set(state, now);
  c.get('log')?.error({ sqlState: state, err: driverMessage(err) }, `database unusable: ${problem.en}; requests answer 503 until then (logged at most once a minute)`);
}

export function handleError(err: unknown, c: Context) {
  const appError = toAppError(err);
  if (appError.code === 'internal') c.get('log')?.error({ err }, 'unhandled error');
  else if (appError.code === 'unavailable') logDatabaseFault(c, err);
  const details = appError.details as { retryAfter?: string; retryAfterSeconds?: number } | undefined;
  const retryAt = appError.code === 'rate_limited' ? Date.parse(String(details?.retryAfter)) : NaN;
  // Retry-After in seconds (RFC 9110), so clients and proxies can wait without reading the body.
  if (Number.isFinite(retryAt)) c.header('Retry-After', String(Math.max(1, Math.ceil((retryAt - (c.get('deps')?.now() ?? new Date()).getTime()) / 1000))));
  else if (typeof details?.retryAfterSeconds === 'number') c.header('Retry-After', String(details.retryAfterSeconds));
  return c.json(errorBody(appError, localeOf(c)), appError.status);
}
