import type { Context } from 'hono';
import type { AppEnv, AppRouteHandler } from '../../lib/http';
import { AppError } from '../../lib/errors';
import * as files from '../../services/files';
import type * as routes from './files.routes';

const send = (c: Context<AppEnv>, served: files.Served) => c.body(served.bytes as Uint8Array<ArrayBuffer>, 200, served.headers);

/** The `file` part of a multipart body, or a 400 naming the field. */
export async function uploadedFile(c: Context<AppEnv>): Promise<files.Upload> {
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const file = form.file;
  if (!(file instanceof File)) throw new AppError('file_missing', { field: 'file' }, [{ path: 'file', in: 'body', message: 'a file part named "file" is required (multipart/form-data)' }]);
  return { bytes: new Uint8Array(await file.arrayBuffer()), name: file.name, declaredType: file.type };
}

export const uploadFile: AppRouteHandler<typeof routes.uploadFile> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await files.uploadFile(deps.db, deps, person, c.req.valid('param').id, await uploadedFile(c)), 201);
};

export const getFile: AppRouteHandler<typeof routes.getFile> = async (c) => {
  const { deps } = c.var;
  const { expires, sig } = c.req.valid('query');
  return send(c, await files.fileForRequest(deps.db, deps, c.req.valid('param').id, { authorization: c.req.header('authorization'), expires, sig })) as never;
};

export const getFileByLink: AppRouteHandler<typeof routes.getFileByLink> = async (c) => {
  const { deps } = c.var;
  const { token, fileId } = c.req.valid('param');
  return send(c, await files.fileForLink(deps.db, deps, token, fileId)) as never;
};
