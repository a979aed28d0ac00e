import { etag } from 'hono/etag';
import { createRouter } from '../../lib/http';
import * as handlers from './verify.handlers';
import * as routes from './verify.routes';

/** Public (listed in PUBLIC_API): anyone may check a pass code. */
export const verifyRouter = createRouter();
// A scanner that checks again gets 304 while nothing changed (the answer says no-cache: always ask).
verifyRouter.use('/verify/*', etag({ weak: true }));
verifyRouter.openapi(routes.verifyCode, handlers.verifyCode);

export { verifyPagesRouter } from './verify.pages';
