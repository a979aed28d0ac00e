/**
 * `npx tsx bench/decision-http-cpu.ts` (N, C): the same link decisions as bench/decision-cpu.ts, but
 * over HTTP to the service in its own process (bench/serve.ts built and flagged as `npm start` runs, as `npm run bench:http` runs it):
 * the server process's Node CPU per decision, beside the load generator's (this process) and the
 * Postgres backends'. Tells what HTTP adds to a decision's CPU over the in-process figure.
 */
import { Agent } from 'undici';
import { silentLog } from '../src/lib/log';
import { createRuntime } from '../src/runtime';
import { APPROVE, linksAwaitingDecision, scratchDatabase, startServer } from './support';

const N = Number(process.env.N ?? 400);
const C = Number(process.env.C ?? 32);
const database = await scratchDatabase('decision_http');
const env = { DATABASE_URL: database.url, APP_SECRET: 'x'.repeat(40), NODE_ENV: 'production', LOG_LEVEL: 'silent', PUBLIC_URL: 'http://bench.local' };
const rt = await createRuntime({ env, log: silentLog });
const server = await startServer('app', env, process.env.PROFILE ? ['--cpu-prof'] : []); // PROFILE=1: a CPU profile of the server, in the working directory
const { child, base } = server;
try {
  const tokens = await linksAwaitingDecision(rt, N + 50);
  const body = APPROVE;
  const dispatcher = new Agent({ connections: C, pipelining: 1 });
  let next = 0;
  const run = (count: number) => Promise.all(Array.from({ length: C }, async () => {
    while (next < count) {
      const res = await fetch(`${base}/api/v1/signoff/${tokens[next++]}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, dispatcher } as RequestInit);
      if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
  }));
  await run(50); // warm: JIT, the pool's connections, prepared statements
  const [server0, pgMs0, load0] = [await server.cpu(), await database.backendCpuMs(), process.cpuUsage()];
  const t0 = performance.now();
  await run(50 + N);
  const seconds = (performance.now() - t0) / 1000;
  const load = process.cpuUsage(load0);
  const server1 = await server.cpu();
  const pgMs = (await database.backendCpuMs()) - pgMs0;
  const ms = (us: number) => (us / 1000 / N).toFixed(1);
  console.log(`${N} decisions over HTTP, ${C} at once: ${(N / seconds).toFixed(0)}/s; per decision: server Node CPU ${ms(server1.user - server0.user + server1.system - server0.system)} ms ` +
    `(user ${ms(server1.user - server0.user)}, system ${ms(server1.system - server0.system)}), load generator ${ms(load.user + load.system)} ms, Postgres backends ${(pgMs / N).toFixed(1)} ms`);
} finally {
  child.send('exit');
  await rt.close();
  await database.drop();
}
