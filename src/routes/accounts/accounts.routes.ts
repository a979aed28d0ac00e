import { createRoute, z } from '@hono/zod-openapi';
import { ACCOUNT_ROLES, ACCOUNT_STATUSES, ACCOUNT_TIERS } from '../../../db/schema';
import { ACCOUNT_COMMANDS } from '../../domain/account-lifecycle';
import { DEFAULT_RECTIFY_DAYS, GRADE_RESULTS, INSPECTION_STATUSES } from '../../domain/inspection';
import { PLATFORMS } from '../../domain/inspection-code';
import { errors, instant, jsonBody, jsonResponse, said, uuid, uuidParam } from '../../lib/http';
import { line, text } from '../../lib/text';

const tags = ['Accounts 账号登记备案'];
const security = [{ bearerAuth: [] }];

export const AccountSchema = z.object({
  id: uuid(), name: z.string(), platform: z.enum(PLATFORMS), platformId: z.string(), url: z.string().nullable(), unitId: uuid(), unitName: z.string(), ownerId: uuid(),
  tier: z.enum(ACCOUNT_TIERS), status: z.enum(ACCOUNT_STATUSES), registrationNo: z.string().nullable(), registeredAt: z.string().nullable(), dormantSince: z.string().nullable(),
  createdAt: z.string(), updatedAt: z.string(),
  inspectionCode: z.string().nullable().openapi({ example: 'SJ-2026-WX-0001-T' }), inspectionCodeYear: z.number().int().nullable(), inspectionCodeStatus: z.enum(['valid', 'revoked', 'expired']).nullable(),
  publishable: z.boolean().openapi({ description: 'Whether drafts may target this account now (registered, with a live code or within the campaign grace period)' }),
  publishBlock: z.string().nullable().openapi({ description: 'Why not: pending, suspended, rectifying, shut_down, deregistered or no_valid_code' }),
  rectifyDeadline: z.string().nullable().openapi({ description: 'While rectifying by a registry order (责令整改): the deadline' }),
  allowedActions: z.array(z.enum(ACCOUNT_COMMANDS)),
  inspections: z.array(z.object({ id: uuid(), campaignId: uuid(), year: z.number().int(), status: z.enum(INSPECTION_STATUSES), result: z.enum(GRADE_RESULTS).nullable(), rectifyDeadline: z.string().nullable() })),
  roles: z.array(z.object({ id: uuid(), personId: uuid(), name: z.string(), role: z.enum(ACCOUNT_ROLES), kind: z.enum(['teacher', 'student']), startedAt: z.string(), endsAt: z.string().nullable(), endedAt: z.string().nullable(), current: z.boolean() })),
  events: z.array(z.object({ type: z.string(), at: z.string(), actorId: uuid().nullable(), from: z.string().nullable(), to: z.string().nullable(), reason: z.string().nullable(), oldValues: z.unknown(), newValues: z.unknown() })),
}).openapi('Account');

const AccountSummary = z.object({
  id: uuid(), name: z.string(), platform: z.string(), platformId: z.string(), url: z.string().nullable(), unitId: uuid(), unitName: z.string(), tier: z.string(),
  status: z.enum(ACCOUNT_STATUSES), registrationNo: z.string().nullable(), registeredAt: z.string().nullable(), dormantSince: z.string().nullable(), ownerName: z.string(), ownerId: uuid(),
}).openapi('AccountSummary');

const ids = z.array(uuid()).max(50);
const Member = z.strictObject({ personId: uuid(), role: z.enum(ACCOUNT_ROLES), kind: z.enum(['teacher', 'student']).default('teacher'), endsAt: instant().optional() })
  .refine((m) => m.kind !== 'student' || !!m.endsAt, { ...said('学生担任的岗位须填写结束日期', "a student's role needs an end date"), path: ['endsAt'] });
const roleFields = {
  operatorIds: ids.optional(), reviewerIds: ids.optional(), responsibleLeaderId: uuid().optional(), leaderInChargeId: uuid().optional(), members: z.array(Member).max(50).optional(),
};
const Url = z.url({ protocol: /^https?$/ }).max(500);

export const ApplySchema = z.strictObject({
  name: line(200), platform: z.enum(PLATFORMS), platformId: line(200), url: Url.optional(), unitId: uuid(), ownerId: uuid(), tier: z.enum(ACCOUNT_TIERS).optional(),
  adminIds: ids, commentatorIds: ids, ...roleFields,
}).superRefine((a, ctx) => {
  // Seed 003: every platform has at least one network commentator; a teacher administers it.
  if (!a.commentatorIds.length && !a.members?.some((m) => m.role === 'commentator')) ctx.addIssue({ code: 'custom', path: ['commentatorIds'], ...said('至少须有一名网络评论员', 'at least one network commentator is required') });
  if (!a.adminIds.length && !a.members?.some((m) => m.role === 'admin' && m.kind === 'teacher')) ctx.addIssue({ code: 'custom', path: ['adminIds'], ...said('须有一名教师担任管理员', 'a teacher must be an administrator') });
});

const params = z.object({ id: uuidParam('id') });
const one = (description: string) => jsonResponse(AccountSchema, description);

export const ChangeSchema = z.strictObject({ name: line(200).optional(), url: Url.nullable().optional(), ownerId: uuid().optional(), tier: z.enum(ACCOUNT_TIERS).optional(), adminIds: ids.optional(), commentatorIds: ids.optional(), ...roleFields, reason: text(2000).optional() })
  .refine((p) => Object.keys(p).some((k) => k !== 'reason'), said('没有要修改的内容', 'nothing to change'));

