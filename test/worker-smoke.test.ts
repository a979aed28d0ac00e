import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../db/schema';
import { startQueueHost, type QueueHost } from '../workers/host';
import { outboxJobId } from '../workers/jobs';
import { ALL_TICKED, LEVELS, createTestEnv, type TestEnv } from './harness';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { waitFor } from './support/wait';
import { nodeOnlyInputs } from './worker-bundle';
import { VENDOR_FILES } from '../src/pages/vendor';

/**
 * The API as Cloudflare will run it: wrangler bundles src/worker.ts, `wrangler dev` serves it from
 * a local workerd, and Hyperdrive's local mode points it at a fresh PostgreSQL database. Drafts are
 * written and decided on the Worker only; this Node process runs the real BullMQ workers (a Redis
 * of the test's own, a memory channel) that relay the outbox the Worker wrote and send the links.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WRANGLER = join(ROOT, 'node_modules/wrangler/bin/wrangler.js');
const installed = existsSync(WRANGLER);
// CI must prove the Worker runs; only a developer without wrangler installed may skip.
const skip = !installed && process.env.CI !== 'true';
if (skip) console.warn(`Skipping the Workers smoke test: ${WRANGLER} is not installed (run \`npm ci\`).`);

const SECRET = 'worker-smoke-secret-0123456789abcdef0123456789';
const PUBLIC_URL = 'http://imprimatur.test';
/** Nothing reaches the internet: no metrics, error reports, update check (banner) or Request.cf download. */
const OFFLINE = { WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', WRANGLER_HIDE_BANNER: 'true', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe.skipIf(skip)('the API on Workers (wrangler dev, local workerd)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'imprimatur-worker-'));
  // wrangler's own debug logs go with the scratch folder rather than piling up under ~/.config.
  const env = { ...process.env, ...OFFLINE, WRANGLER_LOG_PATH: join(scratch, 'logs') };
  let t: TestEnv;
  let redis: TestRedis;
  let host: QueueHost;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  let wrangler: ChildProcess | undefined;
  let output = '';
  let base = '';

  beforeAll(async () => {
    expect(installed, `wrangler is missing at ${WRANGLER}: npm ci installs it`).toBe(true);
    redis = await startTestRedis();
    t = await createTestEnv('postgres', { APP_SECRET: SECRET, PUBLIC_URL, REDIS_URL: redis.url });
    // The Worker cannot kick the relay after its commits: the Node relay finds them by polling.
    host = startQueueHost(t.runtime, { workers: true, tuning: { relayEveryMs: 100 } });
    demo = await t.seed();
    // Hyperdrive's local mode insists on a password in the URL; a trust-auth server ignores it.
    const db = new URL(t.runtime.config.databaseUrl!);
    db.password ||= 'unused';
    const [port, inspector] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${port}`;
    wrangler = spawn(
      process.execPath,
      [WRANGLER, 'dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector), '--show-interactive-dev-session=false',
        '--persist-to', join(scratch, 'state'), '--var', `APP_SECRET:${SECRET}`, '--var', `PUBLIC_URL:${PUBLIC_URL}`],
      { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: db.toString() } },
    );
    wrangler.stdout!.on('data', (d) => (output += d));
    wrangler.stderr!.on('data', (d) => (output += d));
    const deadline = Date.now() + 40_000;
    for (;;) {
      if (wrangler.exitCode !== null) throw new Error(`wrangler dev exited (${wrangler.exitCode}):\n${output}`);
      if (Date.now() > deadline) throw new Error(`wrangler dev did not answer /healthz within 40 s:\n${output}`);
      const up = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
      if (up) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 90_000);

  afterAll(async () => {
    // wrangler runs workerd as its child: end the whole group this test started.
    if (wrangler?.pid && wrangler.exitCode === null) {
      const exited = new Promise((r) => wrangler!.once('exit', r));
      process.kill(-wrangler.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (wrangler.exitCode === null) process.kill(-wrangler.pid, 'SIGKILL');
    }
    await host?.close();
    await t?.close();
    await redis?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function call(method: string, path: string, opts: { token?: string; body?: unknown } = {}) {
    const res = await fetch(base + path, {
      method,
      headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.body ? { 'content-type': 'application/json' } : {}) },
      body: opts.body ? JSON.stringify(opts.body) : undefined,
    });
    const text = await res.text();
    let body: any = null;
    try { body = JSON.parse(text); } catch { body = null; }
    return { status: res.status, body, text };
  }

  it('bundles for deployment with nothing Node-only (wrangler deploy --dry-run)', () => {
    const outdir = join(scratch, 'dist');
    const run = spawnSync(process.execPath, [WRANGLER, 'deploy', '--dry-run', '--outdir', outdir, '--metafile'], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const size = run.stdout.match(/Total Upload: .*/)?.[0];
    expect(size, run.stdout).toBeTruthy();
    console.info(`worker bundle (wrangler): ${size}`);
    expect(nodeOnlyInputs(JSON.parse(readFileSync(join(outdir, 'bundle-meta.json'), 'utf8')))).toEqual([]);
  }, 60_000);

  it('reaches PostgreSQL through the Hyperdrive binding, text[] columns parsed without fetch_types', async () => {
    const ready = await call('GET', '/readyz');
    expect(ready.status, ready.text).toBe(200);
    expect(ready.body.database).toEqual({ ok: true });
    // A role check on an unparsed '{admin,publicity,staff}' string would still "work" by substring, so look at the value.
    const me = await call('GET', '/api/v1/me', { token: demo.tokens.admin });
    expect(me.status, me.text).toBe(200);
    expect(me.body.roles).toEqual(['admin', 'publicity', 'staff']);
  });

  it('/docs and its renderer come from the Worker itself (static assets), not a CDN', async () => {
    const docs = await call('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('src="/docs/api-reference.js"');
    expect(docs.text).not.toMatch(/src="https?:/);
    const script = await call('GET', '/docs/api-reference.js');
    expect(script.status).toBe(200);
    expect(script.text).toContain('createApiReference');
    // The draft editor's library too, copied by wrangler's [build] step (scripts/vendor-assets.ts).
    const editor = await call('GET', `/vendor/jodit.js?v=${VENDOR_FILES['jodit.js'].version}`);
    expect(editor.status).toBe(200);
    expect(editor.text).toContain('Jodit');
  });

  it('walks a draft from create to approved by link while Node relays the outbox', async () => {
    const created = await call('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '工作器冒烟测试', body: '在 Workers 上起草。', unitId: demo.unitId, accountIds: [demo.accountId] } });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    const submitted = await call('POST', `/api/v1/drafts/${id}/submit`, { token: demo.tokens.drafter });
    expect(submitted.status, submitted.text).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'in_review', currentLevel: 'section_head' });
    // The Worker wrote an outbox row; the Node relay moved it into BullMQ under its deterministic id.
    const [row] = await t.runtime.database.db.select({ id: outbox.id, jobKey: outbox.jobKey, resends: outbox.resends }).from(outbox).where(sql`${outbox.topic} = 'review.assigned' and ${outbox.payload}->>'reviewId' = ${submitted.body.reviews[0].id}`);
    expect(row, 'the Worker wrote the outbox row').toBeTruthy();
    const job = await waitFor('the relay to queue it', () => host.queues.byName.notifications.getJob(outboxJobId(row!)));
    expect(job.data).toEqual({ outboxId: row!.id, jobKey: row!.jobKey });

    let used = '';
    for (const [i, level] of LEVELS.entries()) {
      // Node: BullMQ relay → worker → memory channel.
      const token = await waitFor(`the link for ${level}`, () => t.sent.find((m) => m.to.personId === demo.people[level] && m.link && m.subject.includes('工作器冒烟测试'))?.link?.split('/s/')[1]);
      const page = await call('GET', `/s/${token}`);
      expect(page.status, page.text).toBe(200);
      expect(page.text).toContain('工作器冒烟测试');
      const decided = await call('POST', `/api/v1/signoff/${token}`, { body: { decision: 'approve', checklist: ALL_TICKED, comment: '同意' } });
      expect(decided.status, decided.text).toBe(200);
      expect(decided.body).toMatchObject({ status: i === LEVELS.length - 1 ? 'approved' : 'in_review', currentLevel: LEVELS[i + 1] ?? null });
      used = token;
    }

    const again = await call('POST', `/api/v1/signoff/${used}`, { body: { decision: 'approve', checklist: ALL_TICKED } });
    expect(again.status).toBe(409);
    const view = await call('GET', `/api/v1/drafts/${id}`, { token: demo.tokens.drafter });
    expect(view.body.status).toBe('approved');
    expect(view.body.reviews.map((r: any) => [r.level, r.decision, r.reviewer.id])).toEqual(LEVELS.map((l) => [l, 'approve', demo.people[l]]));
    // The drafter hears the outcome from the relay, and every row the Worker wrote is processed.
    await waitFor('the outcome notice', () => t.sent.some((n) => n.kind === 'draft_closed' && n.to.personId === demo.people.drafter));
    await waitFor('every outbox row processed', async () => {
      const [left] = await t.runtime.database.db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(isNull(outbox.processedAt));
      return left!.n === 0;
    });
  }, 45_000);

  it('limits public verification per client with the VERIFY_LIMITER binding (wrangler.toml: 120 a minute)', async () => {
    const statuses: number[] = [];
    let refused: Response | null = null;
    // Up to two fixed windows of the local simulation (its minute may turn during the loop): 240 at most pass.
    for (let i = 0; i < 245 && !refused; i++) {
      const res = await fetch(`${base}/api/v1/verify/${demo.inspectionCode}`);
      statuses.push(res.status);
      if (res.status === 429) refused = res;
      else await res.arrayBuffer();
    }
    expect(refused, `statuses: ${[...new Set(statuses)].join(', ')}`).not.toBeNull();
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(100);
    expect(refused!.headers.get('retry-after')).toBe('60');
    expect((await refused!.json()).error.code).toBe('too_many_checks');
  }, 60_000);
});
