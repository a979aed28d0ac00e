/**
 * `npx tsx bench/decision-http-cpu.ts` (N, C): the same link decisions as bench/decision-cpu.ts, but
 * over HTTP to the service in its own process (bench/serve.ts, as `npm run bench:http` runs it):
 * the server process's Node CPU per decision, beside the load generator's (this process) and the
 * Postgres backends'. Tells what HTTP adds to a decision's CPU over the in-process figure.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { Agent } from 'undici';
import { CHECKLIST_ITEMS } from '../src/domain/checklist';
import { silentLog } from '../src/lib/log';
import { createRuntime } from '../src/runtime';
import { seedDemo } from '../src/services/bootstrap';
import { mintLink } from '../src/services/signoff';

const N = Number(process.env.N ?? 400);
const C = Number(process.env.C ?? 32);
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
const name = `imp_decision_http_${process.pid}`;
await admin.unsafe(`create database ${name}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
const env = { DATABASE_URL: url.toString(), APP_SECRET: 'x'.repeat(40), NODE_ENV: 'production', LOG_LEVEL: 'silent', PUBLIC_URL: 'http://bench.local' };
const rt = await createRuntime({ env, log: silentLog });
const child = fork(new URL('./serve.ts', import.meta.url).pathname, [], { env: { ...process.env, ...env, MODE: 'app' }, execArgv: ['--import', 'tsx'] });
try {
  const port = await new Promise<number>((resolve) => child.on('message', (m: { port?: number }) => m.port && resolve(m.port)));
  const cpuOf = () => new Promise<NodeJS.CpuUsage>((resolve) => { child.once('message', (m: { cpu: NodeJS.CpuUsage }) => resolve(m.cpu)); child.send('cpu'); });
  const demo = await seedDemo(rt.database.db, rt.deps);
  const headers = { authorization: `Bearer ${demo.tokens.drafter}`, 'content-type': 'application/json' };
  for (let i = 0; i < N + 50; i++) {
    const d = (await (await rt.app.request('/api/v1/drafts', { method: 'POST', headers, body: JSON.stringify({ title: `稿件 ${i}`, body: '正文', unitId: demo.unitId, accountIds: [demo.accountId] }) })).json()) as { id: string };
    await rt.app.request(`/api/v1/drafts/${d.id}/submit`, { method: 'POST', headers });
  }
  const reviews = (await rt.database.db.execute(sql`select id, version_id as "versionId", assignee_id as "assigneeId" from reviews where status = 'pending'`)) as unknown as { id: string; versionId: string; assigneeId: string }[];
  const tokens: string[] = [];
  for (const r of reviews) tokens.push((await mintLink(rt.database.db, rt.deps, r)).url.split('/s/')[1]!);
  const body = JSON.stringify({ decision: 'approve', checklist: Object.fromEntries(CHECKLIST_ITEMS.map((i) => [i, true])) });
  const dispatcher = new Agent({ connections: C, pipelining: 1 });
  let next = 0;
  const run = (count: number) => Promise.all(Array.from({ length: C }, async () => {
    while (next < count) {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/signoff/${tokens[next++]}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, dispatcher } as RequestInit);
      if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
  }));
  await run(50); // warm: JIT, the pool's connections, prepared statements
  const backendTicks = async () => ((await admin`select pid from pg_stat_activity where datname = ${name}`) as unknown as { pid: number }[]).reduce((sum, { pid }) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return sum + Number(fields[11]) + Number(fields[12]);
    } catch {
      return sum;
    }
  }, 0);
  const [server0, ticks0, load0] = [await cpuOf(), await backendTicks(), process.cpuUsage()];
  const t0 = performance.now();
  await run(50 + N);
  const seconds = (performance.now() - t0) / 1000;
  const load = process.cpuUsage(load0);
  const server1 = await cpuOf();
  const pgMs = ((await backendTicks()) - ticks0) * 10;
  const ms = (us: number) => (us / 1000 / N).toFixed(1);
  console.log(`${N} decisions over HTTP, ${C} at once: ${(N / seconds).toFixed(0)}/s; per decision: server Node CPU ${ms(server1.user - server0.user + server1.system - server0.system)} ms ` +
    `(user ${ms(server1.user - server0.user)}, system ${ms(server1.system - server0.system)}), load generator ${ms(load.user + load.system)} ms, Postgres backends ${(pgMs / N).toFixed(1)} ms`);
} finally {
  child.send('exit');
  await rt.close();
  await admin.unsafe(`drop database ${name} with (force)`);
  await admin.end();
}
