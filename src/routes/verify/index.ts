import { createRouter } from '../../lib/http';
import * as handlers from './verify.handlers';
import * as routes from './verify.routes';

/** Public (listed in PUBLIC_API): anyone may check a pass code. */
export const verifyRouter = createRouter().openapi({ ...routes.verifyCodeValidated, hide: true }, handlers.verifyCode);
verifyRouter.openAPIRegistry.registerPath(routes.verifyCode);

export { verifyPagesRouter } from './verify.pages';
