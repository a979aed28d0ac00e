import { createRoute, z } from '@hono/zod-openapi';
import { EVIDENCE_KINDS, POSITIONS } from '../../../db/schema';
import { isValidMonthDay, OBLIGATION_STATUSES, PERIOD_KEY, RECURRENCES, STANDINGS } from '../../domain/duties';
import { SUPERVISION_STAGES, SUPERVISION_STATUSES } from '../../domain/supervision';
import { day, errors, fileParts, instant, jsonBody, jsonResponse, said, uuid, uuidParam } from '../../lib/http';
import { line, text } from '../../lib/text';

const tags = ['Duties 责任制职责'];
const security = [{ bearerAuth: [] }];
const params = z.object({ id: uuidParam('id') });

const Reviewer = z.enum(['publicity', ...POSITIONS]).openapi({ description: '`publicity`: the publicity department; a position: that position of the unit' });
const Responsible = z.enum(['publicity', ...POSITIONS]).openapi({
  description: 'A position: its holder in every unit the duty binds (the secretary while it is vacant); `publicity`: the publicity department itself (for the university’s 网络信息安全领导小组办公室), one obligation a period of no unit (`unitId` null), reviewed by the department',
});
const DueRuleSchema = z.strictObject({
  from: z.enum(['period_end', 'period_start']),
  days: z.number().int().min(0).max(366),
  unit: z.enum(['calendar_days', 'working_days']),
  roll: z.enum(['next_working_day', 'none']),
}).openapi('DueRule', { example: { from: 'period_end', days: 15, unit: 'calendar_days', roll: 'next_working_day' } });
const Recurrence = z.enum(RECURRENCES).openapi({ description: '`quarterly`, `half_yearly`, `yearly`, or `dates` (the days in `dates`; none: 适时上报, as needed)' });
const Scope = z.union([z.strictObject({ units: z.literal('all') }), z.strictObject({ units: z.array(uuid()).max(1000) })]);
const MonthDay = z.string().refine(isValidMonthDay, said('一年中的某天，格式 MM-DD（不能是 02-29）', 'a day of the year as MM-DD (not 02-29)'));

const TemplateSchema = z.object({
  id: uuid(), key: z.string().nullable().openapi({ description: 'Names a shipped default (seed002.…, seed004.…); null for templates added here' }),
  title: z.string(), content: z.string(), source: z.string().nullable(), responsible: Responsible, scope: Scope,
  recurrence: Recurrence, dates: z.array(z.string()).openapi({ description: 'For `dates`: the days (MM-DD) that close a period; empty means 适时上报 (as needed): no periods, no obligations' }), dueRule: DueRuleSchema, dueRuleText: z.object({ zh: z.string(), en: z.string() }),
  evidence: z.array(z.enum(EVIDENCE_KINDS)), reviewer: Reviewer, active: z.boolean(), createdAt: z.string(), updatedAt: z.string(),
}).openapi('DutyTemplate');

const templateFields = {
  title: line(200), content: text(5000), source: text(500).nullable().optional(), responsible: Responsible, scope: Scope.optional(),
  recurrence: Recurrence, dates: z.array(MonthDay).max(24).optional().openapi({ description: 'Required with `dates`: the days (MM-DD) that close a period, or `[]` for 适时上报 (as needed)' }), dueRule: DueRuleSchema,
  evidence: z.array(z.enum(EVIDENCE_KINDS)).min(1).max(3), reviewer: Reviewer.optional(), active: z.boolean().optional(),
};
/** A `dates` recurrence names its days; only an explicit empty list means 适时上报, so a forgotten list is refused. */
const needsDates = (b: { recurrence?: string; dates?: string[] }) => b.recurrence !== 'dates' || b.dates !== undefined;
const datesIssue = { ...said('按规定日期重复时至少须有一个 MM-DD 日期（没有固定日期的请选“适时上报”，即空的日期列表）', 'a dates recurrence needs at least one MM-DD day (for no set dates choose “as needed”: an empty list of dates)'), path: ['dates'] };
/** The template bodies; the template pages check their forms with them too. */
export const CreateTemplateBody = z.strictObject(templateFields).refine(needsDates, datesIssue);
export const UpdateTemplateBody = z.strictObject(templateFields).partial().refine((b) => !b.recurrence || needsDates(b), datesIssue);

