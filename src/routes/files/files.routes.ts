import { createRoute, z } from '@hono/zod-openapi';
import { errors, jsonResponse, uuid, uuidParam } from '../../lib/http';
import { URGENCIES } from '../../../db/schema';
import { line, text } from '../../lib/text';
import { DraftSchema, FileSchema } from '../drafts/drafts.routes';

const tags = ['Files 图片与附件'];
const security = [{ bearerAuth: [] }];

const binary = { content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } };

/**
 * An upload's answer: the file, and whether the draft already had it. The same bytes under another
 * name are another file (附件1.pdf and 附件2.pdf may be one PDF); under the same name, the same file.
 */
const UploadedFileSchema = FileSchema.extend({
  duplicate: z.boolean().openapi({ description: 'True when the draft already had these bytes under this name: no file was added, nothing recorded' }),
}).openapi('UploadedFile');

export const uploadFile = createRoute({
  operationId: 'uploadFile',
  method: 'post', path: '/drafts/{id}/files', tags, security,
  summary: 'Add an image or attachment 上传图片或附件 to the draft',
  description: 'multipart/form-data, field `file`. At most FILE_MAX_BYTES (default 20 MB); jpg, png, gif, webp, pdf, docx, xlsx, pptx, judged by the bytes. '
    + 'The upload makes no version by itself: a version holds the file once the body shows it (`<img src="/api/v1/files/{fileId}">`) or an edit lists it in `fileIds`. '
    + 'With the field `attach=true` the draft gets a new version holding the file at once (an attachment on its own; under review that restarts the chain like any edit). '
    + 'A file is its bytes under its name: the same bytes under another name are another file, listed under that name; the same bytes under the same name are the file the draft has (200, `duplicate: true`).',
  request: {
    params: z.object({ id: uuidParam('id') }),
    // Not required for the validator: the handler reads the part itself and names a missing `file`.
    body: { content: { 'multipart/form-data': { schema: z.object({ file: z.any().openapi({ type: 'string', format: 'binary' }), attach: z.any().optional().openapi({ type: 'string', enum: ['true', 'false'] }) }) } }, required: false },
  },
  responses: {
    201: jsonResponse(UploadedFileSchema, 'A new file of the draft (with attach=true, of its newest version)'),
    200: jsonResponse(UploadedFileSchema, 'The draft already has these bytes under this name (`duplicate: true`): that file, nothing added (with attach=true, now in the newest version)'),
    ...errors(400, 401, 403, 404, 409, 413, 415),
  },
});

export const listFiles = createRoute({
  operationId: 'listFiles',
  method: 'get', path: '/drafts/{id}/files', tags, security, summary: 'Every file of a draft, including uploads no version holds yet',
  request: { params: z.object({ id: uuidParam('id') }) },
  responses: {
    200: jsonResponse(z.object({ items: z.array(FileSchema.extend({ inCurrentVersion: z.boolean() })) }), 'The files, oldest first'),
    ...errors(400, 401, 403, 404),
  },
});

export const getFile = createRoute({
  operationId: 'getFile',
  // A bearer token, or none with a signed URL (?expires&sig): the empty requirement makes auth optional.
  method: 'get', path: '/files/{id}', tags, security: [...security, {}],
  summary: 'A draft’s file, to those allowed to see the draft (bearer) or by a signed URL (expires, sig)',
  request: {
    params: z.object({ id: uuidParam('id') }),
    query: z.object({ expires: z.string().optional(), sig: z.string().optional() }),
  },
  responses: { 200: { ...binary, description: 'The bytes; images inline, others as downloads' }, ...errors(400, 401, 403, 404, 410) },
});

export const getFileByLink = createRoute({
  operationId: 'getFileByLink',
  method: 'get', path: '/signoff/{token}/files/{fileId}', tags, security: [],
  summary: 'A file of the version a live sign-off link shows (no bearer: the link is the capability)',
  request: { params: z.object({ token: z.string().max(200).openapi({ param: { name: 'token', in: 'path' } }), fileId: uuidParam('fileId') }) },
  responses: { 200: { ...binary, description: 'The bytes' }, ...errors(400, 404, 409, 410) },
});

/** The text fields of an import form; the `file` part is read by the handler, which names it when missing. */
export const ImportFields = z.object({
  unitId: uuid(),
  accountIds: z.array(uuid()).max(50).default([]),
  title: line(200).optional(),
  urgency: z.enum(URGENCIES).optional(),
});

export const importDraft = createRoute({
  operationId: 'importDraft',
  method: 'post', path: '/drafts/import', tags: ['Drafts 稿件'], security,
  summary: 'Import a Word document 导入 Word 文档 (.docx) as a new draft',
  description: 'multipart/form-data: `file` (the .docx), `unitId`, optional `accountIds` (repeat the field, or comma-separated), `title` (else the first heading), `urgency`. '
    + 'The body is converted with mammoth and sanitized like any body; embedded images become the draft’s files; the original .docx is an attachment of version 1. '
    + '`importNotes` lists what was left out (e.g. EMF drawings).',
  request: {
    body: {
      content: {
        'multipart/form-data': {
          schema: z.object({
            // Optional to the validator: the handler names a missing `file` or `unitId` itself.
            file: z.any().optional().openapi({ type: 'string', format: 'binary' }),
            unitId: z.any().optional().openapi({ type: 'string', format: 'uuid' }),
            accountIds: z.any().optional().openapi({ type: 'array', items: { type: 'string', format: 'uuid' } }),
            title: z.any().optional().openapi({ type: 'string' }),
            urgency: z.any().optional().openapi({ type: 'string', enum: [...URGENCIES] }),
          }),
        },
      },
      required: false,
    },
  },
  responses: {
    201: jsonResponse(DraftSchema.extend({ importNotes: z.array(z.string()) }).openapi('ImportedDraft'), 'The new draft, its body converted, its images as files'),
    ...errors(400, 401, 403, 404, 409, 413, 415),
  },
});
