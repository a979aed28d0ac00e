import { createRoute, z } from '@hono/zod-openapi';
import { DECISIONS, POSITIONS } from '../../../db/schema';
import { CHECKLIST, CHECKLIST_ITEMS, type ChecklistItem } from '../../domain/checklist';
import { errors, jsonBody, jsonResponse, uuid } from '../../lib/http';
import { DraftSchema } from '../drafts/drafts.routes';
import { text } from '../../lib/text';

const tags = ['Sign-off links 审核链接'];
const tokenParams = z.object({ token: text(512, { trim: false }).openapi({ param: { name: 'token', in: 'path' }, description: 'The token from the sign-off link' }) });

export const ChecklistSchema = z
  .strictObject(
    Object.fromEntries(CHECKLIST_ITEMS.map((item) => [item, z.boolean().optional().openapi({ description: CHECKLIST[item].join(' / ') })])) as Record<ChecklistItem, z.ZodOptional<z.ZodBoolean>>,
  )
  .openapi('Checklist');

export const DecisionSchema = z
  .strictObject({
    decision: z.enum(DECISIONS),
    comment: text(5000, { min: 0, trim: false }).optional(),
    checklist: ChecklistSchema,
    returnTo: z.enum(['drafter', ...POSITIONS]).optional().openapi({ description: 'For return: the drafter (default) or an earlier level' }),
  })
  .openapi('Decision');

export const viewLink = createRoute({
  operationId: 'viewLink',
  method: 'get', path: '/signoff/{token}', tags, security: [], summary: 'What a live sign-off link shows (no bearer; the link is the capability)',
  request: { params: tokenParams },
  responses: {
    200: jsonResponse(z.object({ reviewId: uuid(), level: z.enum(POSITIONS), version: z.number().int(), reviewer: z.object({ id: uuid(), name: z.string() }), expiresAt: z.string(), draft: DraftSchema }), 'The review'),
    ...errors(404, 409, 410),
  },
});

export const decide = createRoute({
  operationId: 'decideByLink',
  method: 'post', path: '/signoff/{token}', tags, security: [], summary: 'Decide by link 审核决定: approve, return or reject; works once',
  request: { params: tokenParams, ...jsonBody(DecisionSchema) },
  responses: { 200: jsonResponse(DraftSchema, 'The draft after the decision'), ...errors(400, 403, 404, 409, 410) },
});

export const transferByLink = createRoute({
  operationId: 'transferByLink',
  method: 'post', path: '/signoff/{token}/transfer', tags, security: [], summary: 'Hand this review to another person 转交, with a reason',
  request: { params: tokenParams, ...jsonBody(z.strictObject({ toPersonId: uuid(), reason: text(2000) })) },
  responses: { 200: jsonResponse(DraftSchema, 'The draft'), ...errors(400, 403, 404, 409, 410) },
});
