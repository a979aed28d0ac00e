import { csvResponse } from '../../lib/csv';
import { AppError } from '../../lib/errors';
import { uploadsOf } from '../files/files.handlers';
import { formBody, type AppRouteHandler } from '../../lib/http';
import * as inspections from '../../services/inspections';
import { campaignCsv } from '../../services/registry-exports';
import type * as routes from './inspections.routes';

const date = <T extends string | undefined>(iso: T) => (iso === undefined ? undefined : new Date(iso)) as T extends string ? Date : Date | undefined;

export const createCampaign: AppRouteHandler<typeof routes.createCampaign> = async (c) => {
  const { deps, person } = c.var;
  const body = c.req.valid('json');
  return c.json(await inspections.createCampaign(deps.db, deps, person, { year: body.year, deadline: date(body.deadline), graceUntil: date(body.graceUntil) }), 201);
};

export const listCampaigns: AppRouteHandler<typeof routes.listCampaigns> = async (c) => {
  const { deps, person } = c.var;
  const rows = await inspections.listCampaigns(deps.db, person);
  return c.json({ items: rows.map((r) => ({ ...r, deadline: r.deadline.toISOString(), graceUntil: r.graceUntil.toISOString(), closedAt: r.closedAt?.toISOString() ?? null })) }, 200);
};

export const getCampaign: AppRouteHandler<typeof routes.getCampaign> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await inspections.getCampaignView(deps.db, c.req.valid('param').id, person), 200);
};

export const closeCampaign: AppRouteHandler<typeof routes.closeCampaign> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await inspections.closeCampaign(deps.db, deps, person, c.req.valid('param').id), 200);
};

export const exportCampaign: AppRouteHandler<typeof routes.exportCampaign> = async (c) => {
  const { deps, person } = c.var;
  const { body, filename } = await campaignCsv(deps.db, deps, person, c.req.valid('param').id);
  return csvResponse(body, filename) as never;
};

export const getInspection: AppRouteHandler<typeof routes.getInspection> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await inspections.getInspectionView(deps.db, deps, person, c.req.valid('param').id), 200);
};

export const fileSelfReport: AppRouteHandler<typeof routes.fileSelfReport> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await inspections.fileSelfReport(deps.db, deps, person, c.req.valid('param').id, c.req.valid('json')), 200);
};

export const gradeInspection: AppRouteHandler<typeof routes.gradeInspection> = async (c) => {
  const { deps, person } = c.var;
  const { interview, rectifyDeadline, ...rest } = c.req.valid('json');
  return c.json(await inspections.gradeInspection(deps.db, deps, person, c.req.valid('param').id, {
    ...rest,
    rectifyDeadline: date(rectifyDeadline),
    interview: interview && { ...interview, heldAt: date(interview.heldAt) },
  }), 200);
};

export const recordInterview: AppRouteHandler<typeof routes.recordInterview> = async (c) => {
  const { deps, person } = c.var;
  const interview = c.req.valid('json');
  return c.json(await inspections.recordInterview(deps.db, deps, person, c.req.valid('param').id, { ...interview, heldAt: date(interview.heldAt) }), 201);
};

export const reissueCode: AppRouteHandler<typeof routes.reissueCode> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await inspections.reissueCode(deps.db, deps, person, c.req.valid('param').id), 201);
};

export const revokeCode: AppRouteHandler<typeof routes.revokeCode> = async (c) => {
  const { deps, person } = c.var;
  return c.json(await inspections.revokeCode(deps.db, deps, person, c.req.valid('param').code, c.req.valid('json').reason), 200);
};

export const addEvidence: AppRouteHandler<typeof routes.addEvidence> = async (c) => {
  const { deps, person } = c.var;
  if (!/^multipart\/form-data/i.test(c.req.header('content-type') ?? '')) throw new AppError('unsupported_media_type');
  const files = await uploadsOf(await formBody(c, true), ['files', 'file']);
  return c.json(await inspections.addEvidence(deps.db, deps, person, c.req.valid('param').id, files), 201);
};

export const getEvidence: AppRouteHandler<typeof routes.getEvidence> = async (c) => {
  const { deps, person } = c.var;
  const { id, sha256 } = c.req.valid('param');
  const served = await inspections.evidenceFile(deps.db, deps, person, id, sha256);
  return c.body(served.bytes as Uint8Array<ArrayBuffer>, 200, served.headers) as never;
};
