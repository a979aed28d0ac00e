import { createRoute, z } from '@hono/zod-openapi';
import { errors, instant, jsonBody, jsonResponse, uuid, uuidParam } from '../../lib/http';
import { text } from '../../lib/text';

const tags = ['Hand-off 发布交接'];
const security = [{ bearerAuth: [] }];
const idParams = z.object({ id: uuidParam('id') });

const HandoffSchema = z
  .object({
    accountId: uuid(),
    configured: z.boolean(),
    origin: z.string().nullable().openapi({ description: 'Scheme, host and port of the endpoint; the path and the secret are never shown' }),
  })
  .openapi('AccountHandoff');

export const getHandoff = createRoute({
  operationId: 'getHandoff',
  method: 'get', path: '/accounts/{id}/handoff', tags, security, summary: 'Whether approved drafts for this account are handed on, and where (publicity/admin)',
  request: { params: idParams },
  responses: { 200: jsonResponse(HandoffSchema, 'The setting'), ...errors(400, 401, 403, 404) },
});

export const setHandoff = createRoute({
  operationId: 'setHandoff',
  method: 'put', path: '/accounts/{id}/handoff', tags, security,
  summary: 'Set the account’s hand-off endpoint 设置发布交接地址 (publicity/admin): draft.approved and draft.retracted go there, signed',
  description: 'The URL follows the robots’ rules: https:// only (http:// with ALLOW_HTTP_WEBHOOKS=true), no loopback, private or reserved address (400 naming `url`); checked again after DNS at send time. The secret signs each delivery (see the README: X-Imprimatur-Timestamp, X-Imprimatur-Signature, replay window).',
  request: { params: idParams, ...jsonBody(z.strictObject({ url: z.url({ protocol: /^https?$/ }).max(2000), secret: text(200).min(16) })) },
  responses: { 200: jsonResponse(HandoffSchema, 'The setting'), ...errors(400, 401, 403, 404) },
});

export const clearHandoff = createRoute({
  operationId: 'clearHandoff',
  method: 'delete', path: '/accounts/{id}/handoff', tags, security, summary: 'Stop handing on approved drafts for this account (publicity/admin)',
  request: { params: idParams },
  responses: { 200: jsonResponse(HandoffSchema, 'The setting'), ...errors(400, 401, 403, 404) },
});

const PublicationSchema = z
  .object({
    id: uuid(), draftId: uuid(), accountId: uuid().nullable(), url: z.string(), publishedAt: z.string(),
    recordedBy: z.object({ id: uuid(), name: z.string().nullable() }), createdAt: z.string(),
  })
  .openapi('Publication');
const Publications = z.object({ items: z.array(PublicationSchema) });

/** What a publication record takes (the draft page's 登记发布 form reads the same). */
export const PublicationBody = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2000),
  publishedAt: instant().optional().openapi({ description: 'When it went live (ISO 8601); omitted: now' }),
  accountId: uuid().optional().openapi({ description: 'Which target account published it (one in service: see the description)' }),
});

export const recordPublication = createRoute({
  operationId: 'recordPublication',
  method: 'post', path: '/drafts/{id}/publications', tags, security,
  summary: 'Record where an approved draft went live 登记发布 (URL, time, account; the drafter, its unit, publicity)',
  description: 'The account must be in service now, by the gate the draft passed at approval (registered, with a live pass code or in the campaign’s grace period): a suspended, rectifying, shut-down or deregistered account, or one without a valid code, is refused with 409 `account_not_publishable` naming it and why (`details.accounts[].status`, `.reason`). Without `accountId`, at least one of the draft’s target accounts must be in service.',
  request: {
    params: idParams,
    ...jsonBody(PublicationBody),
  },
  responses: { 201: jsonResponse(Publications, 'Every publication of the draft'), ...errors(400, 401, 403, 404, 409) },
});

export const listPublications = createRoute({
  operationId: 'listPublications',
  method: 'get', path: '/drafts/{id}/publications', tags, security, summary: 'Where and when a draft was published',
  request: { params: idParams },
  responses: { 200: jsonResponse(Publications, 'Every publication of the draft'), ...errors(400, 401, 403, 404) },
});
