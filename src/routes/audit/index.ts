import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, errors, jsonResponse } from '../../lib/http';
import { requireRole } from '../../services/auth';
import { verifyAuditChain } from '../../services/audit';

const verify = createRoute({
  operationId: 'verifyAuditChain',
  method: 'get', path: '/audit/verify', tags: ['Audit 审计'], security: [{ bearerAuth: [] }],
  summary: 'Recompute the audit hash chain; reports the first broken link (admin/publicity)',
  responses: {
    200: jsonResponse(z.object({ ok: z.boolean(), events: z.number().int(), brokenAt: z.object({ seq: z.number().int(), reason: z.string() }).optional() }), 'Verification result'),
    ...errors(401, 403),
  },
});

export const auditRouter = createRouter().openapi(verify, async (c) => {
  requireRole(c.var.person, 'admin', 'publicity');
  return c.json(await verifyAuditChain(c.var.deps.db), 200);
});
