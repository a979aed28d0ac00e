import { csvResponse } from '../../lib/csv';
import type { AppRouteHandler } from '../../lib/http';
import * as accounts from '../../services/accounts';
import { registryCsv } from '../../services/registry-exports';
import type * as routes from './accounts.routes';
import { LIFECYCLE } from './accounts.routes';

export const applyForAccount: AppRouteHandler<typeof routes.applyForAccount> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await accounts.applyForAccount(deps.db, deps, person, c.req.valid('json')), 201);
};

export const listAccounts: AppRouteHandler<typeof routes.listAccounts> = async (c) => {
  const { deps, person } = c.var;
  const items = await accounts.listAccounts(deps.db, person, c.req.valid('query'));
  return c.json({ items: items.map((a) => ({ ...a, registeredAt: a.registeredAt?.toISOString() ?? null, dormantSince: a.dormantSince?.toISOString() ?? null })) }, 200);
};

export const getAccount: AppRouteHandler<typeof routes.getAccount> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await accounts.getAccountView(deps.db, deps, person, c.req.valid('param').id), 200);
};

export const changeAccount: AppRouteHandler<typeof routes.changeAccount> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await accounts.changeAccount(deps.db, deps, person, c.req.valid('param').id, c.req.valid('json')), 200);
};

export const approveAccount: AppRouteHandler<typeof routes.approveAccount> = async (c) => {
  const { deps, person } = c.var;
  const body = (c.req.valid('json') as { reason?: string } | undefined) ?? {};
  return c.json(await accounts.approveAccount(deps.db, deps, person, c.req.valid('param').id, body.reason), 200);
};

/** One handler per lifecycle route: the path names the command. */
export const lifecycle = (path: keyof typeof LIFECYCLE): AppRouteHandler<typeof routes.suspendAccount> => async (c) => {
  const { deps, person } = c.var;
  return c.json(await accounts.changeAccountStatus(deps.db, deps, person, c.req.valid('param').id, LIFECYCLE[path], c.req.valid('json').reason), 200);
};

export const rectifyAccount: AppRouteHandler<typeof routes.rectifyAccount> = async (c) => {
  const { deps, person } = c.var;
  const { reason, deadline } = c.req.valid('json');
  return c.json(await accounts.changeAccountStatus(deps.db, deps, person, c.req.valid('param').id, 'rectify', reason, { deadline: deadline ? new Date(deadline) : undefined }), 200);
};

export const exportRegistry: AppRouteHandler<typeof routes.exportRegistry> = async (c) => {
  const { deps, person } = c.var;
  const { body, filename } = await registryCsv(deps.db, deps, person, c.req.valid('query'));
  // The CSV is not JSON, so it leaves through a plain Response rather than c.json.
  return csvResponse(body, filename) as never;
};

export const setDormancy: AppRouteHandler<typeof routes.setDormancy> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await accounts.setDormancyDays(deps.db, deps, person, c.req.valid('json').days), 200);
};
