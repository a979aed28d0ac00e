import { createRoute, z } from '@hono/zod-openapi';
import { ENTRY_KINDS, GROUPS, INCIDENT_CLASSES, INCIDENT_STAGES, SEVERITIES } from '../../domain/incidents';
import { errors, fileParts, instant, jsonBody, jsonResponse, uuid, uuidParam } from '../../lib/http';
import { line, text } from '../../lib/text';

const tags = ['Incidents 舆情处置'];
const security = [{ bearerAuth: [] }];
const moment = instant().openapi({ example: '2026-11-30T09:30:00+08:00' });
const idParams = z.object({ id: uuidParam('id') });

const IncidentSchema = z
  .object({
    id: uuid(), unitId: uuid(), reporterId: uuid(), summary: z.string(), occurredAt: z.string(), place: z.string(), people: z.string(), development: z.string(),
    group: z.enum(GROUPS), severity: z.enum(SEVERITIES).nullable(), class: z.enum(INCIDENT_CLASSES).nullable().openapi({ description: '分类处置: inquiry 询问置疑诉求 (当日回复), hyping 恶意炒作, fabrication 造谣诽谤煽动, suggestion 建设性意见' }),
    urgent: z.boolean(), stage: z.enum(INCIDENT_STAGES), sourcePlatform: z.string().nullable(), sourceUrl: z.string().nullable(),
    reportedAt: z.string(), acknowledgedAt: z.string().nullable(), repliedAt: z.string().nullable(), promisedBy: z.string().nullable(), closedAt: z.string().nullable(),
    deadlines: z.object({ acknowledgeBy: z.string().nullable(), replyBy: z.string().nullable().openapi({ description: 'Class inquiry: the end of the Beijing day of the report (当日回复)' }), resultBy: z.string().nullable() }),
    actions: z.array(z.string()).openapi({ description: 'What the stage allows next' }),
    evidence: z.array(z.object({ sha256: z.string(), name: z.string(), type: z.string(), size: z.number(), url: z.string() })).optional().openapi({ description: 'Photos, screenshots and documents of the report and later additions; url serves them to whoever may see the incident' }),
    entries: z.array(z.object({ id: uuid(), at: z.string(), kind: z.enum(ENTRY_KINDS), text: z.string().nullable(), draftId: uuid().nullable(), actor: z.object({ id: uuid(), name: z.string() }).nullable(), data: z.record(z.string(), z.unknown()) })).optional(),
  })
  .openapi('Incident');

const RosterSchema = z.object({
  unitId: uuid().nullable().openapi({ description: "null: the university's roster" }),
  entries: z.array(z.object({ id: uuid(), personId: uuid(), name: z.string(), from: z.string(), to: z.string() })),
}).openapi('DutyRoster');

/** One roster entry; the roster page's 安排值班 form is checked with it too. */
export const RosterEntryBody = z.strictObject({ personId: uuid(), from: moment, to: moment });
/** The roster's body; `to` after `from`, and no person's entries may overlap (400 naming `entries.{i}.from|to`). */
export const RosterBody = z.strictObject({ entries: z.array(RosterEntryBody).max(500) });
const unitParams = z.object({ unitId: uuidParam('unitId') });
const ROSTER_RULES = ' Entries that have ended stay as the record; `to` must be after `from`, and one person’s entries may not overlap (400 naming the entry’s field).';

export const putRoster = createRoute({
  operationId: 'setIncidentRoster',
  method: 'put', path: '/units/{unitId}/duty-roster', tags, security, summary: "Set a unit's 24-hour duty roster 值班表 (publicity, admin); replaces it from now on",
  description: `Who is on duty when for the unit; new reports reach them at once.${ROSTER_RULES}`,
  request: { params: unitParams, ...jsonBody(RosterBody) },
  responses: { 200: jsonResponse(RosterSchema, 'The roster from a week ago on'), ...errors(400, 401, 403, 404) },
});

export const getRoster = createRoute({
  operationId: 'getIncidentRoster',
  method: 'get', path: '/units/{unitId}/duty-roster', tags, security, summary: "A unit's duty roster (its members and position holders, publicity, admin)",
  request: { params: unitParams },
  responses: { 200: jsonResponse(RosterSchema, 'The roster from a week ago on'), ...errors(400, 401, 403, 404) },
});

export const putUniversityRoster = createRoute({
  operationId: 'setUniversityRoster',
  method: 'put', path: '/duty-roster', tags, security, summary: "Set the university's duty roster 学校值班表 (publicity, admin); replaces it from now on",
  description: `The university's roster stands in for a unit with nobody on duty: a report of that unit reaches whoever is on it.${ROSTER_RULES}`,
  request: jsonBody(RosterBody),
  responses: { 200: jsonResponse(RosterSchema, 'The roster from a week ago on'), ...errors(400, 401, 403, 404) },
});

export const getUniversityRoster = createRoute({
  operationId: 'getUniversityRoster',
  method: 'get', path: '/duty-roster', tags, security, summary: "The university's duty roster (anyone signed in: it is whom a report reaches when the unit has nobody on duty)",
  responses: { 200: jsonResponse(RosterSchema, 'The roster from a week ago on'), ...errors(401) },
});

