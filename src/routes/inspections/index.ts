import { createRouter } from '../../lib/http';
import * as handlers from './inspections.handlers';
import * as routes from './inspections.routes';

// Campaign paths before `/inspections/{id}`, so `campaigns` is never taken for an inspection id.
export const inspectionsRouter = createRouter()
  .openapi(routes.createCampaign, handlers.createCampaign)
  .openapi(routes.listCampaigns, handlers.listCampaigns)
  .openapi(routes.getCampaign, handlers.getCampaign)
  .openapi(routes.closeCampaign, handlers.closeCampaign)
  .openapi(routes.exportCampaign, handlers.exportCampaign)
  .openapi(routes.getInspection, handlers.getInspection)
  .openapi(routes.fileSelfReport, handlers.fileSelfReport)
  .openapi(routes.gradeInspection, handlers.gradeInspection)
  .openapi(routes.recordInterview, handlers.recordInterview)
  .openapi(routes.reissueCode, handlers.reissueCode)
  .openapi(routes.revokeCode, handlers.revokeCode)
  .openapi(routes.addEvidence, handlers.addEvidence)
  .openapi(routes.getEvidence, handlers.getEvidence);
