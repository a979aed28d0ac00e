/**
 * First-level mail through a real SMTP server against a no-op BullMQ worker at the same concurrency
 * (the service's SEND_CONCURRENCY). The last section of `npm run bench:http`; on its own
 * `npx tsx bench/mail.ts` (N mails per round, ROUNDS; PROFILE=out.cpuprofile profiles the last
 * drain in process; SEND_CONCURRENCY, SMTP_POOL_SIZE, WORKER_DB_POOL_SIZE are passed on when set). Never asserted by tests. Two figures:
 * - the drain, the mail path alone: N drafts submitted while no worker runs (their outbox rows wait,
 *   the audit sealed), then the workers start; from their start to the N-th mail the SMTP server
 *   accepts, against a no-op worker started on N jobs already queued. Alternated ROUNDS times, medians,
 *   with the Node CPU each mail (each job) cost this process;
 * - end to end: N submits while the workers run, to the last mail, with each mail's lag after its submit.
 * The SMTP server runs in a child process (bench/smtp-sink.ts): the workers do not share their event
 * loop with it, as the baseline's worker shares its own with no mail server.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { silentLog } from '../src/lib/log';
import { createRuntime, type Runtime } from '../src/runtime';
import { sealAudit } from '../src/services/audit';
import { startQueueHost } from '../workers/host';

export interface MailBench {
  databaseUrl: string;
  redisUrl: string;
  secret: string;
  /** The demo college (seedDemo): its drafter submits, its section head gets the mails. */
  demo: { tokens: Record<string, string>; unitId: string; accountId: string };
  n: number;
  rounds: number;
  say(line: string): void;
  profile?: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpuMs = (since: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
};

/** The SMTP server in its own process: its URL, and when each message arrived, by subject. */
async function smtpChild() {
  const child = fork(new URL('./smtp-sink.ts', import.meta.url).pathname, [], { execArgv: ['--import', import.meta.resolve('tsx')] });
  const arrived: { subject: string; at: number }[] = [];
  let waiter: { n: number; resolve(): void } | null = null;
  const url = await new Promise<string>((resolve, reject) => {
    // A sink that dies starting (tsx not found from another working directory, say) must not leave this waiting.
    child.once('exit', (code) => reject(new Error(`SMTP sink exited with ${code}`)));
    child.on('message', (m: { url?: string; subject?: string }) => {
      if (m.url) resolve(m.url);
      if (m.subject === undefined) return;
      arrived.push({ subject: m.subject, at: performance.now() });
      if (waiter && arrived.length >= waiter.n) waiter.resolve();
    });
  });
  return {
    url, arrived,
    waitFor: (n: number) => new Promise<void>((resolve, reject) => {
      if (arrived.length >= n) return resolve();
      const timer = setTimeout(() => reject(new Error(`expected ${n} mails, got ${arrived.length}`)), 600_000);
      waiter = { n, resolve: () => { clearTimeout(timer); waiter = null; resolve(); } };
    }),
    close: () => new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.send('exit'); }),
  };
}

