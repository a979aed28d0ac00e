import { createRouter } from '../../lib/http';
import * as handlers from './deliveries.handlers';
import * as routes from './deliveries.routes';

export const deliveriesRouter = createRouter()
  .openapi(routes.listDeliveries, handlers.listDeliveries)
  .openapi(routes.resendDelivery, handlers.resendDelivery);
