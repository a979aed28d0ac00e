import type { AppRouteHandler } from '../../lib/http';
import * as handoff from '../../services/handoff';
import type * as routes from './handoff.routes';

export const getHandoff: AppRouteHandler<typeof routes.getHandoff> = async (c) => c.json(await handoff.getAccountHandoff(c.var.deps.db, c.var.person, c.req.valid('param').id), 200);

export const setHandoff: AppRouteHandler<typeof routes.setHandoff> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await handoff.setAccountHandoff(deps.db, deps, person, c.req.valid('param').id, c.req.valid('json')), 200);
};

export const clearHandoff: AppRouteHandler<typeof routes.clearHandoff> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await handoff.setAccountHandoff(deps.db, deps, person, c.req.valid('param').id, null), 200);
};

export const recordPublication: AppRouteHandler<typeof routes.recordPublication> = async (c) => {
  const { deps, person } = c.var;
  return c.json({ items: await handoff.recordPublication(deps.db, deps, person, c.req.valid('param').id, c.req.valid('json')) }, 201);
};

export const listPublications: AppRouteHandler<typeof routes.listPublications> = async (c) => {
  const { deps, person } = c.var;
  return c.json({ items: await handoff.listPublications(deps.db, person, c.req.valid('param').id) }, 200);
};
