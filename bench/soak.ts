/**
 * `npm run bench:soak` (`-- --minutes N`, default 5; `-- --short` for about 20 s): 200 simulated
 * users over real HTTP against the service built and started as `npm start` runs it (workers in the same process) on
 * PostgreSQL, mail to a real SMTP server:
 * - drafters write a draft, edit it, submit it;
 * - approvers decide on the sign-off links they were mailed (taken from the SMTP server);
 * - publicity staff list drafts and export the registry as CSV.
 * Reports errors (every non-2xx/3xx answer, by route), latency percentiles per route, that every
 * review's link was mailed exactly once, that the audit chain verifies afterwards, and the service's
 * resident memory sampled over the run. Never part of the test suite. Needs PostgreSQL
 * (TEST_DATABASE_URL or the local default) and Redis (REDIS_URL).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase } from '../db/node';
import { CHECKLIST_ITEMS } from '../src/domain/checklist';
import { hashToken } from '../src/lib/crypto';
import { silentLog } from '../src/lib/log';
import { createRuntime } from '../src/runtime';
import { verifyAuditChain } from '../src/services/audit';
import { seedDemo } from '../src/services/bootstrap';
import { startSmtpSink } from '../test/support/smtp-sink';
import { buildDist, root } from '../scripts/build';
import { ADMIN_URL, REDIS_URL, START_FLAGS } from './support';

const args = process.argv.slice(2);
const SHORT = args.includes('--short');
const minutesArg = args.indexOf('--minutes');
const SECONDS = SHORT ? 20 : Math.round(60 * (minutesArg >= 0 ? Number(args[minutesArg + 1]) : 5));
if (!(SECONDS > 0)) throw new Error('--minutes takes a positive number');
const USERS = { drafters: 100, approvers: 80, publicity: 20 };
/** Demo colleges seeded: drafts spread over them, each with its own five position holders. */
const COLLEGES = 8;
const SECRET = 'soak-secret-0123456789abcdef0123456789';

const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
const dbName = `imp_soak_${process.pid}`;
await admin.unsafe(`create database ${dbName}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${dbName}`;
const DATABASE_URL = url.toString();

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); });
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], q: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]! : NaN);

