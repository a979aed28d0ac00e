import { createRouter } from '../../lib/http';
import { createToken, listTokens, revokeToken, type TokenRow } from '../../services/tokens';
import * as routes from './tokens.routes';

const view = (r: TokenRow) => ({ id: r.id, label: r.label, createdAt: r.createdAt.toISOString() });

export const tokensRouter = createRouter()
  .openapi(routes.listTokensRoute, async (c) => c.json({ items: (await listTokens(c.var.deps.db, c.var.person)).map(view) }, 200))
  .openapi(routes.createTokenRoute, async (c) => {
    const created = await createToken(c.var.deps.db, c.var.deps, c.var.person, c.req.valid('json').label);
    return c.json({ ...view(created), token: created.token }, 201);
  })
  .openapi(routes.revokeTokenRoute, async (c) => {
    await revokeToken(c.var.deps.db, c.var.deps, c.var.person, c.req.valid('param').id);
    return c.body(null, 204);
  });
