import { createRouter } from '../../lib/http';
import * as handlers from './signoff.handlers';
import * as routes from './signoff.routes';

/** Public: the link itself is the capability, so no bearer token is asked for. */
export const signoffRouter = createRouter()
  .openapi(routes.viewLink, handlers.viewLink)
  .openapi(routes.decide, handlers.decide)
  .openapi(routes.transferByLink, handlers.transferByLink);
