import { createRouter } from '../../lib/http';
import * as handlers from './prescreen.handlers';
import * as routes from './prescreen.routes';

export const prescreenRouter = createRouter()
  .openapi(routes.listWords, handlers.listWords)
  .openapi(routes.addWord, handlers.addWord)
  .openapi(routes.removeWordById, handlers.removeWordById)
  .openapi(routes.removeWordByText, handlers.removeWordByText)
  .openapi(routes.getUnitScreen, handlers.getUnitScreen)
  .openapi(routes.setUnitScreen, handlers.setUnitScreen);
