import type { AppRouteHandler } from '../../lib/http';
import * as inspections from '../../services/inspections';
import type * as routes from './verify.routes';

export const verifyCode: AppRouteHandler<typeof routes.verifyCode> = async (c) => {
  const { deps } = c.var;
  // Revocation must show at once, so nobody may keep an old answer.
  c.header('Cache-Control', 'no-cache');
  return c.json(await inspections.verifyCode(deps.db, deps, c.req.valid('param').code), 200);
};
