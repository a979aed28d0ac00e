import { createMiddleware } from 'hono/factory';
import { bodyLimit } from 'hono/body-limit';
import { createRouter, type AppEnv } from '../../lib/http';
import { tooLarge } from '../../services/files';
import * as handlers from './files.handlers';
import * as routes from './files.routes';

/** Multipart overhead allowed on top of FILE_MAX_BYTES (boundaries, part headers, a few small fields). */
const MULTIPART_OVERHEAD = 64 * 1024;

/**
 * Upload routes take files up to FILE_MAX_BYTES, read as a counted stream: a body past the limit is
 * refused with 413 before it is buffered, whatever Content-Length claims (or without one).
 */
export const uploadLimit = createMiddleware<AppEnv>((c, next) => {
  // Any other body is refused by the route (415) and was already read by the JSON input guard.
  if (!/^multipart\/form-data/i.test(c.req.header('content-type') ?? '')) return next();
  return bodyLimit({ maxSize: c.var.deps.config.fileMaxBytes + MULTIPART_OVERHEAD, onError: () => { throw tooLarge(c.var.deps); } })(c, next);
});

export const filesRouter = createRouter();
filesRouter.use('/drafts/:id/files', uploadLimit);
filesRouter.use('/drafts/import', uploadLimit);
filesRouter
  .openapi(routes.importDraft, handlers.importDraft)
  .openapi(routes.uploadFile, handlers.uploadFile)
  .openapi(routes.listFiles, handlers.listFiles)
  .openapi(routes.getFile, handlers.getFile)
  .openapi(routes.getFileByLink, handlers.getFileByLink);
