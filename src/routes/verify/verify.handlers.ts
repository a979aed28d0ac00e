import type { AppRouteHandler } from '../../lib/http';
import { completeAnswer } from '../../lib/http-guards';
import * as inspections from '../../services/inspections';
import type * as routes from './verify.routes';

/**
 * Revocation must show at once, so nobody may keep an old answer (no-cache, on errors too); one who
 * asks again with the ETag it was given gets a bodiless 304 while nothing changed. The answer, its
 * JSON and its tag come made from the service's cache, and go out as a complete answer (the app's
 * headers included, see completeAnswer).
 */
export const verifyCode: AppRouteHandler<typeof routes.verifyCodeValidated> = async (c) => {
  const deps = c.get('deps');
  let verified: inspections.VerifiedAnswer;
  try {
    verified = await inspections.verifiedAnswer(deps.db, deps, c.req.valid('param').code);
  } catch (err) {
    c.header('Cache-Control', 'no-cache');
    throw err;
  }
  // Compared with our own tag only. (Its text needs no check: a header value cannot hold a NUL or a lone surrogate.)
  const ifNoneMatch = c.req.header('if-none-match');
  if (ifNoneMatch?.split(/\s*,\s*/).includes(verified.etag)) return completeAnswer(c, null, 304, { 'Cache-Control': 'no-cache', ETag: verified.etag });
  return completeAnswer(c, verified.json, 200, { 'Cache-Control': 'no-cache', 'Content-Type': 'application/json', ETag: verified.etag });
};
