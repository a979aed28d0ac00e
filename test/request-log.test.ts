import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../src/lib/http';
import { createLogger } from '../src/lib/logger';
import { requestLog } from '../src/lib/request-log';
import { logChannel } from '../src/notify/channel';
import { createRuntime, type Runtime } from '../src/runtime';

/** What an operator reads: the service's own logger, in production (JSON) and in development (pretty). */
const SECRET = 'request-log-secret-0123456789abcdef0123456789';
const LINK = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdE';
const BEARER = 'imp_ZZZZsecretbearer0123456789abcdefghijkl';

function service(nodeEnv: string | undefined) {
  let output = '';
  const stream = new Writable({ write(chunk, _enc, done) { output += chunk; done(); } });
  const env = { PGLITE_DIR: 'memory://', APP_SECRET: SECRET, LOG_LEVEL: 'info', PUBLIC_URL: 'http://localhost:8787', ...(nodeEnv ? { NODE_ENV: nodeEnv } : {}) };
  const log = createLogger('info', 1, env, stream);
  return { env, log, output: () => output };
}

async function call(rt: Runtime, method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  const res = await rt.app.request(path, { method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  await res.text();
  return { status: res.status, id: res.headers.get('x-request-id') };
}

describe('request logs', () => {
  const prodLog = service('production');
  const devLog = service(undefined);
  let prod: Runtime;
  let dev: Runtime;
  beforeAll(async () => {
    prod = await createRuntime({ env: prodLog.env, log: prodLog.log });
    dev = await createRuntime({ env: devLog.env, log: devLog.log });
  }, 180_000);
  afterAll(async () => {
    await prod?.close();
    await dev?.close();
  });

  it('production: one JSON line per request, 4xx included, with the id of X-Request-Id and no token', async () => {
    const calls = [
      ['GET', '/healthz', {}, 200, '/healthz'],
      ['GET', '/api/v1/drafts', { authorization: `Bearer ${BEARER}` }, 401, '/api/v1/drafts'],
      ['GET', '/nowhere', {}, 404, '/nowhere'],
      ['GET', `/s/${LINK}`, {}, 404, '/s/[redacted]'],
      ['POST', `/api/v1/signoff/${LINK}`, {}, 0, '/api/v1/signoff/[redacted]'],
      ['GET', `/login/${LINK}`, {}, 0, '/login/[redacted]'],
      // A sign-in link's page and its 登录 button's post.
      ['GET', `/login/iml_${LINK}`, {}, 400, '/login/[redacted]'],
      ['POST', `/login/iml_${LINK}`, {}, 400, '/login/[redacted]'],
    ] as const;
    const seen: { id: string; status: number; path: string }[] = [];
    for (const [method, path, headers, status, logged] of calls) {
      const res = await call(prod, method, path, headers, method === 'POST' ? { decision: 'approve' } : undefined);
      expect(res.id, path).toMatch(/^[\w-]{8,}$/);
      if (status) expect(res.status, path).toBe(status);
      else expect(res.status, path).toBeGreaterThanOrEqual(400);
      seen.push({ id: res.id!, status: res.status, path: logged });
    }
    // A caller's own id is kept, so a proxy's id follows the request.
    expect((await call(prod, 'GET', '/healthz', { 'x-request-id': 'edge-42' })).id).toBe('edge-42');

    const lines = prodLog.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const s of seen) {
      const mine = lines.filter((l) => l.reqId === s.id && 'status' in l);
      expect(mine, `one request line for ${s.path}`).toHaveLength(1);
      expect(mine[0]).toMatchObject({ path: s.path, status: s.status, method: expect.any(String), ms: expect.any(Number) });
    }
    expect(lines.some((l) => l.reqId === 'edge-42' && l.status === 200)).toBe(true);
    expect(prodLog.output()).not.toContain(LINK);
    expect(prodLog.output()).not.toContain(BEARER);
    expect(prodLog.output()).not.toContain(SECRET);
  });

  it('every line logged while serving a request carries its request id, its own line last', async () => {
    const { log, output } = service('production');
    const app = new Hono<AppEnv>();
    app.use(async (c, next) => {
      c.set('log', log);
      await next();
    });
    app.use(requestLog);
    app.get('/work', (c) => {
      c.var.log.warn({ step: 1 }, 'inside the handler');
      c.var.log.child({ part: 'deeper' }).error({}, 'in a child logger');
      return c.text('ok');
    });
    const ids: (string | null)[] = [];
    for (let i = 0; i < 2; i++) ids.push((await app.request('/work')).headers.get('x-request-id'));
    expect(new Set(ids).size).toBe(2);
    const lines = output().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.reqId, l.msg])).toEqual(ids.flatMap((id) => [[id, 'inside the handler'], [id, 'in a child logger'], [id, expect.stringMatching(/^GET \/work → 200 /)]]));
  });

  it('development (NODE_ENV unset): human-readable lines with the request id, and the 📨 line as the README shows it', async () => {
    const res = await call(dev, 'GET', '/nowhere');
    const line = devLog.output().split('\n').find((l) => l.includes(`[${res.id}]`));
    expect(line, devLog.output()).toMatch(new RegExp(`^\\[\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] INFO: \\[${res.id}\\] GET /nowhere → 404 \\(`));
    expect(devLog.output().split('\n').filter((l) => l.startsWith('{'))).toEqual([]);

    await logChannel(devLog.log).send({
      to: { personId: 'p', email: 'p@example.edu.cn', name: '王系主任' }, kind: 'assigned',
      subject: '【待审核】《关于举办学术讲座的通知》— 系室负责人', text: '', html: '', link: 'http://localhost:8787/s/tok',
    } as never);
    expect(devLog.output()).toMatch(/INFO: 📨 【待审核】《关于举办学术讲座的通知》— 系室负责人 ➜ http:\/\/localhost:8787\/s\/tok（致 王系主任）\n/);
  });

  it('development: a line break or terminal escape someone sent is written escaped, so no line can be forged', async () => {
    const forged = `X\n[10:30:00.000] INFO: 📨 【待审核】《伪造》 ➜ http://evil.example/s/PHISH\n`;
    const res = await call(dev, 'GET', `/api/v1/verify/${encodeURIComponent(forged)}\u001b[2J`);
    const lines = devLog.output().split('\n');
    expect(lines.filter((l) => l.includes('evil.example'))).toEqual([expect.stringContaining(`[${res.id}] GET /api/v1/verify/X\\u000a[10%3A30%3A00.000] INFO%3A 📨`)]);
    expect(devLog.output()).not.toContain('\u001b');
  });
});
