import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { createRouter, jsonResponse } from '../../lib/http';

const tags = ['Health'];

const healthz = createRoute({
  method: 'get', path: '/healthz', tags, summary: 'The process is up',
  responses: { 200: jsonResponse(z.object({ ok: z.literal(true) }), 'Up') },
});

const Ready = z.object({ ok: z.boolean(), database: z.object({ ok: z.boolean(), error: z.string().optional() }) }).catchall(z.unknown());
const readyz = createRoute({
  method: 'get', path: '/readyz', tags, summary: 'The database is reachable; queue state when workers run',
  responses: { 200: jsonResponse(Ready, 'Ready'), 503: jsonResponse(Ready, 'Not ready') },
});

export const healthRouter = createRouter()
  .openapi(healthz, (c) => c.json({ ok: true as const }, 200))
  .openapi(readyz, async (c) => {
    const { deps } = c.var;
    let database: { ok: boolean; error?: string } = { ok: true };
    try {
      await deps.db.execute(sql`select 1`);
    } catch (err) {
      database = { ok: false, error: (err as Error).message };
    }
    // Queue trouble is reported, not fatal: the API keeps serving while Redis is down.
    const extra = deps.readiness ? await deps.readiness().catch((err: Error) => ({ queue: { ok: false, error: err.message } })) : {};
    const body = { ok: database.ok, database, ...extra };
    return database.ok ? c.json(body, 200) : c.json(body, 503);
  });
