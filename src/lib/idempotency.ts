import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { sha256Hex } from './crypto';
import { claimKey, releaseKey, storeAnswer } from '../services/idempotency';
import { AppError, errorBody, words } from './errors';
import { localeOf } from './i18n';
import type { AppEnv } from './http';

/** Visible ASCII, 1–255 characters (a UUID is the usual choice). */
const KEY = /^[!-~]{1,255}$/;

/**
 * Answers that carry a secret shown once (a new personal token): keeping them to replay would store
 * the secret in clear, so a key is refused there.
 */
const NOT_KEPT = [/^\/api\/v1\/tokens$/];

/**
 * `Idempotency-Key` on the API's writes (the IETF httpapi draft's header, as Stripe and others use
 * it): the same person sending the same request with the same key within a day gets the first
 * answer again, marked `Idempotent-Replayed: true`, and nothing is done twice. The same key on a
 * different request is refused (422); while the first is still being handled, a second waits its
 * turn by retrying (409). An answer worth retrying (5xx, 429) is not kept, so the retry runs anew.
 * Keys belong to the signed-in person, so nobody can see another's answer by guessing a key.
 */
export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header('idempotency-key');
  const person = c.get('person');
  if (key === undefined || c.req.method === 'GET' || c.req.method === 'HEAD' || !person) return next();
  if (!KEY.test(key)) throw badKey(words('须为 1–255 个可见 ASCII 字符（建议使用 UUID）', 'must be 1–255 visible ASCII characters (a UUID is usual)'));
  if (NOT_KEPT.some((re) => re.test(c.req.path))) throw badKey(words('此操作的结果含只显示一次的密钥，不能保存重放，请勿发送此请求头', 'this operation’s answer holds a secret shown once, which is never kept for replay; do not send the header here'));

  const { db } = c.var.deps;
  const claim = await claimKey(db, person.id, key, await fingerprint(c), c.var.deps.now());
  if (claim.kind === 'answered') {
    return new Response(claim.answer.body, {
      status: claim.answer.status,
      headers: { ...(claim.answer.contentType ? { 'content-type': claim.answer.contentType } : {}), 'idempotent-replayed': 'true' },
    });
  }
  if (claim.kind === 'other_request') throw new AppError('idempotency_key_reused', {}, { field: 'Idempotency-Key' });
  if (claim.kind === 'in_progress') throw new AppError('idempotency_in_progress', {}, { field: 'Idempotency-Key' });
  if (claim.kind === 'answer_lost') throw answerLost();

  const held = { personId: person.id, key, at: claim.at };
  // The use case's transaction marks the key as carried out along with its work (services/context.ts).
  c.set('deps', { ...c.var.deps, keyClaim: held });
  /** A failure worth retrying lets the key go, unless the work was already committed: then that is its answer. */
  const failed = async () => {
    if (await releaseKey(db, held.personId, key, held.at)) return;
    const lost = answerLost();
    await storeAnswer(db, held.personId, key, held.at, { status: lost.status, contentType: 'application/json', body: JSON.stringify(errorBody(lost, localeOf(c))) });
  };
  try {
    await next();
  } catch (err) {
    await failed();
    throw err;
  }
  const res = c.res;
  if (res.status >= 500 || res.status === 429) return void (await failed());
  await storeAnswer(db, held.personId, key, held.at, { status: res.status, contentType: res.headers.get('content-type'), body: await res.clone().text() });
});

const answerLost = () => new AppError('idempotency_answer_lost', {}, { field: 'Idempotency-Key' });

const badKey = (message: ReturnType<typeof words>) =>
  new AppError('validation_failed', { fields: 'Idempotency-Key' }, [{ path: 'Idempotency-Key', in: 'header', message }]);

/**
 * What makes two requests the same: method, path and query, content type and body. A multipart
 * body's boundary is left out (clients draw a new one for every send, curl's `-F` included), so a
 * retried upload is the same upload.
 */
async function fingerprint(c: Context<AppEnv>): Promise<string> {
  const type = c.req.header('content-type') ?? '';
  const boundary = /;\s*boundary="?([^";]+)"?/i.exec(type)?.[1];
  let body = new Uint8Array(await c.req.arrayBuffer());
  // Read within the app-wide limit for this path; a route's own counted limit (uploads) reads the
  // request's stream again, so it gets the bytes anew, as hono's bodyLimit hands them on itself.
  if (body.length) c.req.raw = new Request(c.req.raw, { body });
  if (boundary) body = without(body, new TextEncoder().encode(boundary));
  const url = new URL(c.req.url);
  const head = new TextEncoder().encode(`${c.req.method} ${url.pathname}${url.search}\n${boundary ? type.replace(boundary, '') : type}\n`);
  const whole = new Uint8Array(head.length + body.length);
  whole.set(head);
  whole.set(body, head.length);
  return sha256Hex(whole);
}

/** `bytes` with every occurrence of `needle` taken out (Web APIs only: this runs on Workers too). */
function without(bytes: Uint8Array<ArrayBuffer>, needle: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; ) {
    if (bytes[i] === needle[0] && needle.every((b, j) => bytes[i + j] === b)) i += needle.length;
    else out[n++] = bytes[i++]!;
  }
  return out.subarray(0, n);
}

type Operation = { security?: unknown[]; parameters?: unknown[]; responses?: Record<string, unknown> };
type Document = { paths?: Record<string, Record<string, Operation>>; components?: { parameters?: Record<string, unknown> } };

/**
 * The header in the OpenAPI document, on every write a signed-in person makes (where it is not
 * refused), with the two refusals it brings: routes declare their own parameters, this one is
 * everyone's, so it is added once here rather than to each route's contract.
 */
export function documentIdempotencyKey<D extends object>(generated: D): D {
  const doc = generated as Document;
  doc.components = { ...doc.components, parameters: { ...doc.components?.parameters, IdempotencyKey: {
    name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[!-~]+$' },
    description: 'A new UUID per operation: sent again by the same person with the same request within 24 hours, the first answer comes back (Idempotent-Replayed: true) and nothing is done twice. 同一人 24 小时内以同一键重发同一请求，返回首次的结果，不会重复执行。',
  } } };
  const refusal = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(operations)) {
      if (method === 'get' || method === 'head' || !op.security?.length || NOT_KEPT.some((re) => re.test(path))) continue;
      op.parameters = [...(op.parameters ?? []), { $ref: '#/components/parameters/IdempotencyKey' }];
      op.responses = {
        ...op.responses,
        '409': op.responses?.['409'] ?? refusal('Conflict 冲突 (idempotency_in_progress: the first request with this Idempotency-Key is still running; idempotency_answer_lost: it was carried out but its answer was not kept)'),
        '422': refusal('idempotency_key_reused: this Idempotency-Key was used for a different request 此键已用于另一个请求'),
      };
    }
  }
  return generated;
}