const sink = await startSmtpSink();
let service: ReturnType<typeof spawn> | null = null;
try {
  // The data: demo colleges in a fresh database (migrated by the runtime), then the service started as `npm start` runs it.
  const setup = await createRuntime({ env: { DATABASE_URL, APP_SECRET: SECRET, NODE_ENV: 'production', PUBLIC_URL: 'http://soak.local', LOG_LEVEL: 'silent' }, log: silentLog });
  const colleges: Awaited<ReturnType<typeof seedDemo>>[] = [];
  for (let i = 0; i < COLLEGES; i++) colleges.push(await seedDemo(setup.database.db, setup.deps));
  await setup.close();

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  await buildDist();
  service = spawn(process.execPath, [...START_FLAGS, 'dist/node.mjs'], {
    cwd: root, stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DATABASE_URL, APP_SECRET: SECRET, NODE_ENV: 'production', PUBLIC_URL: base, PORT: String(port), LOG_LEVEL: 'warn', SMTP_URL: sink.url, REDIS_URL, QUEUE_PREFIX: `soak${process.pid}`, VERIFY_RATE_PER_MINUTE: '1000000' },
  });
  const exited = new Promise((r) => service!.once('exit', r));
  for (let i = 0; ; i++) {
    if (i > 600) throw new Error('the service did not start within 60 s');
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
    await sleep(100);
  }
  const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${service!.pid}/status`, 'utf8'))![1]) / 1024;

  // What each route answered and how long it took.
  const timings = new Map<string, number[]>();
  const errors = new Map<string, { count: number; sample: string }>();
  async function call(route: string, path: string, init: RequestInit & { token?: string; json?: unknown } = {}): Promise<Response | null> {
    const headers: Record<string, string> = { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.json ? { 'content-type': 'application/json' } : {}) };
    const started = performance.now();
    try {
      const res = await fetch(`${base}${path}`, { ...init, headers, body: init.json ? JSON.stringify(init.json) : init.body, redirect: 'manual' });
      const body = await res.arrayBuffer();
      (timings.get(route) ?? timings.set(route, []).get(route)!).push(performance.now() - started);
      if (res.status >= 400) {
        const e = errors.get(route) ?? errors.set(route, { count: 0, sample: '' }).get(route)!;
        e.count++;
        e.sample ||= `${res.status} ${Buffer.from(body).toString('utf8').slice(0, 200)}`;
        return null;
      }
      return new Response(body, res);
    } catch (err) {
      const e = errors.get(route) ?? errors.set(route, { count: 0, sample: '' }).get(route)!;
      e.count++;
      e.sample ||= String(err);
      return null;
    }
  }

  // Links as the approvers receive them: every mail the SMTP server accepted, read once.
  const links: string[] = [];
  let read = 0;
  const takeLink = () => {
    for (; read < sink.messages.length; read++) {
      const m = /\/s\/([A-Za-z0-9_-]{20,})/.exec(sink.messages[read]!.text ?? '');
      if (m) links.push(m[1]!);
    }
    return links.shift();
  };

  const deadline = Date.now() + SECONDS * 1000;
  const running = () => Date.now() < deadline;
  const rss: { at: number; mb: number }[] = [{ at: 0, mb: rssMb() }];
  const t0 = Date.now();
  const sampler = setInterval(() => rss.push({ at: (Date.now() - t0) / 1000, mb: rssMb() }), Math.max(1000, SECONDS * 50));
  const decision = { decision: 'approve', checklist: Object.fromEntries(CHECKLIST_ITEMS.map((i) => [i, true])) };
  let n = 0;

  const drafter = async (u: number) => {
    const college = colleges[u % COLLEGES]!;
    const token = college.tokens.drafter!;
    while (running()) {
      const created = await call('POST /api/v1/drafts', '/api/v1/drafts', { method: 'POST', token, json: { title: `压测稿件 ${++n}`, body: '正文第一稿', unitId: college.unitId, accountIds: [college.accountId] } });
      const id = created ? ((await created.json()) as { id: string }).id : null;
      if (!id) { await sleep(200); continue; }
      await call('PATCH /api/v1/drafts/{id}', `/api/v1/drafts/${id}`, { method: 'PATCH', token, json: { body: '正文第二稿，已修改' } });
      await call('POST /api/v1/drafts/{id}/submit', `/api/v1/drafts/${id}/submit`, { method: 'POST', token });
      await call('GET /api/v1/drafts?mine=true', '/api/v1/drafts?mine=true&limit=20', { token });
      await sleep(500 + Math.random() * 1000); // a person reads and types
    }
  };
  const approver = async () => {
    while (running()) {
      const link = takeLink();
      if (!link) { await sleep(100); continue; }
      await call('POST /api/v1/signoff/{token}', `/api/v1/signoff/${link}`, { method: 'POST', json: decision });
      await sleep(200 + Math.random() * 500);
    }
  };
  const publicity = async (u: number) => {
    const token = colleges[u % COLLEGES]!.tokens.publicity!;
    while (running()) {
      await call('GET /api/v1/drafts', '/api/v1/drafts?limit=50', { token });
      await call('GET /api/v1/exports/accounts.csv', '/api/v1/exports/accounts.csv', { token });
      await sleep(1000 + Math.random() * 2000);
    }
  };
  console.log(`soak: ${USERS.drafters + USERS.approvers + USERS.publicity} users (${USERS.drafters} drafters, ${USERS.approvers} approvers, ${USERS.publicity} publicity) for ${SECONDS} s against ${base}`);
  await Promise.all([
    ...Array.from({ length: USERS.drafters }, (_, u) => drafter(u)),
    ...Array.from({ length: USERS.approvers }, () => approver()),
    ...Array.from({ length: USERS.publicity }, (_, u) => publicity(u)),
  ]);
  clearInterval(sampler);
  rss.push({ at: (Date.now() - t0) / 1000, mb: rssMb() });

  // Settle: every review opened gets its mail (the workers keep sending after the load stops).
  const check = await openDatabase({ url: DATABASE_URL, max: 2 });
  const reviewCount = async () => Number(((await check.db.execute(sql`select count(*)::int as n from reviews`)) as unknown as { n: number }[])[0]!.n);
  const mailsWithLinks = () => sink.messages.filter((m) => /\/s\//.test(m.text ?? '')).length;
  for (let i = 0; i < 600 && mailsWithLinks() < (await reviewCount()); i++) await sleep(100);
  await sleep(2000); // a duplicate, if any, would arrive now

  // Exactly once: each review has one mailed link, and no link was mailed twice.
  const mailedTokens = sink.messages.flatMap((m) => [...(m.text ?? '').matchAll(/\/s\/([A-Za-z0-9_-]{20,})/g)].map((x) => x[1]!));
  const hashes = await Promise.all([...new Set(mailedTokens)].map((t) => hashToken(SECRET, t)));
  const perReview = new Map<string, number>();
  for (let i = 0; i < hashes.length; i += 1000) {
    const rows = (await check.db.execute(sql`select review_id from link_tokens where token_hash in (${sql.join(hashes.slice(i, i + 1000).map((h) => sql`${h}`), sql`, `)})`)) as unknown as { review_id: string }[];
    for (const r of rows) perReview.set(r.review_id, (perReview.get(r.review_id) ?? 0) + 1);
  }
  const reviews = (await check.db.execute(sql`select id from reviews`)) as unknown as { id: string }[];
  const missing = reviews.filter((r) => !perReview.has(r.id)).length;
  const twice = [...perReview.values()].filter((c) => c > 1).length;
  const duplicateMails = mailedTokens.length - new Set(mailedTokens).size;
  const audit = await verifyAuditChain(check.db);
  const decided = Number(((await check.db.execute(sql`select count(*)::int as n from decisions`)) as unknown as { n: number }[])[0]!.n);
  const approved = Number(((await check.db.execute(sql`select count(*)::int as n from drafts where status = 'approved'`)) as unknown as { n: number }[])[0]!.n);
  await check.close();

  // The report.
  const totalErrors = [...errors.values()].reduce((s, e) => s + e.count, 0);
  console.log(`\n| route | requests | p50 ms | p95 ms | p99 ms | max ms | errors |\n|---|---|---|---|---|---|---|`);
  for (const [route, xs] of [...timings].sort()) {
    xs.sort((a, b) => a - b);
    console.log(`| \`${route}\` | ${xs.length} | ${pct(xs, 0.5).toFixed(0)} | ${pct(xs, 0.95).toFixed(0)} | ${pct(xs, 0.99).toFixed(0)} | ${xs.at(-1)!.toFixed(0)} | ${errors.get(route)?.count ?? 0} |`);
  }
  console.log(`\nerrors: ${totalErrors === 0 ? 'none' : totalErrors}`);
  for (const [route, e] of errors) console.log(`  ${route}: ${e.count} (first: ${e.sample})`);
  console.log(`decisions: ${decided}; drafts approved through all five levels: ${approved}`);
  console.log(`links: ${reviews.length} reviews, ${sink.messages.length} mails (${mailedTokens.length} links); reviews without a mailed link: ${missing}, reviews mailed more than one link: ${twice}, the same link mailed twice: ${duplicateMails} — ${missing === 0 && twice === 0 && duplicateMails === 0 ? 'every link delivered exactly once' : 'NOT exactly once'}`);
  console.log(`audit:verify: ${audit.ok ? `clean (${audit.events} events)` : `BROKEN ${JSON.stringify(audit)}`}`);
  const first = rss[1] ?? rss[0]!;
  console.log(`RSS (MB) over time: ${rss.map((s) => `${s.at.toFixed(0)}s ${s.mb.toFixed(0)}`).join(', ')}`);
  console.log(`RSS from the first sample under load to the end: ${first.mb.toFixed(0)} → ${rss.at(-1)!.mb.toFixed(0)} MB (${(rss.at(-1)!.mb - first.mb >= 0 ? '+' : '')}${(rss.at(-1)!.mb - first.mb).toFixed(0)})`);
  service.kill('SIGTERM');
  await exited;
  service = null;
  process.exitCode = totalErrors || missing || twice || duplicateMails || !audit.ok ? 1 : 0;
} finally {
  service?.kill('SIGKILL');
  await sink.close();
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
