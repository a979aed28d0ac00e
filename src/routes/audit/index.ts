import { createRouter } from '../../lib/http';
import * as handlers from './audit.handlers';
import * as routes from './audit.routes';

export const auditRouter = createRouter()
  .openapi(routes.verifyAuditChain, handlers.verifyAuditChain)
  .openapi(routes.listAuditEvents, handlers.listAuditEvents);
