/**
 * `npx tsx bench/decision-cpu.ts` (N drafts, C at once, POOL connections): link decisions in process,
 * without HTTP, reporting throughput, the Node CPU each decision costs and its statements. Where the
 * HTTP bench shows a gap to pgbench, this tells whether the time goes to Node or to waiting.
 * PROFILE=out.cpuprofile writes a CPU profile of the decisions alone (not the set-up before them).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { Session } from 'node:inspector/promises';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { CHECKLIST_ITEMS } from '../src/domain/checklist';
import { silentLog } from '../src/lib/log';
import { createRuntime } from '../src/runtime';
import { seedDemo } from '../src/services/bootstrap';
import { mintLink } from '../src/services/signoff';

const N = Number(process.env.N ?? 200);
const C = Number(process.env.C ?? 32);
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
const name = `imp_decision_${process.pid}`;
await admin.unsafe(`create database ${name}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
let statements = 0;
const rt = await createRuntime({
  env: { DATABASE_URL: url.toString(), APP_SECRET: 'x'.repeat(40), NODE_ENV: 'production', LOG_LEVEL: 'silent', PUBLIC_URL: 'http://bench.local', DB_POOL_SIZE: process.env.POOL ?? '10' },
  log: silentLog, onQuery: () => statements++,
});
try {
  const demo = await seedDemo(rt.database.db, rt.deps);
  const headers = { authorization: `Bearer ${demo.tokens.drafter}`, 'content-type': 'application/json' };
  for (let i = 0; i < N; i++) {
    const d = (await (await rt.app.request('/api/v1/drafts', { method: 'POST', headers, body: JSON.stringify({ title: `稿件 ${i}`, body: '正文', unitId: demo.unitId, accountIds: [demo.accountId] }) })).json()) as { id: string };
    await rt.app.request(`/api/v1/drafts/${d.id}/submit`, { method: 'POST', headers });
  }
  const reviews = (await rt.database.db.execute(sql`select id, version_id as "versionId", assignee_id as "assigneeId" from reviews where status = 'pending'`)) as unknown as { id: string; versionId: string; assigneeId: string }[];
  const tokens: string[] = [];
  for (const r of reviews) tokens.push((await mintLink(rt.database.db, rt.deps, r)).url.split('/s/')[1]!);
  const body = JSON.stringify({ decision: 'approve', checklist: Object.fromEntries(CHECKLIST_ITEMS.map((i) => [i, true])) });
  const profiler = process.env.PROFILE ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  // Postgres's side: the CPU its backends for this database spent (from /proc, so only where
  // Postgres runs on this machine), and the socket writes Node made to it (each a syscall).
  const backends = async () => ((await admin`select pid from pg_stat_activity where datname = ${name}`) as unknown as { pid: number }[]).map((r) => r.pid);
  const backendTicks = async () => (await backends()).reduce((sum, pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return sum + Number(fields[11]) + Number(fields[12]);
    } catch {
      return sum;
    }
  }, 0);
  const write = Socket.prototype.write;
  let writes = 0;
  Socket.prototype.write = function (this: Socket, ...args: unknown[]) {
    if (this.remotePort === Number(url.port || 5432)) writes++;
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof write;
  const ticks0 = await backendTicks();
  statements = 0;
  let next = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: C }, async () => {
    while (next < tokens.length) {
      const res = await rt.app.request(`/api/v1/signoff/${tokens[next++]}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const pgMs = ((await backendTicks()) - ticks0) * 10; // USER_HZ is 100 on Linux
  if (profiler) writeFileSync(process.env.PROFILE!, JSON.stringify((await profiler.post('Profiler.stop')).profile));
  const per = (n: number) => (n / tokens.length).toFixed(1);
  console.log(
    `${tokens.length} decisions, ${C} at once: ${(tokens.length / seconds).toFixed(0)}/s; per decision: Node CPU ${per((cpu.user + cpu.system) / 1000)} ms ` +
      `(user ${per(cpu.user / 1000)}, system ${per(cpu.system / 1000)}), Postgres backends ${per(pgMs)} ms, ${per(statements)} statements, ${per(writes)} socket writes`,
  );
} finally {
  await rt.close();
  await admin.unsafe(`drop database ${name} with (force)`);
  await admin.end();
}
