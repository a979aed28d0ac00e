import { createRoute, z } from '@hono/zod-openapi';
import { SEVERITIES } from '../../domain/prescreen';
import { errors, jsonBody, jsonResponse, said, uuid, uuidParam } from '../../lib/http';
import { text } from '../../lib/text';

const tags = ['Pre-screen 发布前自查'];
const security = [{ bearerAuth: [] }];

// The document states the pattern itself: the generator writes a flagged regex as `source/u`, which
// no JSON Schema validator reads (JSON Schema patterns are Unicode-aware already).
const Category = text(50).regex(/^[\p{L}\p{N}_-]+$/u, said('只能含字母、数字、_ 和 -', 'letters, digits, _ and - only')).openapi({ example: 'political', pattern: '^[\\p{L}\\p{N}_-]+$' });

const WordSchema = z
  .object({ id: uuid(), word: z.string(), category: z.string(), severity: z.enum(SEVERITIES), note: z.string().nullable(), createdBy: uuid().nullable(), createdAt: z.string() })
  .openapi('PrescreenWord');

export const listWords = createRoute({
  operationId: 'listPrescreenWords',
  method: 'get', path: '/prescreen/words', tags, security, summary: 'The managed word list 敏感词表 (publicity/admin)',
  responses: { 200: jsonResponse(z.object({ items: z.array(WordSchema) }), 'Every entry, by category then word'), ...errors(401, 403) },
});

export const addWord = createRoute({
  operationId: 'addPrescreenWord',
  method: 'post', path: '/prescreen/words', tags, security, summary: 'Add an entry 添加词条 (publicity/admin); matched from the next version written',
  request: jsonBody(z.strictObject({ word: text(100), category: Category, severity: z.enum(SEVERITIES), note: text(500).optional() })),
  responses: { 201: jsonResponse(WordSchema, 'The entry'), ...errors(400, 401, 403, 409) },
});

export const removeWordById = createRoute({
  operationId: 'removePrescreenWordById',
  method: 'delete', path: '/prescreen/words/{id}', tags, security, summary: 'Remove an entry by id 删除词条 (publicity/admin)',
  request: { params: z.object({ id: uuidParam('id') }) },
  responses: { 200: jsonResponse(WordSchema, 'The removed entry'), ...errors(400, 401, 403, 404) },
});

export const removeWordByText = createRoute({
  operationId: 'removePrescreenWordByText',
  method: 'delete', path: '/prescreen/words', tags, security, summary: 'Remove an entry by its word 删除词条 (publicity/admin): ?word=…',
  request: { query: z.object({ word: text(100) }) },
  responses: { 200: jsonResponse(WordSchema, 'The removed entry'), ...errors(400, 401, 403, 404) },
});

const UnitScreen = z
  .object({
    unitId: uuid(),
    block: z.array(z.string()).openapi({ description: 'Finding categories that refuse submission (409 prescreen_blocked)' }),
    categories: z.array(z.string()).openapi({ description: 'Categories that can be blocked: classification, personal_info and the word list’s' }),
  })
  .openapi('UnitPrescreen');

export const getUnitScreen = createRoute({
  operationId: 'getUnitScreen',
  method: 'get', path: '/units/{unitId}/prescreen', tags, security, summary: 'Which pre-screen categories block this unit’s submissions',
  request: { params: z.object({ unitId: uuidParam('unitId') }) },
  responses: { 200: jsonResponse(UnitScreen, 'The setting'), ...errors(400, 401, 403, 404) },
});

export const setUnitScreen = createRoute({
  operationId: 'setUnitScreen',
  method: 'put', path: '/units/{unitId}/prescreen', tags, security, summary: 'Set the categories that block submission 设置拦截类别 (publicity/admin)',
  request: { params: z.object({ unitId: uuidParam('unitId') }), ...jsonBody(z.strictObject({ block: z.array(Category).max(50) })) },
  responses: { 200: jsonResponse(UnitScreen, 'The setting'), ...errors(400, 401, 403, 404) },
});
