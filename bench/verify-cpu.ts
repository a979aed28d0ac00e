/**
 * `npx tsx bench/verify-cpu.ts` (N requests per side and round, C connections): the Node CPU one
 * public verify `GET /api/v1/verify/{code}` costs the server process, against a bare Hono JSON route
 * on the same adapter (bench/serve.ts, both modes, built and flagged as `npm start` runs), alternated three times. CPU time, not requests
 * per second: on a machine shared with other work throughput says little, CPU per request holds.
 * PROFILE=1 starts the service with `--cpu-prof` (the profile lands in the working directory).
 */
import autocannon from 'autocannon';
import { silentLog } from '../src/lib/log';
import { createRuntime } from '../src/runtime';
import { seedDemo } from '../src/services/bootstrap';
import { median, REDIS_URL, scratchDatabase, startServer, type BenchServer } from './support';

const N = Number(process.env.N ?? 20_000);
const C = Number(process.env.C ?? 32);
const ROUNDS = 3;
const SECRET = 'bench-secret-0123456789abcdef0123456789';
const database = await scratchDatabase('verify');
const env = { DATABASE_URL: database.url, APP_SECRET: SECRET, NODE_ENV: 'production', PUBLIC_URL: 'http://bench.local', LOG_LEVEL: 'silent' };

const children: BenchServer[] = [];
async function server(mode: 'app' | 'bare') {
  // The limit stays on (its counting is part of the path) but high enough never to refuse the load.
  const profile = process.env.PROFILE && (mode === 'app' || process.env.PROFILE === 'both') ? ['--cpu-prof'] : [];
  const s = await startServer(mode, { ...env, REDIS_URL, VERIFY_RATE_PER_MINUTE: '1000000000' }, profile);
  children.push(s);
  return s;
}

/** Microseconds of the server's CPU per request, over `amount` requests, and the kernel's part of it (socket writes). */
async function measure(s: BenchServer, path: string, amount = N): Promise<{ total: number; system: number }> {
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
  const f = (xs: { total: number; system: number }[]) => `${xs.map((x) => x.total.toFixed(0)).join(' / ')} µs (median ${median(xs.map((x) => x.total)).toFixed(0)}; kernel ${median(xs.map((x) => x.system)).toFixed(0)})`;
  console.log(`${N} requests per side and round, ${C} connections, server CPU per request:`);
  console.log(`  public verify   ${f(as)}`);
  console.log(`  bare Hono       ${f(bs)}`);
  console.log(`  ratio of CPU    ${(median(bs.map((x) => x.total)) / median(as.map((x) => x.total))).toFixed(2)} (bare / verify)`);
  for (const c of children) c.child.send('exit');
} finally {
  await new Promise((r) => setTimeout(r, 500));
  for (const c of children) c.child.kill();
  await database.drop();
}
