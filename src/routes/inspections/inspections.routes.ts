import { createRoute, z } from '@hono/zod-openapi';
import { ACCOUNT_STATUSES } from '../../../db/schema';
import { AUTO_FAIL_ITEMS, GRADE_RESULTS, INCIDENT_KINDS, INSPECTION_STATUSES } from '../../domain/inspection';
import { day, errors, fileParts, instant, jsonBody, jsonResponse, said, uuid, uuidParam } from '../../lib/http';
import { CodeParam, VerificationSchema } from '../verify/verify.routes';
import { text } from '../../lib/text';
import { EVIDENCE_PER_INSPECTION, EVIDENCE_PER_UPLOAD } from '../../services/inspections';

const tags = ['Inspections 年度检查'];
const security = [{ bearerAuth: [] }];

const moment = instant().openapi({ example: '2026-03-31T23:59:59+08:00' });
const params = z.object({ id: uuidParam('id') });

const CampaignSchema = z.object({
  id: uuid(), year: z.number().int(), deadline: z.string(), graceUntil: z.string(), closedAt: z.string().nullable(), createdAt: z.string(),
  inspections: z.array(z.object({ id: uuid(), accountId: uuid(), accountName: z.string(), status: z.enum(INSPECTION_STATUSES), result: z.enum(GRADE_RESULTS).nullable(), gradedAt: z.string().nullable() })),
}).openapi('Campaign');

const Team = z.object({ admins: z.number().int(), operators: z.number().int(), reviewers: z.number().int(), commentators: z.number().int(), notes: z.string().optional() });

const InspectionSchema = z.object({
  id: uuid(), campaignId: uuid(), year: z.number().int(), deadline: z.string(), accountId: uuid(), accountName: z.string(), accountStatus: z.enum(ACCOUNT_STATUSES),
  status: z.enum(INSPECTION_STATUSES), result: z.enum(GRADE_RESULTS).nullable(), findings: z.string().nullable(), autoFailItems: z.array(z.enum(AUTO_FAIL_ITEMS)),
  gradedAt: z.string().nullable(), gradedBy: uuid().nullable(), rectifyDeadline: z.string().nullable(),
  selfReport: z.unknown().nullable(), selfReportedAt: z.string().nullable(),
  prefill: z.object({
    team: Team, commentatorPresent: z.boolean(),
    reviewCompliance: z.object({ approvedDrafts: z.number().int(), retractedDrafts: z.number().int(), lastApprovedAt: z.string().nullable() }),
  }).nullable().openapi({ description: "What this system's own records say about the year (sign-off records, current team); the self-report starts from it" }),
  code: z.object({ code: z.string(), status: z.enum(['valid', 'revoked', 'expired']), issuedAt: z.string() }).nullable(),
  gradings: z.array(z.object({ result: z.enum(GRADE_RESULTS), findings: z.string().nullable(), autoFailItems: z.array(z.enum(AUTO_FAIL_ITEMS)), rectifyDeadline: z.string().nullable(), gradedBy: uuid(), at: z.string() })),
  interviews: z.array(z.object({ id: uuid(), heldAt: z.string(), attendees: z.array(z.string()), notes: z.string(), recordedBy: uuid() })),
  evidence: z.array(z.object({ sha256: z.string(), name: z.string(), type: z.string(), size: z.number().int(), uploadedBy: uuid(), uploadedAt: z.string() }))
    .openapi({ description: 'Evidence files of the self-report (佐证材料); each at /inspections/{id}/evidence/{sha256}' }),
}).openapi('Inspection');

const one = (description: string) => jsonResponse(InspectionSchema, description);

export const createCampaign = createRoute({
  operationId: 'createCampaign',
  method: 'post', path: '/inspections/campaigns', tags, security, summary: 'Open the year’s campaign 年度检查 (publicity): one inspection per registered account',
  request: jsonBody(z.strictObject({
    year: z.number().int().min(2000).max(2100),
    deadline: moment.openapi({ description: 'Self-reports are due by then; owners are reminded 7 days and 1 day before' }),
    graceUntil: moment.optional().openapi({ description: 'Accounts under inspection may publish until then; the campaign closes then and last year’s codes expire (default: deadline + 30 days)' }),
  }).refine((b) => !b.graceUntil || new Date(b.graceUntil) >= new Date(b.deadline), { ...said('不能早于自查截止时间', 'must not be before the deadline'), path: ['graceUntil'] })),
  responses: { 201: jsonResponse(CampaignSchema, 'The campaign and its inspections'), ...errors(400, 401, 403, 409) },
});

