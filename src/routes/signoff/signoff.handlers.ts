import type { AppRouteHandler } from '../../lib/http';
import { forLinkHolder } from '../../services/draft-page';
import { decideByLink, openLink, transferReview } from '../../services/signoff';
import type * as routes from './signoff.routes';

export const viewLink: AppRouteHandler<typeof routes.viewLink> = async (c) => {
  const { deps } = c.var;
  const view = await openLink(deps.db, deps, c.req.valid('param').token);
  return c.json({ reviewId: view.review.id, level: view.review.level, version: view.version.no, reviewer: view.reviewer, expiresAt: view.expiresAt.toISOString(), draft: forLinkHolder(view.draft, true) }, 200);
};

export const decide: AppRouteHandler<typeof routes.decide> = async (c) => {
  const { deps } = c.var;
  return c.json(forLinkHolder(await decideByLink(deps.db, deps, c.req.valid('param').token, c.req.valid('json')), false), 200);
};

export const transferByLink: AppRouteHandler<typeof routes.transferByLink> = async (c) => {
  const { deps } = c.var;
  return c.json(forLinkHolder(await transferReview(deps.db, deps, { linkToken: c.req.valid('param').token }, null, c.req.valid('json')), false), 200);
};
