import { weakEtag } from '../../lib/etag';
import type { AppRouteHandler } from '../../lib/http';
import * as inspections from '../../services/inspections';
import type * as routes from './verify.routes';

export const verifyCode: AppRouteHandler<typeof routes.verifyCode> = async (c) => {
  const { deps } = c.var;
  // Revocation must show at once, so nobody may keep an old answer; one who asks again with the
  // ETag it was given gets a bodiless 304 while nothing changed.
  c.header('Cache-Control', 'no-cache');
  const answer = await inspections.verifyCode(deps.db, deps, c.req.valid('param').code);
  const tag = weakEtag(JSON.stringify(answer));
  c.header('ETag', tag);
  if (c.req.valid('header')['if-none-match']?.split(/\s*,\s*/).includes(tag)) return c.body(null, 304);
  return c.json(answer, 200);
};
