import { createRoute, z } from '@hono/zod-openapi';
import { errors, instant, jsonResponse, uuid } from '../../lib/http';
import { text } from '../../lib/text';

const tags = ['Audit 审计'];
const security = [{ bearerAuth: [] }];

export const VerificationSchema = z.object({ ok: z.boolean(), events: z.number().int(), brokenAt: z.object({
  seq: z.number().int(),
  problem: z.enum(['unlinked', 'altered']).openapi({ description: '`unlinked`: its prev_hash does not match the event before (one was removed or reordered); `altered`: its content does not match its hash' }),
  reason: z.string().openapi({ description: 'The problem in words, in the caller’s language (zh-CN unless `Accept-Language: en`)' }),
}).optional() }).openapi('AuditVerification');

export const verifyAuditChain = createRoute({
  operationId: 'verifyAuditChain',
  method: 'get', path: '/audit/verify', tags, security,
  summary: 'Recompute the audit hash chain; reports the first broken link (admin/publicity)',
  responses: { 200: jsonResponse(VerificationSchema, 'Verification result'), ...errors(401, 403) },
});

const moment = instant().openapi({ example: '2026-11-30T00:00:00+08:00' });

/** The audit log's filters: the API's query, and the page's filter form checked by the same rules. */
export const AuditQuery = z.object({
  draftId: uuid().optional(),
  actorId: uuid().optional().openapi({ description: 'Events made by this person' }),
  action: text(100).regex(/^[a-z0-9_.]+$/, 'lower-case letters, digits, _ and . only').optional().openapi({ description: 'An action (`draft.submitted`), or a family of them (`draft` matches every `draft.…`)' }),
  from: moment.optional(),
  to: moment.optional(),
  before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().openapi({ description: 'Keyset cursor: the `next` of the previous page' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const AuditEventSchema = z.object({
  seq: z.number().int(),
  chainNo: z.number().int().openapi({ description: 'Position in the hash chain' }),
  at: z.string(),
  action: z.string(),
  actorId: uuid().nullable(),
  actorName: z.string().nullable(),
  subjectType: z.string(),
  subjectId: z.string(),
  draftId: uuid().nullable(),
  versionSha256: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).openapi({ description: 'The event’s payload; fields holding a secret or a token, and credentials inside texts, are shown as redacted' }),
  prevHash: z.string(),
  hash: z.string(),
}).openapi('AuditEvent');

export const listAuditEvents = createRoute({
  operationId: 'listAuditEvents',
  method: 'get', path: '/audit/events', tags, security,
  summary: 'The audit log 审计日志, newest first, keyset-paged; filter by draft, person, action, time (admin/publicity)',
  request: { query: AuditQuery },
  responses: {
    200: jsonResponse(z.object({ items: z.array(AuditEventSchema), next: z.number().int().nullable().openapi({ description: 'Pass as `before` for the next page; null on the last' }) }), 'Events'),
    ...errors(400, 401, 403),
  },
});
