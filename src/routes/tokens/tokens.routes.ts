import { createRoute, z } from '@hono/zod-openapi';
import { errors, jsonBody, jsonResponse, uuid, uuidParam } from '../../lib/http';
import { line, text } from '../../lib/text';

const tags = ['Tokens 个人令牌'];
const security = [{ bearerAuth: [] }];

const TokenSchema = z
  .object({ id: uuid(), label: z.string(), createdAt: z.string() })
  .openapi('PersonalToken');

export const TokenLabel = z.strictObject({ label: line(100).openapi({ description: 'A name to recognise the token by, e.g. 「公众号排版脚本」' }) });

export const listTokensRoute = createRoute({
  operationId: 'listTokens',
  method: 'get', path: '/tokens', tags, security, summary: 'My personal API tokens (never their secret)',
  responses: { 200: jsonResponse(z.object({ items: z.array(TokenSchema) }), 'Live tokens, newest first'), ...errors(401) },
});

export const createTokenRoute = createRoute({
  operationId: 'createToken',
  method: 'post', path: '/tokens', tags, security, summary: 'Create a personal API token for myself: its value is in this answer only',
  request: jsonBody(TokenLabel),
  responses: { 201: jsonResponse(TokenSchema.extend({ token: z.string().openapi({ description: 'imp_… — shown once; only a keyed hash is kept' }) }).openapi('NewPersonalToken'), 'The token'), ...errors(400, 401, 409) },
});

export const revokeTokenRoute = createRoute({
  operationId: 'revokeToken',
  method: 'delete', path: '/tokens/{id}', tags, security, summary: 'Revoke one of my tokens (calls with it fail at once)',
  request: { params: z.object({ id: uuidParam('id') }) },
  responses: { 204: { description: 'Revoked (or already revoked)' }, ...errors(400, 401, 404) },
});
