import { createRouter } from '../../lib/http';
import * as handlers from './duties.handlers';
import * as routes from './duties.routes';

// Template paths before `/duties/{id}`, so `templates` is never taken for an obligation id.
export const dutiesRouter = createRouter()
  .openapi(routes.listTemplates, handlers.listTemplates)
  .openapi(routes.createTemplate, handlers.createTemplate)
  .openapi(routes.updateTemplate, handlers.updateTemplate)
  .openapi(routes.listObligations, handlers.listObligations)
  .openapi(routes.getObligation, handlers.getObligation)
  .openapi(routes.submitEvidence, handlers.submitEvidence)
  .openapi(routes.acceptSubmission, handlers.acceptSubmission)
  .openapi(routes.returnSubmission, handlers.returnSubmission)
  .openapi(routes.getEvidenceFile, handlers.getEvidenceFile)
  .openapi(routes.exportYear, handlers.exportYear)
  .openapi(routes.openSupervisions, handlers.openSupervisions)
  .openapi(routes.listSupervisions, handlers.listSupervisions)
  .openapi(routes.getSupervision, handlers.getSupervision)
  .openapi(routes.scoreSupervision, handlers.scoreSupervision)
  .openapi(routes.reportRectification, handlers.reportRectification);
