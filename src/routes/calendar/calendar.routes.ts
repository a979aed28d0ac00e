import { createRoute, z } from '@hono/zod-openapi';
import { festivalProblems } from '../../domain/holidays';
import { errors, jsonBody, jsonResponse, uuid } from '../../lib/http';
import { line, text } from '../../lib/text';

const tags = ['Calendar 工作日历'];
const security = [{ bearerAuth: [] }];
const yearParam = z.coerce.number().int().min(2000).max(2100).openapi({ param: { name: 'year', in: 'path' }, example: 2027 });
const Day = z.object({ date: z.string(), name: z.string() });

const CalendarYearSchema = z
  .object({
    year: z.number().int(),
    source: z.enum(['shipped', 'loaded', 'none']).openapi({ description: '`none`: no data, plain Monday–Friday' }),
    provisional: z.boolean(),
    holidays: z.array(Day),
    workdays: z.array(Day).openapi({ description: 'Make-up workdays 调休上班 (a Saturday or Sunday)' }),
    loadedAt: z.string().nullable(),
    loadedBy: uuid().nullable(),
  })
  .openapi('CalendarYear');

const Festival = z.strictObject({
  name: line(40).openapi({ example: '春节' }),
  first: text(10).openapi({ example: '2027-02-05' }),
  last: text(10).optional().openapi({ example: '2027-02-12' }),
  makeUpDays: z.array(text(10)).max(5).optional().openapi({ example: ['2027-01-31', '2027-02-20'] }),
});

export const getYear = createRoute({
  operationId: 'getYear',
  method: 'get', path: '/calendar/{year}', tags, security, summary: 'Holidays and make-up workdays of a year, as reminders count them',
  request: { params: z.object({ year: yearParam }) },
  responses: { 200: jsonResponse(CalendarYearSchema, 'The year'), ...errors(400, 401) },
});

export const loadYear = createRoute({
  operationId: 'loadYear',
  method: 'put', path: '/calendar/{year}', tags, security,
  summary: "Load a year from the State Council's notice 国务院办公厅节假日安排通知 (admin); replaces the shipped data for that year",
  request: {
    params: z.object({ year: yearParam }),
    ...jsonBody(z.strictObject({ notice: text(200, { min: 0 }).optional().openapi({ example: '国办发明电〔2026〕X号' }), festivals: z.array(Festival).min(1).max(20) })),
  },
  responses: { 200: jsonResponse(CalendarYearSchema, 'The year now in force'), ...errors(400, 401, 403) },
});

/** Checks the festivals against the year in the path (a cross-field rule the body schema alone cannot see). */
export function festivalIssues(year: number, festivals: z.infer<typeof Festival>[]) {
  return festivalProblems(year, festivals).map((p) => ({ code: 'custom' as const, path: ['festivals', ...p.path], message: p.message, params: { zh: p.zh }, input: undefined }));
}
