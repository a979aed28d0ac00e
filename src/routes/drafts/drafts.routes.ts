import { createRoute, z } from '@hono/zod-openapi';
import { BODY_FORMATS, DRAFT_STATUSES, POSITIONS, REVIEW_STATUSES, URGENCIES, DECISIONS } from '../../../db/schema';
import { BODY_MAX_CHARS } from '../../domain/content';
import { FINDING_KINDS, SEVERITIES } from '../../domain/prescreen';
import { errors, jsonBody, jsonResponse, said, uuid, uuidParam } from '../../lib/http';
import { line, text } from '../../lib/text';

const tags = ['Drafts 稿件'];
const security = [{ bearerAuth: [] }];

const ReviewSchema = z.object({
  id: uuid(),
  round: z.number().int(),
  level: z.enum(POSITIONS),
  version: z.number().int().nullable(),
  status: z.enum(REVIEW_STATUSES),
  reviewer: z.object({ id: uuid(), name: z.string() }),
  assignedAt: z.string(),
  dueAt: z.string().nullable(),
  decision: z.enum(DECISIONS).nullable(),
  returnTo: z.string().nullable(),
  checklist: z.record(z.string(), z.boolean()).nullable(),
  comment: z.string().nullable(),
  contentSha256: z.string().nullable(),
  at: z.string().nullable(),
  appointedDuringReview: z.boolean().openapi({
    description: 'The signer was appointed to this level\'s position after the draft was first submitted (a successor, or a puppet): shown on the record and the approval sheet 审核单',
  }),
  appointedAt: z.string().nullable().openapi({ description: 'When that appointment began (ISO 8601); null unless appointedDuringReview' }),
}).openapi('Review');

export const FileSchema = z
  .object({ id: uuid(), sha256: z.string(), name: z.string(), type: z.string(), size: z.number().int(), url: z.string(), createdAt: z.string() })
  .openapi('DraftFile');

export const FindingSchema = z
  .object({
    kind: z.enum(FINDING_KINDS), category: z.string(), severity: z.enum(SEVERITIES), field: z.enum(['title', 'body']),
    start: z.number().int().openapi({ description: 'UTF-16 offset into the title or the body’s plain text' }), end: z.number().int(), excerpt: z.string(), word: z.string().optional(),
  })
  .openapi('PrescreenFinding');

export const DraftSchema = z
  .object({
    id: uuid(),
    unitId: uuid(),
    drafterId: uuid(),
    title: z.string(),
    body: z.string(),
    bodyFormat: z.enum(BODY_FORMATS),
    bodyHtml: z.string().openapi({ description: 'The body as safe HTML whatever its format' }),
    files: z.array(FileSchema),
    prescreen: z.array(FindingSchema).openapi({ description: 'Advisory pre-screen findings of the current version' }),
    status: z.enum(DRAFT_STATUSES),
    urgency: z.enum(URGENCIES),
    currentLevel: z.enum(POSITIONS).nullable(),
    levels: z.array(z.enum(POSITIONS)),
    round: z.number().int(),
    currentVersion: z.number().int(),
    contentSha256: z.string(),
    accountIds: z.array(uuid()),
    createdAt: z.string(),
    updatedAt: z.string(),
    submittedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    allowedActions: z.array(z.string()),
    versions: z.array(z.object({
      no: z.number().int(), title: z.string(), body: z.string(), bodyFormat: z.enum(BODY_FORMATS), files: z.array(FileSchema), prescreen: z.array(FindingSchema),
      contentSha256: z.string(), createdBy: uuid(), createdAt: z.string(),
    })),
    reviews: z.array(ReviewSchema),
  })
  .openapi('Draft');

const DraftSummary = z
  .object({
    id: uuid(), unitId: uuid(), drafterId: uuid(), title: z.string(), status: z.enum(DRAFT_STATUSES), urgency: z.enum(URGENCIES),
    currentLevel: z.enum(POSITIONS).nullable(), currentVersion: z.number().int(), createdAt: z.string(), updatedAt: z.string(),
    pendingReview: z.object({ id: uuid(), level: z.enum(POSITIONS), assigneeId: uuid(), assignedAt: z.string() }).nullable(),
  })
  .openapi('DraftSummary');

const Title = line(200);
const Body = text(BODY_MAX_CHARS, { trim: false }).openapi({ description: 'HTML (sanitized on the server) or plain text' });
const Format = z.enum(BODY_FORMATS).optional().openapi({ description: 'Omitted: html when the body contains tags, else text' });
const draftParams = z.object({ id: uuidParam('id') });
const ok = { 200: jsonResponse(DraftSchema, 'The draft') };

/** A new draft's fields; the draft form (src/pages/editor) validates with the same schema. */
export const NewDraftSchema = z.strictObject({ title: Title, body: Body, bodyFormat: Format, unitId: uuid(), accountIds: z.array(uuid()).min(1).max(50), urgency: z.enum(URGENCIES).optional() });

export const createDraft = createRoute({
  operationId: 'createDraft',
  method: 'post', path: '/drafts', tags, security, summary: 'Write a draft 起草稿件',
  request: jsonBody(NewDraftSchema),
  responses: { 201: jsonResponse(DraftSchema, 'The new draft, status draft'), ...errors(400, 401, 403, 404, 409) },
});