export async function benchMail(o: MailBench): Promise<void> {
  const sink = await smtpChild();
  const prefix = `bench-${process.pid}`;
  // The sending settings come from the environment when set (to try them), else the service's defaults.
  const { SEND_CONCURRENCY, SMTP_POOL_SIZE, WORKER_DB_POOL_SIZE } = process.env;
  const env = { DATABASE_URL: o.databaseUrl, APP_SECRET: o.secret, NODE_ENV: 'production', PUBLIC_URL: 'http://bench.local', LOG_LEVEL: 'silent', SMTP_URL: sink.url, REDIS_URL: o.redisUrl, QUEUE_PREFIX: prefix, SEND_CONCURRENCY, SMTP_POOL_SIZE, WORKER_DB_POOL_SIZE };
  const rt = await createRuntime({ env, log: silentLog });
  const concurrency = rt.config.sendConcurrency;
  const headers = { authorization: `Bearer ${o.demo.tokens.drafter}`, 'content-type': 'application/json' };
  let serial = 0;
  /** n drafts created and submitted, 16 at a time; when each submit returned, by the title its mail names. */
  async function submit(n: number): Promise<Map<string, number>> {
    const at = new Map<string, number>();
    let left = n;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (left-- > 0) {
        const title = `基准 ${serial++}`;
        const res = await rt.app.request('/api/v1/drafts', { method: 'POST', headers, body: JSON.stringify({ title, body: '正文', unitId: o.demo.unitId, accountIds: [o.demo.accountId] }) });
        const d = (await res.json()) as { id: string };
        const sent = await rt.app.request(`/api/v1/drafts/${d.id}/submit`, { method: 'POST', headers });
        if (sent.status !== 200) throw new Error(`submit: ${sent.status} ${await sent.text()}`);
        at.set(title, performance.now());
      }
    }));
    return at;
  }

  /**
   * The drain: the outbox rows of n submits wait (the audit sealed), then `runtime`'s workers start
   * and send them all; the rate from their start to the n-th mail the SMTP server accepts, and the
   * Node CPU each mail cost. `profile`: a CPU profile of the drain alone, written to o.profile.
   */
  async function drain(runtime: Runtime, n: number, profile = false): Promise<{ rate: number; cpu: number }> {
    await submit(n);
    await sealAudit(rt.database.db, { wait: true });
    const profiler = profile ? new Session() : null;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const target = sink.arrived.length + n;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const host = startQueueHost(runtime, { workers: true });
    await sink.waitFor(target);
    const seconds = (performance.now() - t0) / 1000;
    const measured = { rate: n / seconds, cpu: cpuMs(cpu0) / n };
    if (profiler) writeFileSync(o.profile!, JSON.stringify((await profiler.post('Profiler.stop')).profile));
    await host.close();
    return measured;
  }

  /**
   * Statements sent to Postgres per mail (round trips are what a mail costs the database and the
   * worker's socket writes), counted on a drain of their own, untimed: with a statement hook
   * postgres.js captures a stack trace per query, about a tenth of a mail's CPU, so the timed drains
   * run without it. SHOW_STATEMENTS=1 prints each distinct statement with its count.
   */
  async function statementsPerMail(): Promise<number> {
    const n = Math.min(o.n, 200);
    let statements = 0;
    const seen = new Map<string, number>();
    const counted = await createRuntime({ env, log: silentLog, onWorkerQuery: (text) => {
      statements++;
      if (process.env.SHOW_STATEMENTS) seen.set(text, (seen.get(text) ?? 0) + 1);
    } });
    try {
      await drain(counted, n);
    } finally {
      await counted.close();
    }
    for (const [text, count] of [...seen].sort((a, b) => b[1] - a[1])) o.say(`${String(count).padStart(6)}  ${text.replace(/\s+/g, ' ').slice(0, 160)}`);
    return statements / n;
  }

  try {
    // The drain: the outbox rows of n submits wait; the workers start and send them all.
    const drains: { rate: number; cpu: number }[] = [];
    const noops: { rate: number; cpu: number }[] = [];
    for (let round = 0; round < o.rounds; round++) {
      drains.push(await drain(rt, o.n, !!o.profile && round === o.rounds - 1));
      noops.push(await noop(o.redisUrl, `${prefix}-noop`, o.n, concurrency));
    }
    const drained = { rate: median(drains.map((d) => d.rate)), cpu: median(drains.map((d) => d.cpu)), statements: await statementsPerMail() };
    const base = { rate: median(noops.map((d) => d.rate)), cpu: median(noops.map((d) => d.cpu)) };

    // End to end: n submits while the workers run, to the last mail.
    const host = startQueueHost(rt, { workers: true });
    const before = sink.arrived.length;
    const start = performance.now();
    const submittedAt = await submit(o.n);
    const submitted = performance.now();
    const backlog = o.n - (sink.arrived.length - before);
    await sink.waitFor(before + o.n);
    const done = performance.now();
    await host.close();
    // Each mail's lag: from its draft's submit to the SMTP server accepting it (subjects name the draft).
    const lags = sink.arrived.slice(before).map((m) => m.at - (submittedAt.get(/《(.+?)》/.exec(m.subject)?.[1] ?? '') ?? start)).sort((a, b) => a - b);
    const p = (q: number) => (lags[Math.min(lags.length - 1, Math.floor(q * lags.length))]! / 1000).toFixed(1);
    const e2e = o.n / ((done - start) / 1000);

    o.say(`mail drain, ${o.n} waiting    ${drained.rate.toFixed(0).padStart(7)} mails/s  Node CPU ${drained.cpu.toFixed(2)} ms, ${drained.statements.toFixed(1)} statements to Postgres per mail  (workers started on ${o.n} outbox rows; ${o.rounds} rounds, medians)`);
    o.say(`  baseline: no-op BullMQ ${base.rate.toFixed(0).padStart(7)} jobs/s   Node CPU ${base.cpu.toFixed(2)} ms per job   (${o.n} jobs queued, concurrency ${concurrency} as SEND_CONCURRENCY)`);
    o.say(`  ratio ${(drained.rate / base.rate).toFixed(2)}`);
    o.say(`create+submit at 16      ${(o.n / ((submitted - start) / 1000)).toFixed(0).padStart(7)} drafts/s`);
    o.say(`${o.n} submits → mail     ${e2e.toFixed(0).padStart(7)} mails/s end to end, last mail ${((done - start) / 1000).toFixed(1)} s after the first submit; lag p50 ${p(0.5)} s, p99 ${p(0.99)} s`);
    o.say(`  backlog after the last submit: ${backlog} mails, drained at ${(backlog / Math.max((done - submitted) / 1000, 0.001)).toFixed(0)} mails/s`);
    o.say(`  ratio end to end ${(e2e / base.rate).toFixed(2)}`);
  } finally {
    await rt.close();
    await sink.close();
  }
}

/** A worker that does nothing, started on n jobs already queued: from its start to the n-th completed. */
async function noop(redisUrl: string, name: string, n: number, concurrency: number): Promise<{ rate: number; cpu: number }> {
  const connection = { url: redisUrl };
  const queue = new Queue(name, { connection });
  await queue.addBulk(Array.from({ length: n }, (_, i) => ({ name: 'noop', data: { i } })));
  let completed = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = new Worker(name, async () => {}, { connection: { ...connection, maxRetriesPerRequest: null }, concurrency });
  await new Promise<void>((resolve) => worker.on('completed', () => ++completed === n && resolve()));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuMs(cpu0) / n;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return { rate: n / seconds, cpu };
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const { seedDemo } = await import('../src/services/bootstrap');
  const { scratchDatabase } = await import('./support');
  const database = await scratchDatabase('mail');
  const secret = 'bench-secret-0123456789abcdef0123456789';
  try {
    const rt = await createRuntime({ env: { DATABASE_URL: database.url, APP_SECRET: secret, NODE_ENV: 'production', PUBLIC_URL: 'http://bench.local', LOG_LEVEL: 'silent' }, log: silentLog });
    const demo = await seedDemo(rt.database.db, rt.deps);
    await rt.close();
    await benchMail({
      databaseUrl: database.url, redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', secret, demo,
      n: Number(process.env.N ?? 300), rounds: Number(process.env.ROUNDS ?? 3), say: console.log, profile: process.env.PROFILE,
    });
  } finally {
    await database.drop();
  }
}
