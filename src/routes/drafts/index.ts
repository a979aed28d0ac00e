import { createRouter } from '../../lib/http';
import * as handlers from './drafts.handlers';
import * as routes from './drafts.routes';

export const draftsRouter = createRouter()
  .openapi(routes.createDraft, handlers.createDraft)
  .openapi(routes.listDrafts, handlers.listDrafts)
  .openapi(routes.getDraft, handlers.getDraft)
  .openapi(routes.diffDraft, handlers.diffDraft)
  .openapi(routes.editDraft, handlers.editDraft)
  .openapi(routes.submitDraft, handlers.submitDraft)
  .openapi(routes.withdrawDraft, handlers.withdrawDraft)
  .openapi(routes.retractDraft, handlers.retractDraft)
  .openapi(routes.urgeDraft, handlers.urgeDraft)
  .openapi(routes.transferReview, handlers.transferReview);