/** The reason a lifecycle move or a revocation must give. */
export const ReasonSchema = z.strictObject({ reason: text(2000) });

/** 责令整改: the reason, and the date it must be done by (DEFAULT_RECTIFY_DAYS from now when left out; never in the past). */
export const RectifySchema = z.strictObject({
  reason: text(2000),
  deadline: instant().optional().openapi({ description: `Rectify by this instant; default ${DEFAULT_RECTIFY_DAYS} days from now. Past it the account is suspended (逾期未整改).`, example: '2026-12-31T23:59:59+08:00' }),
});

export const applyForAccount = createRoute({
  operationId: 'applyForAccount',
  method: 'post', path: '/accounts', tags, security, summary: 'Apply to register an official account 登记备案申请 (status pending)',
  request: jsonBody(ApplySchema),
  responses: { 201: one('The account, pending'), ...errors(400, 401, 403, 404, 409) },
});

export const listAccounts = createRoute({
  operationId: 'listAccounts',
  method: 'get', path: '/accounts', tags, security, summary: 'The registry (publicity: all; others: their units)',
  request: { query: z.object({ unitId: uuid().optional(), status: z.enum(ACCOUNT_STATUSES).optional(), platform: z.enum(PLATFORMS).optional(), dormant: z.enum(['true', 'false']).transform((v) => v === 'true').optional() }) },
  responses: { 200: jsonResponse(z.object({ items: z.array(AccountSummary) }), 'Accounts'), ...errors(400, 401, 403) },
});

export const getAccount = createRoute({
  operationId: 'getAccount',
  method: 'get', path: '/accounts/{id}', tags, security, summary: 'An account with its people, history and inspection code',
  request: { params },
  responses: { 200: one('The account'), ...errors(400, 401, 403, 404) },
});

export const changeAccount = createRoute({
  operationId: 'changeAccount',
  method: 'patch', path: '/accounts/{id}', tags, security, summary: 'Change name, URL, owner, tier or people 变更 (old values kept); each role list given replaces its holders',
  request: {
    params,
    ...jsonBody(ChangeSchema),
  },
  responses: { 200: one('The account'), ...errors(400, 401, 403, 404, 409) },
});

export const approveAccount = createRoute({
  operationId: 'approveAccount',
  method: 'post', path: '/accounts/{id}/approve', tags, security, summary: 'Approve the registration 批准登记 (publicity): registered, with a registration number',
  request: { params, body: { content: { 'application/json': { schema: z.strictObject({ reason: text(2000).optional() }) } }, required: false } },
  responses: { 200: one('The account, registered'), ...errors(400, 401, 403, 404, 409) },
});

export const LIFECYCLE = { reject: 'reject', suspend: 'suspend', rectify: 'rectify', reinstate: 'reinstate', 'shut-down': 'shut_down', deregister: 'deregister' } as const;

export const lifecycleRoute = (operationId: string, path: keyof typeof LIFECYCLE, summary: string) => createRoute({
  operationId, method: 'post', path: `/accounts/{id}/${path}`, tags, security, summary: `${summary} (publicity; reason required)`,
  request: { params, ...jsonBody(ReasonSchema) },
  responses: { 200: one('The account'), ...errors(400, 401, 403, 404, 409) },
});
export const rejectAccount = lifecycleRoute('rejectAccount', 'reject', 'Reject the application 驳回');
export const suspendAccount = lifecycleRoute('suspendAccount', 'suspend', 'Suspend 暂停');
export const rectifyAccount = createRoute({
  operationId: 'rectifyAccount', method: 'post', path: '/accounts/{id}/rectify', tags, security,
  summary: `Order rectification 责令整改 by a deadline (publicity; reason required; deadline default ${DEFAULT_RECTIFY_DAYS} days)`,
  request: { params, ...jsonBody(RectifySchema) },
  responses: { 200: one('The account, rectifying, with its rectifyDeadline'), ...errors(400, 401, 403, 404, 409) },
});
export const reinstateAccount = lifecycleRoute('reinstateAccount', 'reinstate', 'Reinstate 恢复');
export const shutDownAccount = lifecycleRoute('shutDownAccount', 'shut-down', 'Shut down 关停');
export const deregisterAccount = lifecycleRoute('deregisterAccount', 'deregister', 'Deregister 注销 (kept as a tombstone)');

export const exportRegistry = createRoute({
  operationId: 'exportRegistry',
  method: 'get', path: '/exports/accounts.csv', tags, security, summary: 'The registry as CSV (UTF-8 with BOM, opens in Excel) (publicity)',
  request: { query: z.object({ status: z.enum(ACCOUNT_STATUSES).optional() }) },
  responses: { 200: { content: { 'text/csv': { schema: z.string() } }, description: 'CSV' }, ...errors(400, 401, 403) },
});

export const setDormancy = createRoute({
  operationId: 'setDormancy',
  method: 'put', path: '/settings/dormancy', tags, security, summary: 'Days without an approved publication before an account is flagged dormant (publicity)',
  request: jsonBody(z.strictObject({ days: z.number().int().min(1).max(3650) })),
  responses: { 200: jsonResponse(z.object({ dormancyDays: z.number().int() }), 'The setting'), ...errors(400, 401, 403) },
});
