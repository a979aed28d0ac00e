import { createRoute, z } from '@hono/zod-openapi';
import { errors, jsonResponse, uuid } from '../../lib/http';

const tags = ['Sessions 登录会话'];
const security = [{ bearerAuth: [] }];

const SessionSchema = z
  .object({
    id: uuid(),
    method: z.enum(['email', 'oidc']).openapi({ description: 'How the person signed in: a mailed one-time link, or single sign-on' }),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    expiresAt: z.string().openapi({ description: 'The absolute end (7 days after sign-in); 8 hours without a request end it sooner' }),
    current: z.boolean().openapi({ description: 'The session this request came with' }),
  })
  .openapi('Session');

const personParam = z.object({ personId: uuid().openapi({ param: { name: 'personId', in: 'path' } }) });
const sessionParam = z.object({ sessionId: uuid().openapi({ param: { name: 'sessionId', in: 'path' } }) });

export const currentSession = createRoute({
  operationId: 'getCurrentSession',
  method: 'get', path: '/session', tags, security,
  summary: "This browser's session and its CSRF token (for a page's own script: send it as X-CSRF-Token on writes)",
  responses: {
    200: jsonResponse(z.object({ sessionId: uuid(), personId: uuid(), csrfToken: z.string() }).openapi('CurrentSession'), 'The session'),
    ...errors(401, 404),
  },
});

export const mySessions = createRoute({
  operationId: 'listMySessions',
  method: 'get', path: '/sessions', tags, security, summary: 'My signed-in browsers',
  responses: { 200: jsonResponse(z.object({ items: z.array(SessionSchema) }), 'Sessions, most recently used first'), ...errors(401) },
});

export const personSessions = createRoute({
  operationId: 'listPersonSessions',
  method: 'get', path: '/people/{personId}/sessions', tags, security, summary: "A person's signed-in browsers (admin, or the person)",
  request: { params: personParam },
  responses: { 200: jsonResponse(z.object({ items: z.array(SessionSchema) }), 'Sessions'), ...errors(400, 401, 403) },
});

export const endSessionRoute = createRoute({
  operationId: 'endSession',
  method: 'delete', path: '/sessions/{sessionId}', tags, security, summary: 'End a session: my own, or anyone’s (admin). The browser is signed out at its next request',
  request: { params: sessionParam },
  responses: { 204: { description: 'Ended (or already ended)' }, ...errors(400, 401, 404) },
});
