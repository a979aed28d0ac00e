import { createRoute, z } from '@hono/zod-openapi';
import { ACCOUNT_STATUSES } from '../../../db/schema';
import { GRADE_RESULTS } from '../../domain/inspection';
import { PLATFORMS } from '../../domain/inspection-code';
import { errors, jsonResponse } from '../../lib/http';
import { text } from '../../lib/text';

const tags = ['Public verification 公开查验'];

/**
 * Only the length is checked here: the shape and check character are the service's to judge, so a
 * malformed code and a typo get their own answers (400 code_malformed, 404 code_not_found).
 */
export const CodeParam = text(64, { trim: false }).openapi({ param: { name: 'code', in: 'path' }, example: 'SJ-2026-WX-0001-T', description: 'An inspection pass code 审查合格编码' });

export const VerificationSchema = z.object({
  code: z.string(),
  valid: z.boolean().openapi({ description: 'The code is live and the account is registered (not suspended, under rectification or shut down)' }),
  status: z.enum(['valid', 'revoked', 'expired']).openapi({ description: 'The code itself; a code expires when the next year’s campaign closes' }),
  year: z.number().int(),
  result: z.enum(GRADE_RESULTS),
  issuedAt: z.string(),
  revokedAt: z.string().nullable().openapi({ description: 'When the code was revoked; the reason is internal (the publicity department’s record), never shown publicly' }),
  expiredAt: z.string().nullable(),
  account: z.object({ name: z.string(), platform: z.enum(PLATFORMS), unit: z.string(), status: z.enum(ACCOUNT_STATUSES), registrationNo: z.string().nullable() }),
  verifyUrl: z.string().openapi({ description: 'The public page the QR code points at' }),
}).openapi('Verification');

/**
 * The contract, as documented (If-None-Match included). The handler reads that header itself: a
 * header schema makes hono collect and validate every request header, which was a measurable share
 * of this hottest route's CPU, to read one that is only ever compared with our own tag.
 */
export const verifyCode = createRoute({
  operationId: 'verifyCode',
  method: 'get', path: '/verify/{code}', tags, security: [], summary: 'Verify an inspection pass code (public, no token)',
  request: { params: z.object({ code: CodeParam }), headers: z.object({ 'if-none-match': z.string().optional().openapi({ description: 'The ETag of an earlier answer' }) }) },
  responses: {
    200: { ...jsonResponse(VerificationSchema, 'What the registry says about the code'), headers: z.object({ ETag: z.string().openapi({ description: 'Weak tag of this answer' }) }) },
    304: { description: 'Unchanged since the answer whose ETag was sent in If-None-Match' },
    ...errors(400, 404),
  },
});

/** What is validated before the handler runs: the path parameter (the header is read by the handler). */
export const verifyCodeValidated = { ...verifyCode, request: { params: verifyCode.request.params } };
