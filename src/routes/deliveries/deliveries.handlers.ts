import type { AppRouteHandler } from '../../lib/http';
import { requireRole } from '../../services/auth';
import * as notifications from '../../services/notifications';
import type * as routes from './deliveries.routes';

type DeliveryRow = Awaited<ReturnType<typeof notifications.listDeliveries>>[number];
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const view = (d: DeliveryRow) => ({ ...d, claimedAt: d.claimedAt.toISOString(), sentAt: iso(d.sentAt), createdAt: d.createdAt.toISOString() });

export const listDeliveries: AppRouteHandler<typeof routes.listDeliveries> = async (c) => {
  const { deps, person } = c.var;
  requireRole(person, 'admin', 'publicity');
  return c.json({ items: (await notifications.listDeliveries(deps.db, c.req.valid('query'))).map(view) }, 200);
};

export const resendDelivery: AppRouteHandler<typeof routes.resendDelivery> = async (c) => {
  const { deps, person } = c.var;
  // Operations are the admins' (issue 12); the publicity department reads the list.
  requireRole(person, 'admin');
  return c.json(view(await notifications.resendDelivery(deps.db, deps, person, c.req.valid('param').id)), 200);
};