export const listCampaigns = createRoute({
  operationId: 'listCampaigns',
  method: 'get', path: '/inspections/campaigns', tags, security, summary: 'Every campaign, newest first (publicity)',
  responses: {
    200: jsonResponse(z.object({ items: z.array(z.object({ id: uuid(), year: z.number().int(), deadline: z.string(), graceUntil: z.string(), closedAt: z.string().nullable(), inspections: z.number().int(), passed: z.number().int() })) }), 'Campaigns'),
    ...errors(401, 403),
  },
});

export const getCampaign = createRoute({
  operationId: 'getCampaign',
  method: 'get', path: '/inspections/campaigns/{id}', tags, security, summary: 'A campaign and where each inspection stands (publicity)',
  request: { params },
  responses: { 200: jsonResponse(CampaignSchema, 'The campaign'), ...errors(400, 401, 403, 404) },
});

export const closeCampaign = createRoute({
  operationId: 'closeCampaign',
  method: 'post', path: '/inspections/campaigns/{id}/close', tags, security, summary: 'Close the campaign now (publicity): ends the grace period and expires earlier years’ codes (the sweep does this at graceUntil)',
  request: { params },
  responses: { 200: jsonResponse(CampaignSchema, 'The closed campaign'), ...errors(400, 401, 403, 404, 409) },
});

export const exportCampaign = createRoute({
  operationId: 'exportCampaign',
  method: 'get', path: '/exports/campaigns/{id}/results.csv', tags, security, summary: 'A campaign’s results as CSV (UTF-8 with BOM, opens in Excel) (publicity)',
  request: { params: z.object({ id: uuidParam('id') }) },
  responses: { 200: { content: { 'text/csv': { schema: z.string() } }, description: 'CSV' }, ...errors(400, 401, 403, 404) },
});

export const getInspection = createRoute({
  operationId: 'getInspection',
  method: 'get', path: '/inspections/{id}', tags, security, summary: 'One inspection with its prefilled self-report, gradings, interviews and code (owner, role holders, unit, publicity)',
  request: { params },
  responses: { 200: one('The inspection'), ...errors(400, 401, 403, 404) },
});

const count = z.number().int().min(0).max(10_000);

// Every field is optional (what the system knows is prefilled) and unknown fields are ignored
// rather than refused: owners file this from many tools, and nothing in it can change state wrongly.
export const SelfReportSchema = z.object({
  updateFrequency: text(200).optional().openapi({ example: '每周 2–3 次', description: 'Defaults to the count of drafts approved for the account this year' }),
  incidents: z.array(z.strictObject({ kind: z.enum(INCIDENT_KINDS), description: text(2000), at: day().optional() })).max(100).optional()
    .openapi({ description: `Incidents of the year; ${AUTO_FAIL_ITEMS.join(', ')} are automatic-fail items` }),
  team: z.strictObject({ admins: count.optional(), operators: count.optional(), reviewers: count.optional(), commentators: count.optional(), notes: text(2000, { min: 0, trim: false }).optional() }).optional()
    .openapi({ description: 'Overrides of the team counts prefilled from the registry' }),
  commentatorPresent: z.boolean().optional(),
  reviewCompliance: z.strictObject({ unreviewedPublications: count.optional(), notes: text(2000, { min: 0, trim: false }).optional() }).optional()
    .openapi({ description: 'The count of approved drafts comes from this system’s sign-off records; declare any publication that skipped review' }),
  notes: text(5000, { min: 0, trim: false }).optional(),
}).openapi('SelfReport');

export const fileSelfReport = createRoute({
  operationId: 'fileSelfReport',
  method: 'post', path: '/inspections/{id}/self-report', tags, security, summary: 'File the self-report 自查报告 (owner, role holders or unit); again after rectification for the re-inspection 复查',
  request: { params, ...jsonBody(SelfReportSchema) },
  responses: { 200: one('The inspection, self_reported'), ...errors(400, 401, 403, 404, 409) },
});

const Interview = z.strictObject({ heldAt: moment, attendees: z.array(text(100)).min(1).max(30), notes: text(10_000) }).openapi('Interview');

