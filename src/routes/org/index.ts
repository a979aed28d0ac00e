import { createRouter } from '../../lib/http';
import * as handlers from './org.handlers';
import * as routes from './org.routes';

export const orgRouter = createRouter()
  .openapi(routes.listUnits, handlers.listUnits)
  .openapi(routes.createUnit, handlers.createUnit)
  .openapi(routes.listPeople, handlers.listPeople)
  .openapi(routes.getUnit, handlers.getUnit)
  .openapi(routes.setChain, handlers.setChain)
  .openapi(routes.createPerson, handlers.createPerson)
  .openapi(routes.getPerson, handlers.getPerson)
  .openapi(routes.deactivatePerson, handlers.deactivatePerson)
  .openapi(routes.reactivatePerson, handlers.reactivatePerson)
  .openapi(routes.me, handlers.me)
  .openapi(routes.assignPosition, handlers.assignPosition)
  .openapi(routes.setNotifications, handlers.setNotifications)
  .openapi(routes.setRobots, handlers.setRobots)
  .openapi(routes.searchPeople, handlers.searchPeople);