/** A report's body; the report page checks its form with the same schema. */
export const ReportBody = z.strictObject({
  unitId: uuid(), summary: line(200), occurredAt: moment, place: line(200), people: text(500), development: text(5000),
  group: z.enum(GROUPS), severity: z.enum(SEVERITIES).optional(), urgent: z.boolean().optional(),
  sourcePlatform: line(50).optional(), sourceUrl: z.url({ protocol: /^https?$/ }).max(2000).optional(),
});

export const report = createRoute({
  operationId: 'reportIncident',
  method: 'post', path: '/incidents', tags, security,
  summary: 'Report an incident 舆情报告 (any staff of the unit); the person on duty and the leader in charge are told at once (urgent: 越级上报 to the secretary, the skipped level informed)',
  request: jsonBody(ReportBody),
  responses: { 201: jsonResponse(IncidentSchema, 'The incident, stage reported'), ...errors(400, 401, 403, 404) },
});

export const list = createRoute({
  operationId: 'listIncidents',
  method: 'get', path: '/incidents', tags, security, summary: 'Open incidents, gravest and most urgent first (publicity and admins: all units)',
  request: { query: z.object({ closed: z.enum(['true', 'false']).optional() }) },
  responses: { 200: jsonResponse(z.object({ items: z.array(IncidentSchema) }), 'Incidents'), ...errors(401) },
});

export const get = createRoute({
  operationId: 'getIncident',
  method: 'get', path: '/incidents/{id}', tags, security, summary: 'An incident with its dated entries and deadlines',
  request: { params: idParams },
  responses: { 200: jsonResponse(IncidentSchema, 'The incident'), ...errors(400, 401, 404) },
});

const action = (path: string, summary: string, body: z.ZodType) =>
  createRoute({
    // acknowledgeIncident, assessIncident, followUpIncident…
    operationId: `${path.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}Incident`,
    method: 'post', path: `/incidents/{id}/${path}`, tags, security, summary,
    request: { params: idParams, ...jsonBody(body) },
    responses: { 200: jsonResponse(IncidentSchema, 'The incident after the step'), ...errors(400, 401, 403, 404, 409) },
  });

/** The steps' bodies; the incident page's forms are checked with the same schemas. */
export const StepBodies = {
  acknowledge: z.strictObject({ note: text(2000).optional() }),
  assess: z.strictObject({ severity: z.enum(SEVERITIES), class: z.enum(INCIDENT_CLASSES), note: text(5000) }),
  reply: z.strictObject({ draftId: uuid(), promisedBy: moment.optional(), note: text(2000).optional() }),
  followUp: z.strictObject({ text: text(5000), result: z.boolean().optional() }),
  finish: z.strictObject({ text: text(5000) }),
  close: z.strictObject({ summary: text(10000) }),
};

export const acknowledge = action('acknowledge', 'Acknowledge the report (确认接报); it is reported on to the secretary, the dean and by group', StepBodies.acknowledge);
export const assess = action('assess', '研判: severity and class of handling (leaders of the unit, publicity)', StepBodies.assess);
export const reply = action('reply', 'Record the reply to the public: an approved draft (its sign-off record shows who approved the text); promisedBy when the result comes later', StepBodies.reply);
export const followUp = action('follow-up', 'A dated follow-up; result=true when it is the promised result', StepBodies.followUp);
export const finish = action('finish', 'Handling done (处置完毕): on to the closing review', StepBodies.finish);
export const close = action('close', '总结评估: the closing review closes the incident', StepBodies.close);

const binary = { content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } };

/** The evidence form's text field; the `files` parts are read by the handler, which names a bad or missing one. */
export const EvidenceNote = z.object({ note: text(2000).optional() });

export const addEvidence = createRoute({
  operationId: 'addIncidentEvidence',
  method: 'post', path: '/incidents/{id}/evidence', tags, security,
  summary: 'Add photos, screenshots or documents 证据材料 to an open incident (members of its unit, publicity)',
  description: 'multipart/form-data: one or more `files` parts (at most 5 at once; the draft files’ types and FILE_MAX_BYTES apply, judged by the bytes) and an optional `note`.',
  request: {
    params: idParams,
    body: { content: { 'multipart/form-data': { schema: z.object({ files: fileParts, note: z.any().optional().openapi({ type: 'string' }) }) } }, required: false },
  },
  responses: { 201: jsonResponse(IncidentSchema, 'The incident with the new evidence entry'), ...errors(400, 401, 403, 404, 409, 413, 415) },
});

export const getEvidenceFile = createRoute({
  operationId: 'getIncidentFile',
  method: 'get', path: '/incidents/{id}/files/{sha256}', tags, security, summary: 'One evidence file of an incident (whoever may see the incident; others 404)',
  request: { params: z.object({ id: uuidParam('id'), sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex').openapi({ param: { name: 'sha256', in: 'path' } }) }) },
  responses: { 200: { ...binary, description: 'The bytes; images inline, others as downloads' }, ...errors(400, 401, 404) },
});
