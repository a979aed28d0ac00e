import type { AppRouteHandler } from '../../lib/http';
import { draftDiff } from '../../services/diffs';
import { forCaller } from '../../services/draft-page';
import * as drafts from '../../services/drafts';
import { transferReview as transfer } from '../../services/signoff';
import type * as routes from './drafts.routes';

export const createDraft: AppRouteHandler<typeof routes.createDraft> = async (c) => {
  const { deps, person } = c.var;
  return c.json(forCaller(await drafts.createDraft(deps.db, deps, person, c.req.valid('json')), person), 201);
};

export const listDrafts: AppRouteHandler<typeof routes.listDrafts> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await drafts.listDrafts(deps.db, person, c.req.valid('query')), 200);
};

export const getDraft: AppRouteHandler<typeof routes.getDraft> = async (c) => {
  const { deps, person } = c.var;
  return c.json(forCaller(await drafts.getDraftView(deps.db, person, c.req.valid('param').id), person), 200);
};

export const editDraft: AppRouteHandler<typeof routes.editDraft> = async (c) => {
  const { deps, person } = c.var;
  return c.json(forCaller(await drafts.editDraft(deps.db, deps, person, c.req.valid('param').id, c.req.valid('json')), person), 200);
};

export const submitDraft: AppRouteHandler<typeof routes.submitDraft> = async (c) => {
  const { deps, person } = c.var;
  return c.json(forCaller(await drafts.submitDraft(deps.db, deps, person, c.req.valid('param').id), person), 200);
};

export const withdrawDraft: AppRouteHandler<typeof routes.withdrawDraft> = async (c) => {
  const { deps, person } = c.var;
  const { reason } = c.req.valid('json');
  return c.json(forCaller(await drafts.closeDraft(deps.db, deps, person, c.req.valid('param').id, 'withdraw', reason), person), 200);
};

export const retractDraft: AppRouteHandler<typeof routes.retractDraft> = async (c) => {
  const { deps, person } = c.var;
  const { reason } = c.req.valid('json');
  return c.json(forCaller(await drafts.closeDraft(deps.db, deps, person, c.req.valid('param').id, 'retract', reason), person), 200);
};

export const urgeDraft: AppRouteHandler<typeof routes.urgeDraft> = async (c) => {
  const { deps, person } = c.var;
  const { comment } = c.req.valid('json');
  return c.json(forCaller(await drafts.urgeDraft(deps.db, deps, person, c.req.valid('param').id, comment), person), 200);
};

export const transferReview: AppRouteHandler<typeof routes.transferReview> = async (c) => {
  const { deps, person } = c.var;
  return c.json(forCaller(await transfer(deps.db, deps, person, c.req.valid('param').id, c.req.valid('json')), person), 200);
};

export const diffDraft: AppRouteHandler<typeof routes.diffDraft> = async (c) => {
  const { deps, person } = c.var;
  const { from, to } = c.req.valid('query');
  return c.json(await draftDiff(deps.db, person, c.req.valid('param').id, from, to), 200);
};
