/**
 * `npx tsx bench/verify-cpu.ts` (N requests per side and round, C connections): the Node CPU one
 * public verify `GET /api/v1/verify/{code}` costs the server process, against a bare Hono JSON route
 * on the same adapter (bench/serve.ts, both modes), alternated three times. CPU time, not requests
 * per second: on a machine shared with other work throughput says little, CPU per request holds.
 * PROFILE=1 starts the service with `--cpu-prof` (the profile lands in the working directory). Run it
 * from the project folder (the servers load tsx from there).
 */
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import postgres from 'postgres';
import { silentLog } from '../src/lib/log';
import { createRuntime } from '../src/runtime';
import { seedDemo } from '../src/services/bootstrap';

const N = Number(process.env.N ?? 20_000);
const C = Number(process.env.C ?? 32);
const ROUNDS = 3;
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'bench-secret-0123456789abcdef0123456789';
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
const name = `imp_verify_${process.pid}`;
await admin.unsafe(`create database ${name}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
const env = { DATABASE_URL: url.toString(), APP_SECRET: SECRET, NODE_ENV: 'production', PUBLIC_URL: 'http://bench.local', LOG_LEVEL: 'silent' };

const children: ChildProcess[] = [];
async function server(mode: 'app' | 'bare') {
  const child = fork(new URL('./serve.ts', import.meta.url).pathname, [], {
    // The limit stays on (its counting is part of the path) but high enough never to refuse the load.
    env: { ...process.env, ...env, MODE: mode, REDIS_URL, VERIFY_RATE_PER_MINUTE: '1000000000' },
    execArgv: ['--import', 'tsx', ...(process.env.PROFILE && (mode === 'app' || process.env.PROFILE === 'both') ? ['--cpu-prof'] : [])],
  });
  children.push(child);
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: { port?: number }) => m.port && resolve(m.port));
    // A server that dies starting (run from elsewhere than the project folder, tsx is not found) must not leave this waiting.
    child.once('exit', (code) => reject(new Error(`the ${mode} server exited (${code}) before listening`)));
  });
  const cpu = () => new Promise<NodeJS.CpuUsage>((resolve) => {
    child.once('message', (m: { cpu: NodeJS.CpuUsage }) => resolve(m.cpu));
    child.send('cpu');
  });
  return { base: `http://127.0.0.1:${port}`, child, cpu };
}

/** Microseconds of the server's CPU per request, over `amount` requests, and the kernel's part of it (socket writes). */
async function measure(s: Awaited<ReturnType<typeof server>>, path: string, amount = N): Promise<{ total: number; system: number }> {
  const before = await s.cpu();
  const r = await autocannon({ url: s.base + path, connections: C, amount });
  if (r.errors || r.non2xx) throw new Error(`${path}: ${r.errors} errors, ${r.non2xx} non-2xx`);
  const after = await s.cpu();
  const system = (after.system - before.system) / amount;
  return { total: (after.user - before.user) / amount + system, system };
}

try {
  const rt = await createRuntime({ env, log: silentLog });
  const demo = await seedDemo(rt.database.db, rt.deps);
  await rt.close();
  const [bare, app] = [await server('bare'), await server('app')];
  const verify = `/api/v1/verify/${demo.inspectionCode}`;
  // Warm both (JIT, the prepared statement, the pool, the limiter's connection).
  await measure(bare, '/x', N / 4);
  await measure(app, verify, N / 4);
  const as: { total: number; system: number }[] = [], bs: typeof as = [];
  for (let i = 0; i < ROUNDS; i++) {
    as.push(await measure(app, verify));
    bs.push(await measure(bare, '/x'));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const f = (xs: { total: number; system: number }[]) => `${xs.map((x) => x.total.toFixed(0)).join(' / ')} µs (median ${median(xs.map((x) => x.total)).toFixed(0)}; kernel ${median(xs.map((x) => x.system)).toFixed(0)})`;
  console.log(`${N} requests per side and round, ${C} connections, server CPU per request:`);
  console.log(`  public verify   ${f(as)}`);
  console.log(`  bare Hono       ${f(bs)}`);
  console.log(`  ratio of CPU    ${(median(bs.map((x) => x.total)) / median(as.map((x) => x.total))).toFixed(2)} (bare / verify)`);
  for (const c of children) c.send('exit');
} finally {
  await new Promise((r) => setTimeout(r, 500));
  for (const c of children) c.kill();
  await admin.unsafe(`drop database ${name} with (force)`);
  await admin.end();
}
