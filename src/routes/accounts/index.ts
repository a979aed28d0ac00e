import { createRouter } from '../../lib/http';
import * as handlers from './accounts.handlers';
import * as routes from './accounts.routes';

export const accountsRouter = createRouter()
  .openapi(routes.exportRegistry, handlers.exportRegistry)
  .openapi(routes.setDormancy, handlers.setDormancy)
  .openapi(routes.applyForAccount, handlers.applyForAccount)
  .openapi(routes.listAccounts, handlers.listAccounts)
  .openapi(routes.getAccount, handlers.getAccount)
  .openapi(routes.changeAccount, handlers.changeAccount)
  .openapi(routes.approveAccount, handlers.approveAccount)
  .openapi(routes.rejectAccount, handlers.lifecycle('reject'))
  .openapi(routes.suspendAccount, handlers.lifecycle('suspend'))
  .openapi(routes.rectifyAccount, handlers.rectifyAccount)
  .openapi(routes.reinstateAccount, handlers.lifecycle('reinstate'))
  .openapi(routes.shutDownAccount, handlers.lifecycle('shut-down'))
  .openapi(routes.deregisterAccount, handlers.lifecycle('deregister'));
