/**
 * `npx tsx bench/decision-cpu.ts` (N drafts, C at once, POOL connections): link decisions in process,
 * without HTTP, reporting throughput, the Node CPU each decision costs and its statements. Where the
 * HTTP bench shows a gap to pgbench, this tells whether the time goes to Node or to waiting.
 * PROFILE=out.cpuprofile writes a CPU profile of the decisions alone (not the set-up before them).
 */
import { writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { Session } from 'node:inspector/promises';
import { silentLog } from '../src/lib/log';
import { createRuntime } from '../src/runtime';
import { APPROVE, linksAwaitingDecision, scratchDatabase } from './support';

const N = Number(process.env.N ?? 200);
const C = Number(process.env.C ?? 32);
const database = await scratchDatabase('decision');
const url = new URL(database.url);
let statements = 0;
const rt = await createRuntime({
  env: { DATABASE_URL: url.toString(), APP_SECRET: 'x'.repeat(40), NODE_ENV: 'production', LOG_LEVEL: 'silent', PUBLIC_URL: 'http://bench.local', DB_POOL_SIZE: process.env.POOL ?? '10' },
  log: silentLog, onQuery: () => statements++,
});
try {
  const tokens = await linksAwaitingDecision(rt, N);
  const body = APPROVE;
  const profiler = process.env.PROFILE ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  // Postgres's side: the CPU its backends for this database spent, and the socket writes Node made to it (each a syscall).
  const write = Socket.prototype.write;
  let writes = 0;
  Socket.prototype.write = function (this: Socket, ...args: unknown[]) {
    if (this.remotePort === Number(url.port || 5432)) writes++;
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof write;
  const pgMs0 = await database.backendCpuMs();
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
  const pgMs = (await database.backendCpuMs()) - pgMs0;
  if (profiler) writeFileSync(process.env.PROFILE!, JSON.stringify((await profiler.post('Profiler.stop')).profile));
  const per = (n: number) => (n / tokens.length).toFixed(1);
  console.log(
    `${tokens.length} decisions, ${C} at once: ${(tokens.length / seconds).toFixed(0)}/s; per decision: Node CPU ${per((cpu.user + cpu.system) / 1000)} ms ` +
      `(user ${per(cpu.user / 1000)}, system ${per(cpu.system / 1000)}), Postgres backends ${per(pgMs)} ms, ${per(statements)} statements, ${per(writes)} socket writes`,
  );
} finally {
  await rt.close();
  await database.drop();
}