export const listDrafts = createRoute({
  operationId: 'listDrafts',
  method: 'get', path: '/drafts', tags, security, summary: 'Drafts awaiting me, mine, or my units’',
  request: {
    query: z.object({
      awaiting: z.literal('me').optional(),
      mine: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
      status: z.enum(DRAFT_STATUSES).optional(),
      unitId: uuid().optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      offset: z.coerce.number().int().min(0).default(0).openapi({ description: 'Ignored with cursor; prefer cursor (offset paging slows with depth)' }),
      cursor: text(200).optional().openapi({ description: 'nextCursor of the previous page' }),
    }),
  },
  responses: { 200: jsonResponse(z.object({ items: z.array(DraftSummary), nextCursor: z.string().nullable().openapi({ description: 'Pass as cursor for the next page; null on the last page' }) }), 'Drafts, newest change first'), ...errors(400, 401) },
});

export const getDraft = createRoute({
  operationId: 'getDraft',
  method: 'get', path: '/drafts/{id}', tags, security, summary: 'A draft with its versions and every review',
  request: { params: draftParams },
  responses: { ...ok, ...errors(400, 401, 403, 404) },
});

export const editDraft = createRoute({
  operationId: 'editDraft',
  method: 'patch', path: '/drafts/{id}', tags, security,
  summary: 'Edit: a new immutable version 修改（生成新版本）, other target accounts or urgency; under review a change of text or accounts restarts the chain',
  description: 'A PATCH that changes nothing (the same title, the same body once sanitized and normalized, the same files, accounts and urgency: an autosave, a double click) makes no version and records nothing: 200 with the draft as it is. A closed draft refuses it all the same (409).',
  request: {
    params: draftParams,
    ...jsonBody(
      z.strictObject({
        title: Title.optional(), body: Body.optional(), bodyFormat: Format, fileIds: z.array(uuid()).max(200).optional(),
        accountIds: NewDraftSchema.shape.accountIds.optional().openapi({ description: 'The accounts to publish on, replacing the present ones: same checks as at creation (publish gate, this unit’s own). Under review a change restarts the chain at the first level' }),
        urgency: z.enum(URGENCIES).optional().openapi({ description: 'Under review the open review’s deadline follows it' }),
      })
        .refine((p) => Object.values(p).some((v) => v !== undefined), { ...said('title、body、fileIds、accountIds、urgency 至少填写一项', 'title, body, fileIds, accountIds or urgency is required'), path: ['title'] }),
    ),
  },
  responses: { ...ok, ...errors(400, 401, 403, 404, 409) },
});

/** A command on a draft; its small JSON body may be left out entirely. */
const action = <B extends z.ZodType>(operationId: string, path: string, summary: string, body: B) =>
  createRoute({
    operationId, method: 'post', path: `/drafts/{id}/${path}`, tags, security, summary,
    request: { params: draftParams, body: { content: { 'application/json': { schema: body } }, required: false } },
    responses: { ...ok, ...errors(400, 401, 403, 404, 409, 429) },
  });

const note = (name: 'reason' | 'comment') => z.strictObject({ [name]: text(2000, { min: 0 }).optional() } as { [K in typeof name]: z.ZodOptional<z.ZodString> });

export const submitDraft = action('submitDraft', 'submit', 'Submit for review 提交审核 (or resubmit after a return)', z.strictObject({}));
export const withdrawDraft = action('withdrawDraft', 'withdraw', 'Withdraw 撤回', note('reason'));
export const retractDraft = action('retractDraft', 'retract', 'Retract after approval 撤销发布', note('reason'));
export const urgeDraft = action('urgeDraft', 'urge', 'Nudge the current approver 催办 (once an hour per review)', note('comment'));

export const transferReview = createRoute({
  operationId: 'transferReview',
  method: 'post', path: '/reviews/{id}/transfer', tags, security, summary: 'Hand a pending review to another person 转交, with a reason',
  request: { params: z.object({ id: uuidParam('id') }), ...jsonBody(z.strictObject({ toPersonId: uuid(), reason: text(2000) })) },
  responses: { ...ok, ...errors(400, 401, 403, 404, 409) },
});

const DiffPartSchema = z.object({ op: z.enum(['equal', 'insert', 'delete']), text: z.string() }).openapi('DiffPart');
const VersionRef = z.object({ no: z.number().int(), contentSha256: z.string(), createdAt: z.string() });
const versionNo = (name: 'from' | 'to') =>
  z.coerce.number().int().min(1).max(1_000_000).openapi({ param: { name, in: 'query' }, description: `Version number (${name === 'from' ? 'before' : 'after'})` });

export const DraftDiffSchema = z
  .object({
    draftId: uuid(),
    from: VersionRef,
    to: VersionRef,
    title: z.array(DiffPartSchema).openapi({ description: 'Word-level diff of the title, parts in reading order' }),
    body: z.array(DiffPartSchema).openapi({ description: 'Word-level diff of the body’s readable text (Chinese segmented by Intl.Segmenter)' }),
    files: z.object({
      added: z.array(FileSchema),
      removed: z.array(FileSchema),
      changed: z.array(z.object({ from: FileSchema, to: FileSchema })).openapi({ description: 'Same file name, other bytes' }),
    }),
    changed: z.boolean(),
  })
  .openapi('DraftDiff');

export const diffDraft = createRoute({
  operationId: 'diffDraft',
  method: 'get', path: '/drafts/{id}/diff', tags, security, summary: 'What changed between two versions 版本对比 (words, files)',
  request: { params: draftParams, query: z.object({ from: versionNo('from'), to: versionNo('to') }) },
  responses: { 200: jsonResponse(DraftDiffSchema, 'The diff from version `from` to version `to`'), ...errors(400, 401, 403, 404) },
});