export const gradeInspection = createRoute({
  operationId: 'gradeInspection',
  method: 'post', path: '/inspections/{id}/grade', tags, security,
  summary: 'Grade 评定 (publicity): pass issues the year’s pass code; rectify sets a deadline (30 days by default) and may record the 约谈; fail suspends or shuts the account down',
  request: {
    params,
    ...jsonBody(z.strictObject({
      result: z.enum(GRADE_RESULTS),
      findings: text(10_000).optional(),
      autoFailItems: z.array(z.enum(AUTO_FAIL_ITEMS)).max(AUTO_FAIL_ITEMS.length).optional().openapi({ description: 'Any of these forces result fail' }),
      rectifyDeadline: moment.optional().openapi({ description: 'For rectify: in the future; thirty days from now when omitted' }),
      interview: Interview.optional(),
      accountAction: z.enum(['suspend', 'shut_down']).optional().openapi({ description: 'On fail: suspend (default) or shut the account down 关停' }),
      expectedStatus: z.enum(INSPECTION_STATUSES).optional().openapi({ description: 'The status the grader saw: if the inspection has moved on since (someone else graded it), 409 instead of grading again' }),
    }).refine((g) => g.result === 'fail' || !g.accountAction, { ...said('仅在评定为 fail 时可填', 'only with result fail'), path: ['accountAction'] })),
  },
  responses: { 200: one('The graded inspection'), ...errors(400, 401, 403, 404, 409) },
});

export const recordInterview = createRoute({
  operationId: 'recordInterview',
  method: 'post', path: '/inspections/{id}/interviews', tags, security, summary: 'Record an interview 约谈记录 with the people responsible (publicity)',
  request: { params, ...jsonBody(Interview) },
  responses: { 201: one('The inspection with the interview'), ...errors(400, 401, 403, 404) },
});

export const reissueCode = createRoute({
  operationId: 'reissueCode',
  method: 'post', path: '/inspections/{id}/code', tags, security, summary: 'Issue a fresh pass code 补发 for a passed inspection whose code was revoked (publicity)',
  request: { params },
  responses: { 201: jsonResponse(VerificationSchema, 'The new code, as the public sees it'), ...errors(400, 401, 403, 404, 409) },
});

export const revokeCode = createRoute({
  operationId: 'revokeCode',
  method: 'post', path: '/codes/{code}/revoke', tags, security, summary: 'Revoke a pass code 撤销 with a reason (publicity); it stays on record, shown as revoked',
  request: { params: z.object({ code: CodeParam }), ...jsonBody(z.strictObject({ reason: text(2000) })) },
  responses: { 200: jsonResponse(VerificationSchema.extend({ revokedReason: z.string() }).openapi('Revocation'), 'The code, now revoked, with the reason recorded (not part of the public answer)'), ...errors(400, 401, 403, 404, 409) },
});

export const addEvidence = createRoute({
  operationId: 'addInspectionEvidence',
  method: 'post', path: '/inspections/{id}/evidence', tags, security,
  summary: 'Attach evidence files 佐证材料 to the self-report (owner, role holders, unit)',
  description: `multipart/form-data: one or more \`files\` parts (at most ${EVIDENCE_PER_UPLOAD} an upload, ${EVIDENCE_PER_INSPECTION} a self-report; the draft files’ types and FILE_MAX_BYTES apply, judged by the bytes). `
    + 'While the self-report may be filed (open, self-reported, rectifying). The same bytes twice are one file.',
  request: {
    params,
    // Read by the handler (repeated file parts), which names a missing or bad field itself.
    body: { content: { 'multipart/form-data': { schema: z.object({ files: fileParts }) } }, required: false },
  },
  responses: { 201: one('The inspection with its evidence'), ...errors(400, 401, 403, 404, 409, 413, 415) },
});

export const getEvidence = createRoute({
  operationId: 'getInspectionEvidence',
  method: 'get', path: '/inspections/{id}/evidence/{sha256}', tags, security, summary: 'One evidence file of a self-report (who may see the inspection)',
  request: { params: z.object({ id: uuidParam('id'), sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex').openapi({ param: { name: 'sha256', in: 'path' } }) }) },
  responses: { 200: { content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } }, description: 'The bytes; images inline, others as downloads' }, ...errors(400, 401, 403, 404) },
});
