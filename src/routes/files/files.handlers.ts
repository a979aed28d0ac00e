import type { Context } from 'hono';
import type { AppEnv, AppRouteHandler } from '../../lib/http';
import { AppError, invalidField, words } from '../../lib/errors';
import * as files from '../../services/files';
import { formBody, validationError } from '../../lib/http';
import { assertText } from '../../lib/text';
import { importDocx } from '../../services/docx-import';
import { forCaller } from '../../services/draft-page';
import * as routes from './files.routes';

const send = (c: Context<AppEnv>, served: files.Served) => c.body(served.bytes as Uint8Array<ArrayBuffer>, 200, served.headers);

/** The multipart form, repeated fields as arrays. */
const parseForm = (c: Context<AppEnv>) => formBody(c, true);

/** The `file` part of a multipart body, or a 400 naming the field. */
export async function uploadedFile(c: Context<AppEnv>, form?: Record<string, unknown>): Promise<files.Upload> {
  const fields = form ?? (await parseForm(c));
  const file = Array.isArray(fields.file) ? fields.file[0] : fields.file;
  if (!(file instanceof File)) throw new AppError('file_missing', { field: 'file' }, [{ path: 'file', in: 'body', message: words('须以 multipart/form-data 上传名为 "file" 的文件', 'a file part named "file" is required (multipart/form-data)') }]);
  return { bytes: new Uint8Array(await file.arrayBuffer()), name: file.name, declaredType: file.type };
}

/**
 * The uploads of a parsed multipart form (`parseBody({ all: true })`) under `names`, or a 400 naming
 * the first when a part is not a file. A page's file input with nothing chosen still sends one
 * empty, unnamed part: it is no upload.
 */
export async function uploadsOf(form: Record<string, unknown>, names: string[] = ['files', 'file']): Promise<files.Upload[]> {
  const parts = names.flatMap((n) => [form[n]].flat()).filter((f) => f !== undefined && !(f instanceof File && f.size === 0 && !f.name));
  const out: files.Upload[] = [];
  for (const part of parts) {
    if (!(part instanceof File)) throw validationError([{ code: 'custom', path: [names[0]!], message: `each ${names[0]} part must be a file`, params: { zh: `${names[0]} 的每一部分都须是文件` }, input: undefined }] as never, 'form');
    out.push({ bytes: new Uint8Array(await part.arrayBuffer()), name: part.name, declaredType: part.type });
  }
  return out;
}

export const uploadFile: AppRouteHandler<typeof routes.uploadFile> = async (c) => {
  const { deps, person } = c.var;
  const form = await parseForm(c);
  const attach = Array.isArray(form.attach) ? form.attach[0] : form.attach;
  if (attach !== undefined && attach !== 'true' && attach !== 'false') {
    throw invalidField('attach', words('须为 true 或 false', 'true or false'), 'form');
  }
  const file = await files.uploadFile(deps.db, deps, person, c.req.valid('param').id, await uploadedFile(c, form), { attach: attach === 'true' });
  return file.duplicate ? c.json(file, 200) : c.json(file, 201);
};

export const listFiles: AppRouteHandler<typeof routes.listFiles> = async (c) => {
  const { deps, person } = c.var;
  return c.json({ items: await files.listDraftFiles(deps.db, person, c.req.valid('param').id) }, 200);
};

export const importDraft: AppRouteHandler<typeof routes.importDraft> = async (c) => {
  const { deps, person } = c.var;
  const form = await parseForm(c);
  const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  const list = (v: unknown) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((x) => (typeof x === 'string' ? x.split(',').map((s) => s.trim()).filter(Boolean) : [x])));
  const fields = routes.ImportFields.safeParse({ unitId: one(form.unitId), accountIds: list(form.accountIds), title: one(form.title), urgency: one(form.urgency) });
  if (!fields.success) throw validationError(fields.error.issues, 'form');
  assertText(fields.data, 'form');
  const file = await uploadedFile(c, form);
  return c.json(forCaller(await importDocx(deps.db, deps, person, { file, ...fields.data }), person), 201);
};

export const getFile: AppRouteHandler<typeof routes.getFile> = async (c) => {
  const { deps } = c.var;
  const { expires, sig } = c.req.valid('query');
  const id = c.req.valid('param').id;
  // A signed-in browser (the draft page, the editor) reads the files of drafts its person may read.
  const session = c.get('person');
  if (session && !c.req.header('authorization') && sig === undefined && expires === undefined) return send(c, await files.fileForPerson(deps.db, deps, session, id)) as never;
  return send(c, await files.fileForRequest(deps.db, deps, id, { authorization: c.req.header('authorization'), expires, sig })) as never;
};

export const getFileByLink: AppRouteHandler<typeof routes.getFileByLink> = async (c) => {
  const { deps } = c.var;
  const { token, fileId } = c.req.valid('param');
  return send(c, await files.fileForLink(deps.db, deps, token, fileId)) as never;
};