export const listTemplates = createRoute({
  operationId: 'listTemplates',
  method: 'get', path: '/duties/templates', tags, security, summary: 'Duty templates 职责模板 (the seeds’ duties ship as defaults) (anyone signed in)',
  responses: { 200: jsonResponse(z.object({ items: z.array(TemplateSchema) }), 'Templates'), ...errors(401) },
});

export const createTemplate = createRoute({
  operationId: 'createTemplate',
  method: 'post', path: '/duties/templates', tags, security, summary: 'Add a duty template (publicity)',
  request: jsonBody(CreateTemplateBody),
  responses: { 201: jsonResponse(TemplateSchema, 'The template'), ...errors(400, 401, 403) },
});

export const updateTemplate = createRoute({
  operationId: 'updateTemplate',
  method: 'patch', path: '/duties/templates/{id}', tags, security, summary: 'Change or retire (`active: false`) a template (publicity); periods that begin afterwards follow it',
  request: { params, ...jsonBody(UpdateTemplateBody) },
  responses: { 200: jsonResponse(TemplateSchema, 'The template'), ...errors(400, 401, 403, 404) },
});

const EvidenceFileSchema = z.object({ sha256: z.string(), name: z.string(), type: z.string(), size: z.number().int(), url: z.string() });
const ObligationSummarySchema = z.object({
  id: uuid(), templateId: uuid(), title: z.string(),
  unitId: uuid().nullable().openapi({ description: 'null: the publicity department’s own obligation' }), unitName: z.string().nullable(), period: z.string(), year: z.number().int(), recurrence: Recurrence,
  periodStart: z.string(), periodEnd: z.string(), dueDay: z.string().openapi({ description: 'The due day, 北京时间 (YYYY-MM-DD)' }), dueAt: z.string().openapi({ description: 'The last instant of the due day' }),
  status: z.enum(OBLIGATION_STATUSES).openapi({ description: 'open, submitted, returned, accepted; withdrawn: not owed after all (an upgrade found the duty never bound the unit), with whatever was filed kept' }), standing: z.enum(STANDINGS).openapi({ description: 'On the board: done (accepted, submitted in time), late (accepted, submitted after dueAt), missing (past due, nothing accepted or in review), in_review, pending, withdrawn (not owed after all: see status `withdrawn`)' }),
  overdue: z.boolean(), responsible: Responsible, reviewer: Reviewer, evidence: z.array(z.enum(EVIDENCE_KINDS)),
  remindersSent: z.number().int(), escalationsSent: z.number().int(), acceptedAt: z.string().nullable(),
}).openapi('DutyObligationSummary');
const ObligationSchema = ObligationSummarySchema.extend({
  allowedActions: z.array(z.enum(['submit', 'accept', 'return'])).openapi({ description: 'What the caller may do now' }),
  submissions: z.array(z.object({
    id: uuid(), round: z.number().int(), note: z.string(), submittedBy: uuid(), submittedByName: z.string(), submittedAt: z.string(), files: z.array(EvidenceFileSchema),
    decision: z.object({ decision: z.enum(['accept', 'return']), comment: z.string().nullable(), decidedBy: uuid(), decidedAt: z.string() }).nullable(),
  })),
}).openapi('DutyObligation');

export const listObligations = createRoute({
  operationId: 'listObligations',
  method: 'get', path: '/duties', tags, security, summary: 'Obligations 职责事项 of a unit (members; publicity: any) or, without unitId, of the caller’s units (publicity: all)',
  request: {
    query: z.object({
      unitId: uuid().optional(),
      period: z.string().regex(PERIOD_KEY, 'a period (2026-Q1, 2026-H2, 2026-06-30) or a year (2026)')
        // A day must exist (not 2026-02-30), and the year be one a date may have (day()).
        .refine((p) => day().safeParse(p.length === 10 ? p : `${p.slice(0, 4)}-01-01`).success, said('没有这一天，或年份不在 1900–2100 之间', 'no such day, or a year outside 1900–2100'))
        .optional(),
      mine: z.enum(['true', 'false']).optional().openapi({ description: 'Only the duties the caller answers for (their positions)' }),
    }),
  },
  responses: { 200: jsonResponse(z.object({ items: z.array(ObligationSummarySchema) }), 'Obligations, soonest due first'), ...errors(400, 401, 403, 404) },
});

