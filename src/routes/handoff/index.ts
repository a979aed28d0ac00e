import { createRouter } from '../../lib/http';
import * as handlers from './handoff.handlers';
import * as routes from './handoff.routes';

export const handoffRouter = createRouter()
  .openapi(routes.getHandoff, handlers.getHandoff)
  .openapi(routes.setHandoff, handlers.setHandoff)
  .openapi(routes.clearHandoff, handlers.clearHandoff)
  .openapi(routes.recordPublication, handlers.recordPublication)
  .openapi(routes.listPublications, handlers.listPublications);
