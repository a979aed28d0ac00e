import { createRouter } from '../../lib/http';
import { requireRole } from '../../services/auth';
import { listDeliveries } from '../../services/notifications';
import * as routes from './deliveries.routes';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const deliveriesRouter = createRouter().openapi(routes.listDeliveries, async (c) => {
  requireRole(c.var.person, 'admin', 'publicity');
  const rows = await listDeliveries(c.var.deps.db, c.req.valid('query'));
  return c.json({ items: rows.map((d) => ({ ...d, claimedAt: d.claimedAt.toISOString(), sentAt: iso(d.sentAt), createdAt: d.createdAt.toISOString() })) }, 200);
});