export const getObligation = createRoute({
  operationId: 'getObligation',
  method: 'get', path: '/duties/{id}', tags, security, summary: 'One obligation with its submissions and decisions (unit members, its reviewer, publicity)',
  request: { params },
  responses: { 200: jsonResponse(ObligationSchema, 'The obligation'), ...errors(400, 401, 403, 404) },
});

export const submitEvidence = createRoute({
  operationId: 'submitEvidence',
  method: 'post', path: '/duties/{id}/submissions', tags, security,
  summary: 'Submit the evidence 提交材料 (the unit’s responsible position holder or secretary): files plus a note',
  description: 'multipart/form-data: one or more `files` parts (at most 5; the draft files’ types and FILE_MAX_BYTES apply), and `note` (text, up to 5000 characters).',
  request: {
    params,
    // Read by the handler (repeated file parts), which names a missing or bad field itself.
    body: { content: { 'multipart/form-data': { schema: z.object({ files: fileParts, note: z.string().optional() }) } }, required: false },
  },
  responses: { 201: jsonResponse(ObligationSchema, 'The obligation, submitted'), ...errors(400, 401, 403, 404, 409, 413, 415) },
});

export const NoteSchema = z.object({ note: text(5000, { min: 0, trim: false }).default('') });

export const acceptSubmission = createRoute({
  operationId: 'acceptSubmission',
  method: 'post', path: '/duties/{id}/accept', tags, security, summary: 'Accept the latest submission 审核通过 (the duty’s reviewer; never the submitter)',
  request: { params, ...jsonBody(z.strictObject({ comment: text(2000).optional() })) },
  responses: { 200: jsonResponse(ObligationSchema, 'The obligation, accepted'), ...errors(400, 401, 403, 404, 409) },
});

export const returnSubmission = createRoute({
  operationId: 'returnSubmission',
  method: 'post', path: '/duties/{id}/return', tags, security, summary: 'Return the latest submission with a comment 退回 (the duty’s reviewer)',
  request: { params, ...jsonBody(z.strictObject({ comment: text(2000) })) },
  responses: { 200: jsonResponse(ObligationSchema, 'The obligation, returned'), ...errors(400, 401, 403, 404, 409) },
});

