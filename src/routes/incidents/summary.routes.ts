import { createRoute, z } from '@hono/zod-openapi';
import { MONTH_PATTERN, OUTCOMES } from '../../domain/incident-reports';
import { GROUPS, INCIDENT_CLASSES, INCIDENT_STAGES, SEVERITIES } from '../../domain/incidents';
import { errors, jsonResponse, said, uuid } from '../../lib/http';

const tags = ['Incidents 舆情处置'];
const security = [{ bearerAuth: [] }];

/** `?month=YYYY-MM` (default: this month in Beijing); the monthly page checks its form with the same schema. */
export const MonthQuery = z.object({
  month: z.string().regex(MONTH_PATTERN, said('月份，格式 YYYY-MM（如 2026-11）', 'a month as YYYY-MM (e.g. 2026-11)')).optional().openapi({ example: '2026-11' }),
});

const count = z.number().int();
const Kept = z.object({ met: count, missed: count, pending: count });
const DeadlineRecord = z.object({ due: z.string().nullable(), doneAt: z.string().nullable(), outcome: z.enum(OUTCOMES) });

const SummarySchema = z
  .object({
    month: z.string().openapi({ example: '2026-11' }),
    from: z.string().openapi({ description: 'The month’s first instant (00:00 北京时间 on the 1st)' }),
    to: z.string().openapi({ description: 'The next month’s first instant' }),
    total: count,
    bySeverity: z.record(z.string(), count).openapi({ description: `Incidents by severity: ${SEVERITIES.join(', ')}, unassessed` }),
    byClass: z.record(z.string(), count).openapi({ description: `By class of handling: ${INCIDENT_CLASSES.join(', ')}, unassessed` }),
    byGroup: z.record(z.string(), count).openapi({ description: `By group: ${GROUPS.join(', ')}` }),
    byStage: z.record(z.string(), count).openapi({ description: `By stage now: ${INCIDENT_STAGES.join(', ')}` }),
    byUnit: z.array(z.object({ unitId: uuid(), unitName: z.string(), count })),
    acknowledge: Kept.openapi({ description: 'Reports acknowledged within the hour (met), late or not at all once passed (missed), still within it (pending)' }),
    sameDayReply: Kept.openapi({ description: 'Class inquiry (询问、置疑、诉求): the reply on the Beijing day of the report (当日回复) kept, missed, or still due today' }),
    items: z.array(z.object({
      id: uuid(), unitId: uuid(), unitName: z.string(), summary: z.string(), reportedAt: z.string(),
      severity: z.enum(SEVERITIES).nullable(), class: z.enum(INCIDENT_CLASSES).nullable(), group: z.enum(GROUPS), stage: z.enum(INCIDENT_STAGES), urgent: z.boolean(),
      deadlines: z.object({ acknowledge: DeadlineRecord, sameDayReply: DeadlineRecord, result: DeadlineRecord }),
      bulletinUrl: z.string().openapi({ description: 'The printable 舆情要报 (a page for a signed-in browser)' }),
    })),
  })
  .openapi('IncidentMonthlySummary');

export const monthlySummary = createRoute({
  operationId: 'incidentMonthlySummary',
  method: 'get', path: '/incidents/summary', tags, security,
  summary: 'A month of incidents for the publicity department (publicity, admin): counts by severity, class, group, unit and stage; same-day replies and acknowledgements kept or missed',
  request: { query: MonthQuery },
  responses: { 200: jsonResponse(SummarySchema, 'The month, by the Beijing day each incident was reported'), ...errors(400, 401, 403) },
});

export const exportMonth = createRoute({
  operationId: 'exportIncidents',
  method: 'get', path: '/exports/incidents.csv', tags, security,
  summary: 'A month’s incidents as CSV (UTF-8 with BOM, formulas neutralized) (publicity, admin)',
  request: { query: MonthQuery },
  responses: { 200: { content: { 'text/csv': { schema: z.string() } }, description: 'CSV: reported, unit, facts, group, severity, class, stage, source, acknowledgement, same-day reply, promised result, closed, bulletin address' }, ...errors(400, 401, 403) },
});
