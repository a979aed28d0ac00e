import type { Context } from 'hono';
import { AppError } from '../../lib/errors';
import { formBody, validationError, type AppEnv, type AppRouteHandler } from '../../lib/http';
import { csvResponse } from '../../lib/csv';
import * as duties from '../../services/duties';
import { dutyYearCsv } from '../../services/duty-exports';
import * as supervisions from '../../services/supervisions';
import type { Upload } from '../../services/files';
import { uploadsOf } from '../files/files.handlers';
import { NoteSchema } from './duties.routes';
import type * as routes from './duties.routes';

export const listTemplates: AppRouteHandler<typeof routes.listTemplates> = async (c) => {
  const { deps, person } = c.var;
  return c.json({ items: await duties.listTemplates(deps.db, person) }, 200);
};

export const createTemplate: AppRouteHandler<typeof routes.createTemplate> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await duties.createTemplate(deps.db, deps, person, c.req.valid('json')), 201);
};

export const updateTemplate: AppRouteHandler<typeof routes.updateTemplate> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await duties.updateTemplate(deps.db, deps, person, c.req.valid('param').id, c.req.valid('json')), 200);
};

export const listObligations: AppRouteHandler<typeof routes.listObligations> = async (c) => {
  const { deps, person } = c.var;
  const { unitId, period, mine } = c.req.valid('query');
  return c.json({ items: await duties.listObligations(deps.db, deps, person, { unitId, period, mine: mine === 'true' }) }, 200);
};

export const getObligation: AppRouteHandler<typeof routes.getObligation> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await duties.getObligation(deps.db, deps, person, c.req.valid('param').id), 200);
};

/** The `files` parts (or a single `file`) and the `note` of a multipart body; bad fields are named. */
export async function evidenceForm(c: Context<AppEnv>): Promise<{ note: string; files: Upload[] }> {
  const type = c.req.header('content-type') ?? '';
  if (!/^multipart\/form-data/i.test(type)) throw new AppError('unsupported_media_type');
  const form = await formBody(c, true);
  const noteParts = [form.note].flat().filter((n) => n !== undefined);
  if (noteParts.length > 1 || noteParts.some((n) => typeof n !== 'string')) throw validationError([{ code: 'custom', path: ['note'], message: 'one text field', params: { zh: '只能有一个文本字段' }, input: undefined }] as never, 'form');
  const parsed = NoteSchema.safeParse({ note: noteParts[0] });
  if (!parsed.success) throw validationError(parsed.error.issues, 'form');
  const files = await uploadsOf(form);
  return { note: parsed.data.note, files };
}

export const submitEvidence: AppRouteHandler<typeof routes.submitEvidence> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await duties.submitEvidence(deps.db, deps, person, c.req.valid('param').id, await evidenceForm(c)), 201);
};

export const acceptSubmission: AppRouteHandler<typeof routes.acceptSubmission> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await duties.decide(deps.db, deps, person, c.req.valid('param').id, 'accept', c.req.valid('json').comment), 200);
};

export const returnSubmission: AppRouteHandler<typeof routes.returnSubmission> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await duties.decide(deps.db, deps, person, c.req.valid('param').id, 'return', c.req.valid('json').comment), 200);
};

export const getEvidenceFile: AppRouteHandler<typeof routes.getEvidenceFile> = async (c) => {
  const { deps, person } = c.var;
  const { id, sha256 } = c.req.valid('param');
  const served = await duties.evidenceFile(deps.db, deps, person, id, sha256);
  return c.body(served.bytes as Uint8Array<ArrayBuffer>, 200, served.headers) as never;
};

export const exportYear: AppRouteHandler<typeof routes.exportYear> = async (c) => {
  const { deps, person } = c.var;
  const { body, filename } = await dutyYearCsv(deps.db, deps, person, c.req.valid('query').year);
  return csvResponse(body, filename) as never;
};

export const openSupervisions: AppRouteHandler<typeof routes.openSupervisions> = async (c) => {
  const { deps, person } = c.var;
  const { year, unitIds } = c.req.valid('json');
  return c.json({ items: await supervisions.openSupervisions(deps.db, deps, person, year, unitIds) }, 201);
};

export const listSupervisions: AppRouteHandler<typeof routes.listSupervisions> = async (c) => {
  const { deps, person } = c.var;
  return c.json({ items: await supervisions.listSupervisions(deps.db, person, c.req.valid('query').year) }, 200);
};

export const getSupervision: AppRouteHandler<typeof routes.getSupervision> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await supervisions.getSupervision(deps.db, deps, person, c.req.valid('param').id), 200);
};

export const scoreSupervision: AppRouteHandler<typeof routes.scoreSupervision> = async (c) => {
  const { deps, person } = c.var;
  const { rectifyDeadline, ...rest } = c.req.valid('json');
  return c.json(await supervisions.scoreSupervision(deps.db, deps, person, c.req.valid('param').id, { ...rest, rectifyDeadline: rectifyDeadline ? new Date(rectifyDeadline) : undefined }), 200);
};

export const reportRectification: AppRouteHandler<typeof routes.reportRectification> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await supervisions.reportRectification(deps.db, deps, person, c.req.valid('param').id, c.req.valid('json').note), 200);
};
