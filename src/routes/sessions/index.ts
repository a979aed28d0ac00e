import { AppError, words } from '../../lib/errors';
import { createRouter } from '../../lib/http';
import { hasRole } from '../../services/auth';
import { endSession, listSessions } from '../../services/sessions';
import * as routes from './sessions.routes';

type Row = Awaited<ReturnType<typeof listSessions>>[number];
const view = (s: Row, currentId: string | undefined) => ({
  id: s.id, method: s.method as 'email' | 'oidc', userAgent: s.userAgent, ip: s.ip,
  createdAt: s.createdAt.toISOString(), lastSeenAt: s.lastSeenAt.toISOString(), expiresAt: s.expiresAt.toISOString(), current: s.id === currentId,
});

export const sessionsRouter = createRouter()
  .openapi(routes.currentSession, async (c) => {
    const sessionId = c.get('sessionId');
    // A bearer token is not a browser session: there is no CSRF token to give.
    if (!sessionId) throw new AppError('not_found', { what: words('浏览器会话', 'browser session') });
    return c.json({ sessionId, personId: c.var.person.id, csrfToken: c.var.csrf }, 200);
  })
  .openapi(routes.mySessions, async (c) => {
    const items = await listSessions(c.var.deps.db, c.var.deps, c.var.person.id);
    return c.json({ items: items.map((s) => view(s, c.get('sessionId'))) }, 200);
  })
  .openapi(routes.personSessions, async (c) => {
    const { personId } = c.req.valid('param');
    if (personId !== c.var.person.id && !hasRole(c.var.person, 'admin')) throw new AppError('forbidden');
    const items = await listSessions(c.var.deps.db, c.var.deps, personId);
    return c.json({ items: items.map((s) => view(s, c.get('sessionId'))) }, 200);
  })
  .openapi(routes.endSessionRoute, async (c) => {
    await endSession(c.var.deps.db, c.var.deps, c.var.person, c.req.valid('param').sessionId);
    return c.body(null, 204);
  });
