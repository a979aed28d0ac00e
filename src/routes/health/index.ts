import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, errors, jsonResponse, type Readiness } from '../../lib/http';
import { driverMessage, schemaProblem } from '../../lib/errors';
import { readInstallation } from '../../services/installation';

const tags = ['Health'];

const healthz = createRoute({
  operationId: 'getHealth',
  method: 'get', path: '/healthz', tags, security: [], summary: 'The process is up',
  // 400: the input guard refuses any request whose path or query is not storable text, this one too.
  responses: { 200: jsonResponse(z.object({ ok: z.literal(true) }), 'Up'), ...errors(400) },
});

const Ready = z
  .object({
    ok: z.boolean(),
    /** Why the process is not ready (503): the database, or a host's check such as a stale outbox. */
    reason: z.string().optional(),
    database: z.object({ ok: z.boolean(), error: z.string().optional() }),
    /** The database's installation id; the queues' key prefix carries it. */
    installation: z.object({ id: z.string() }).optional(),
  })
  .catchall(z.unknown());
const readyz = createRoute({
  operationId: 'getReadiness',
  method: 'get', path: '/readyz', tags, security: [], summary: 'The database is reachable and no outbox row has waited too long; queue state when workers run',
  responses: { 200: jsonResponse(Ready, 'Ready'), ...errors(400), 503: jsonResponse(Ready, 'Not ready, with the reason') },
});

/**
 * What went wrong, in words an operator acts on: the driver's own message, not drizzle's wrapper
 * ("Failed query: …"), and a database dropped or without the schema said as such (new, or replaced
 * under the running process: migrate, then restart), as the API's 503 says it.
 */
function databaseProblem(err: unknown): string {
  const problem = schemaProblem(err);
  return problem ? `${problem.zh} / ${problem.en}` : driverMessage(err);
}

export const healthRouter = createRouter()
  .openapi(healthz, (c) => c.json({ ok: true as const }, 200))
  .openapi(readyz, async (c) => {
    const { deps } = c.var;
    let database: { ok: boolean; error?: string } = { ok: true };
    let installation: { id: string } | undefined;
    try {
      installation = { id: (await readInstallation(deps.db)).id };
    } catch (err) {
      database = { ok: false, error: databaseProblem(err) };
    }
    // Queue trouble is reported, not fatal (the API keeps serving while Redis is down); a host's
    // `notReady` reasons (an outbox row waiting too long) are.
    const { notReady = [], ...extra }: Readiness = deps.readiness ? await deps.readiness().catch((err: Error) => ({ queue: { ok: false, error: err.message } })) : {};
    const reasons = [...(database.ok ? [] : [`数据库不可用 / database unavailable: ${database.error}`]), ...notReady];
    const body = { ok: !reasons.length, ...(reasons.length ? { reason: reasons.join('; ') } : {}), database, ...(installation ? { installation } : {}), ...extra };
    return reasons.length ? c.json(body, 503) : c.json(body, 200);
  });
