/**
 * `npm run bench:http` (add `-- --full` for the long mode): the service over real HTTP against
 * baselines measured in the same run, alternated A/B three times, medians reported. Never asserted
 * by tests. Needs PostgreSQL (TEST_DATABASE_URL or the local default) and Redis (REDIS_URL).
 *
 * - public verify `GET /api/v1/verify/{code}` vs a bare Hono JSON route, same adapter, 32 connections
 * - the approver's inbox `GET /drafts?awaiting=me` with few vs many drafts stored
 * - a link decision `POST /api/v1/signoff/{token}` (approve, opening the next level) vs pgbench running
 *   the service's own statements of a decision (recorded here, bench/decision-sql.ts) at the same
 *   32 clients; then two
 *   service processes deciding at once vs one (the audit chain takes no global lock)
 * - resident memory of the service vs bare Hono: idle 12 s after start (the goal's measure), and after the load
 * - first-level mail through a real SMTP server vs a no-op BullMQ worker, same concurrency: 1,000 waiting
 *   outbox rows drained once the workers start, and 1,000 submits end to end (bench/mail.ts)
 */
import autocannon from 'autocannon';
import type { ChildProcess } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { silentLog } from '../src/lib/log';
import { createRuntime } from '../src/runtime';
import { seedDemo } from '../src/services/bootstrap';
import { decisionBaseline, statementRecorder } from './decision-sql';
import { benchMail } from './mail';
import { APPROVE, linksBySql, median, REDIS_URL, scratchDatabase, startServer, type BenchServer } from './support';

const FULL = process.argv.includes('--full');
const SECONDS = FULL ? 10 : 3;
const ROUNDS = 3;
const CONNECTIONS = 32;
const MANY = FULL ? 100_000 : 20_000;
const SUBMITS = FULL ? 1000 : 300;
/** Decisions per round and side (each needs a fresh link). */
const DECISIONS = FULL ? 600 : 300;
const SECRET = 'bench-secret-0123456789abcdef0123456789';

const database = await scratchDatabase('bench');
const DATABASE_URL = database.url;

const children: ChildProcess[] = [];
async function server(mode: 'app' | 'bare'): Promise<BenchServer> {
  // The verify limit stays on (its Redis round trip is part of the hot path measured) but high enough never to refuse the load generator.
  const started = await startServer(mode, { DATABASE_URL, APP_SECRET: SECRET, NODE_ENV: 'production', PUBLIC_URL: 'http://bench.local', REDIS_URL, VERIFY_RATE_PER_MINUTE: '1000000000' });
  children.push(started.child);
  return started;
}

interface Load { rps: number; p50: number; p99: number; errors: number }
async function load(target: string, headers: Record<string, string> = {}, seconds = SECONDS): Promise<Load> {
  const r = await autocannon({ url: target, connections: CONNECTIONS, duration: seconds, headers });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}
/** A/B alternated ROUNDS times; the medians of each side. */
async function versus(a: () => Promise<Load>, b: () => Promise<Load>): Promise<[Load, Load]> {
  const as: Load[] = [], bs: Load[] = [];
  for (let i = 0; i < ROUNDS; i++) { as.push(await a()); bs.push(await b()); }
  const med = (ls: Load[]): Load => ({ rps: median(ls.map((l) => l.rps)), p50: median(ls.map((l) => l.p50)), p99: median(ls.map((l) => l.p99)), errors: ls.reduce((s, l) => s + l.errors, 0) });
  return [med(as), med(bs)];
}
const fmt = (l: Load) => `${l.rps.toFixed(0).padStart(7)} rps  p50 ${String(l.p50).padStart(4)} ms  p99 ${String(l.p99).padStart(4)} ms  errors ${l.errors}`;
const lines: string[] = [];
const say = (s: string) => { console.log(s); lines.push(s); };