const binary = { content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } };
export const getEvidenceFile = createRoute({
  operationId: 'getEvidenceFile',
  method: 'get', path: '/duties/{id}/files/{sha256}', tags, security, summary: 'One evidence file of an obligation (who may see the obligation)',
  request: { params: z.object({ id: uuidParam('id'), sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex').openapi({ param: { name: 'sha256', in: 'path' } }) }) },
  responses: { 200: { ...binary, description: 'The bytes; images inline, others as downloads' }, ...errors(400, 401, 403, 404) },
});

export const exportYear = createRoute({
  operationId: 'exportDuties',
  method: 'get', path: '/exports/duties.csv', tags, security,
  summary: 'A year’s obligations for the 年度目标责任考核 as CSV (UTF-8 with BOM, formulas neutralized) (publicity)',
  request: { query: z.object({ year: z.coerce.number().int().min(2000).max(2100).openapi({ example: 2026 }) }) },
  responses: { 200: { content: { 'text/csv': { schema: z.string() } }, description: 'CSV: unit, duty, period, due day, status, standing, submitter, note, acceptance, returns, reminders, escalations' }, ...errors(400, 401, 403) },
});

// ——— The yearly 专项督查 ———

const SupervisionSchema = z.object({
  id: uuid(), year: z.number().int(), unitId: uuid(), unitName: z.string(), status: z.enum(SUPERVISION_STATUSES),
  stage: z.enum(SUPERVISION_STAGES).openapi({ description: 'not_started; scored (no findings); rectifying (findings, the unit owes its report); rectified (reported, to be re-checked)' }), total: z.number().int().nullable(), summary: z.string().nullable(),
  items: z.array(z.object({ key: z.string(), title: z.string(), check: z.string(), source: z.string(), max: z.number().int(), score: z.number().int().nullable(), finding: z.string().nullable() })),
  rectifyDeadline: z.string().nullable(), rectifiedAt: z.string().nullable(), rectificationNote: z.string().nullable(),
  scoredBy: uuid().nullable(), scoredAt: z.string().nullable(), escalatedAt: z.string().nullable(),
}).openapi('Supervision');
const SupervisionDetail = SupervisionSchema.extend({
  allowedActions: z.array(z.enum(['score', 'rectification'])).openapi({ description: 'What the caller may do now: score (publicity: not started, or rectified and to be re-checked), rectification (the unit’s secretary or publicity officer while rectifying)' }),
  dutyRecord: z.array(z.object({ title: z.string(), period: z.string(), standing: z.enum(STANDINGS) })).nullable()
    .openapi({ description: "The unit's obligations that year and where each stands (publicity/admin only)" }),
}).openapi('SupervisionDetail');
const sTags = ['Supervision 专项督查'];
const Year = z.number().int().min(2000).max(2100);

/** The bodies the pages check their forms with too, so a page and the API refuse alike. */
export const OpenSupervisionsBody = z.strictObject({ year: Year, unitIds: z.array(uuid()).max(1000).optional() });
export const ScoreBody = z.strictObject({
  items: z.array(z.strictObject({ key: z.string().max(50), score: z.number().int(), finding: text(2000).nullable().optional() })).max(50),
  summary: text(5000).optional(),
  rectifyDeadline: instant().optional(),
});
export const RectificationBody = z.strictObject({ note: text(5000) });

export const openSupervisions = createRoute({
  operationId: 'openSupervisions',
  method: 'post', path: '/supervisions', tags: sTags, security, summary: 'Open the year’s 专项督查 for every unit, or those named (publicity)',
  request: jsonBody(OpenSupervisionsBody),
  responses: { 201: jsonResponse(z.object({ items: z.array(SupervisionSchema) }), 'The year’s supervisions'), ...errors(400, 401, 403) },
});

export const listSupervisions = createRoute({
  operationId: 'listSupervisions',
  method: 'get', path: '/supervisions', tags: sTags, security, summary: 'Supervisions (publicity: all; others: their units’)',
  request: { query: z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() }) },
  responses: { 200: jsonResponse(z.object({ items: z.array(SupervisionSchema) }), 'Supervisions'), ...errors(400, 401) },
});

export const getSupervision = createRoute({
  operationId: 'getSupervision',
  method: 'get', path: '/supervisions/{id}', tags: sTags, security, summary: 'One supervision: the checklist with scores and findings (unit members, publicity)',
  request: { params },
  responses: { 200: jsonResponse(SupervisionDetail, 'The supervision'), ...errors(400, 401, 403, 404) },
});

export const scoreSupervision = createRoute({
  operationId: 'scoreSupervision',
  method: 'post', path: '/supervisions/{id}/score', tags: sTags, security,
  summary: 'Score the checklist (publicity): every item 0…max; marks taken off need a finding; findings need a rectification deadline',
  request: {
    params,
    ...jsonBody(ScoreBody),
  },
  responses: { 200: jsonResponse(SupervisionDetail, 'Scored, or under rectification'), ...errors(400, 401, 403, 404, 409) },
});

export const reportRectification = createRoute({
  operationId: 'reportRectification',
  method: 'post', path: '/supervisions/{id}/rectification', tags: sTags, security, summary: 'Report the rectification done 整改报告 (the unit’s secretary or publicity officer); the department then scores again',
  request: { params, ...jsonBody(RectificationBody) },
  responses: { 200: jsonResponse(SupervisionDetail, 'The supervision'), ...errors(400, 401, 403, 404, 409) },
});
