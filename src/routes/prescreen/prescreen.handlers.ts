import type { AppRouteHandler } from '../../lib/http';
import * as prescreen from '../../services/prescreen';
import type * as routes from './prescreen.routes';

export const listWords: AppRouteHandler<typeof routes.listWords> = async (c) => c.json(await prescreen.listWords(c.var.deps.db, c.var.person), 200);

export const addWord: AppRouteHandler<typeof routes.addWord> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await prescreen.addWord(deps.db, deps, person, c.req.valid('json')), 201);
};

export const removeWordById: AppRouteHandler<typeof routes.removeWordById> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await prescreen.removeWord(deps.db, deps, person, { id: c.req.valid('param').id }), 200);
};

export const removeWordByText: AppRouteHandler<typeof routes.removeWordByText> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await prescreen.removeWord(deps.db, deps, person, { word: c.req.valid('query').word }), 200);
};

export const getUnitScreen: AppRouteHandler<typeof routes.getUnitScreen> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await prescreen.getUnitScreen(deps.db, person, c.req.valid('param').unitId), 200);
};

export const setUnitScreen: AppRouteHandler<typeof routes.setUnitScreen> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await prescreen.setUnitScreen(deps.db, deps, person, c.req.valid('param').unitId, c.req.valid('json').block), 200);
};
