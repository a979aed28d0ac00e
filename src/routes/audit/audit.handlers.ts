import type { AppRouteHandler } from '../../lib/http';
import { requireRole } from '../../services/auth';
import { localeOf } from '../../lib/i18n';
import { verificationReport, verifyAuditChain as verifyChain } from '../../services/audit';
import { listAuditEvents as listEvents } from '../../services/audit-log';
import type * as routes from './audit.routes';

export const verifyAuditChain: AppRouteHandler<typeof routes.verifyAuditChain> = async (c) => {
  requireRole(c.var.person, 'admin', 'publicity');
  return c.json(verificationReport(await verifyChain(c.var.deps.db), localeOf(c)), 200);
};

export const listAuditEvents: AppRouteHandler<typeof routes.listAuditEvents> = async (c) => {
  requireRole(c.var.person, 'admin', 'publicity');
  const q = c.req.valid('query');
  const found = await listEvents(c.var.deps.db, { ...q, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined });
  return c.json({ next: found.next, items: found.items.map((e) => ({ ...e, at: e.at.toISOString() })) }, 200);
};