try {
  // The data: the demo college (a live pass code) in a fresh PostgreSQL database.
  const recorder = statementRecorder();
  const rt = await createRuntime({ env: { DATABASE_URL, APP_SECRET: SECRET, NODE_ENV: 'production', PUBLIC_URL: 'http://bench.local', LOG_LEVEL: 'silent' }, log: silentLog, onQuery: recorder.onQuery });
  const demo = await seedDemo(rt.database.db, rt.deps);
  const db = rt.database.db;
  say(`machine: ${(await import('node:os')).cpus().length} cores, node ${process.version}; ${FULL ? 'full' : 'short'} mode: ${SECONDS} s × ${ROUNDS} rounds per side, ${CONNECTIONS} connections\n`);

  const [bare, app] = [await server('bare'), await server('app')];
  // The goal's measure: idle, once V8's memory reducer has given back what the start's burst grew
  // (it does within about ten idle seconds; read at 1.5 s the service looks 15 MB larger).
  await new Promise((resolve) => setTimeout(resolve, 12_000));
  const [idleApp, idleBare] = [await app.rss(), await bare.rss()];
  say(`idle RSS 12 s after start: service ${(idleApp / 2 ** 20).toFixed(0)} MB, bare Hono ${(idleBare / 2 ** 20).toFixed(0)} MB, ratio ${(idleApp / idleBare).toFixed(2)}×\n`);
  // Warm both (JIT, prepared statements, pool).
  await load(`${bare.base}/x`, {}, 1);
  await load(`${app.base}/api/v1/verify/${demo.inspectionCode}`, {}, 1);

  const [verify, baseline] = await versus(() => load(`${app.base}/api/v1/verify/${demo.inspectionCode}`), () => load(`${bare.base}/x`));
  say(`public verify            ${fmt(verify)}`);
  say(`  baseline: bare Hono    ${fmt(baseline)}`);
  say(`  ratio ${(verify.rps / baseline.rps).toFixed(2)}\n`);

  // The approver's inbox: one draft awaits the section head; the unit holds few, then many.
  const auth = { authorization: `Bearer ${demo.tokens.section_head}` };
  const created = await (await rt.app.request('/api/v1/drafts', { method: 'POST', headers: { authorization: `Bearer ${demo.tokens.drafter}`, 'content-type': 'application/json' }, body: JSON.stringify({ title: '基准', body: '正文', unitId: demo.unitId, accountIds: [demo.accountId] }) })).json() as { id: string };
  await rt.app.request(`/api/v1/drafts/${created.id}/submit`, { method: 'POST', headers: { authorization: `Bearer ${demo.tokens.drafter}` } });
  async function store(n: number) {
    await db.execute(sql`insert into drafts (unit_id, drafter_id, status, levels, updated_at)
      select ${demo.unitId}::uuid, ${demo.people.drafter}::uuid, 'approved', '[]'::jsonb, now() - g * interval '1 second' from generate_series(1, ${n}) g`);
    await db.execute(sql`insert into draft_versions (draft_id, no, title, body, content_sha256, created_by)
      select d.id, 1, '存量稿件', '正文', repeat('0', 64), d.drafter_id from drafts d where not exists (select 1 from draft_versions v where v.draft_id = d.id)`);
    await db.execute(sql`analyze`);
  }
  await store(1000);
  const inbox = `${app.base}/api/v1/drafts?awaiting=me`;
  const few = (await versus(() => load(inbox, auth), () => load(`${bare.base}/x`)))[0];
  await store(MANY - 1000);
  const many = (await versus(() => load(inbox, auth), () => load(`${bare.base}/x`)))[0];
  say(`inbox, 1k drafts         ${fmt(few)}`);
  say(`inbox, ${MANY / 1000}k drafts       ${fmt(many)}`);
  say(`  ratio ${(many.rps / few.rps).toFixed(2)}\n`);

  // Link decisions: drafts waiting on the section head, each with a live link, written straight in SQL.
  const links = (n: number) => linksBySql(db, demo, SECRET, n);
  // After each side's run, untimed: its dead rows vacuumed and the statistics brought up to date, so
  // autovacuum does not wake in the middle of the next run (thousands of decisions a run trigger it).
  const settle = () => db.execute(sql`vacuum (analyze) drafts, draft_versions, reviews, decisions, link_tokens, audit_events, outbox`);
  /** `amount` decisions at 32 connections, each on a fresh link, split over the given servers. */
  async function decide(bases: string[], amount: number): Promise<Load> {
    // A few spare links per connection: the load generator may prepare a request it never sends.
    const spare = 2 * CONNECTIONS;
    const tokens = await links(amount + spare * bases.length);
    const per = Math.floor(amount / bases.length);
    const t0 = performance.now();
    // Timed to the last answer: autocannon reports an `amount` run done only at its next one-second
    // sample, which rounded every decision run up to whole seconds (600 in 2.1 s read as 3 s).
    let last = t0;
    const results = await Promise.all(bases.map((base, b) => {
      const mine = tokens.slice(b * (per + spare), (b + 1) * (per + spare));
      let next = 0;
      const run = autocannon({
        url: base, connections: CONNECTIONS / bases.length, amount: per,
        requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, body: APPROVE, setupRequest: (req) => ({ ...req, path: `/api/v1/signoff/${mine[next++]}` }) }],
      }, () => {});
      run.on('response', () => { last = performance.now(); });
      return new Promise<autocannon.Result>((resolve) => run.on('done', resolve));
    }));
    const seconds = (last - t0) / 1000;
    await settle();
    return {
      rps: results.reduce((n, r) => n + r.requests.total, 0) / seconds,
      p50: median(results.map((r) => r.latency.p50)), p99: Math.max(...results.map((r) => r.latency.p99)),
      errors: results.reduce((n, r) => n + r.errors + r.non2xx, 0),
    };
  }
  // The baseline: the service's own statements of a decision, recorded here and run by pgbench at the
  // same 32 clients on fresh links of the same shape (bench/decision-sql.ts).
  const decisionSql = await decisionBaseline({ rt, record: recorder.record, url: DATABASE_URL, secret: SECRET, body: APPROVE, links });
  const made = decisionSql.made;
  let pgbenchReport = '';
  async function pgbench(): Promise<Load> {
    // 100 per client: a pgbench connection prepares its statements anew, which a pool does once.
    const r = await decisionSql.run(CONNECTIONS, 100);
    await settle();
    pgbenchReport = r.report;
    return { rps: r.tps, p50: r.p50, p99: r.p99, errors: r.failed };
  }
  await decide([app.base], 200); // warm
  await pgbench();
  const [decided, pgb] = await versus(() => decide([app.base], DECISIONS), () => pgbench());
  say(`link decision            ${fmt(decided)}`);
  say(`  baseline: pgbench      ${fmt(pgb)}   (the service's ${made.statements} statements in ${made.roundTrips} round trips + 1 to draw a link, prepared, ${CONNECTIONS} clients)`);
  say(`    parameters: ${made.parameters.alike} alike in both recorded decisions, ${made.parameters.link} the link's, ${made.parameters.fresh} new ids, ${made.parameters.asFirst} as the first decision sent them`);
  say(`  ratio ${(decided.rps / pgb.rps).toFixed(2)}; p99 ${decided.p99} ms vs pgbench p99 ${pgb.p99} ms + 10\n`);
  // What each statement costs Postgres alone: one client, one statement at a time.
  const alone = await decisionSql.run(1, 200, { pipelines: false });
  const slowest = alone.report.split('\n').map((l) => /^\s+([\d.]+)\s+\d+\s+(.*)$/.exec(l)).filter((m) => m !== null)
    .map((m) => ({ ms: Number(m[1]), text: m[2]!.replace(/\s+/g, ' ').trim() })).sort((x, y) => y.ms - x.ms).slice(0, 3);
  say(`  pgbench alone, 1 client, unpipelined: ${alone.tps.toFixed(0)} decisions/s; slowest statements: ${slowest.map((s) => `${s.ms.toFixed(2)} ms ${s.text.slice(0, 60)}…`).join('; ')}`);
  if (process.env.SHOW_SCRIPT) console.log(`${made.script}\n${pgbenchReport}`);

  // Two service processes deciding at once against one (no global lock in the request path).
  const app2 = await server('app');
  await decide([app2.base], 100); // warm
  const [two, one] = await versus(() => decide([app.base, app2.base], DECISIONS), () => decide([app.base], DECISIONS));
  say(`decisions, 2 processes   ${fmt(two)}`);
  say(`decisions, 1 process     ${fmt(one)}`);
  say(`  ratio ${(two.rps / one.rps).toFixed(2)}\n`);
  decisionSql.dispose();

  // The decisions opened next levels whose mails nobody sent (the servers run no workers): settled
  // here, so the mail measurement below sends only its own submits' mails.
  await db.execute(sql`update outbox set relayed_at = now(), processed_at = now() where processed_at is null`);

  const [appRss, bareRss] = [await app.rss(), await bare.rss()];
  say(`idle RSS after load: service ${(appRss / 2 ** 20).toFixed(0)} MB, bare Hono ${(bareRss / 2 ** 20).toFixed(0)} MB, ratio ${(appRss / bareRss).toFixed(2)}×\n`);
  for (const c of children.splice(0)) c.kill();
  await rt.close();

  // Mail: the drain (SUBMITS outbox rows waiting, then the workers start) vs a no-op BullMQ worker
  // at the service's concurrency, alternated; then SUBMITS submits end to end (bench/mail.ts).
  await benchMail({ databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, secret: SECRET, demo, n: SUBMITS, rounds: ROUNDS, say });
} finally {
  for (const c of children) c.kill();
  await database.drop();
}
