/**
 * One server for the HTTP benchmarks, in its own process so the load generator never shares its
 * event loop: MODE=bare is a bare Hono JSON route on the same Node adapter (the baseline), MODE=app
 * the whole service on DATABASE_URL (no workers: the read paths are measured alone). It tells its
 * parent its port, then its resident memory or its CPU time whenever asked.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { writeHeapSnapshot } from 'node:v8';

const mode = process.env.MODE;
let fetch: (req: Request) => Response | Promise<Response>;
if (mode === 'bare') {
  const bare = new Hono().get('/x', (c) => c.json({ code: 'SJ-2026-WX-0001-X', valid: true, status: 'valid', year: 2026 }));
  fetch = bare.fetch;
} else {
  // Imported here, not at the top: the bare baseline must not carry the service's modules in its memory.
  const { createRuntime } = await import('../src/runtime');
  const { silentLog } = await import('../src/lib/log');
  const runtime = await createRuntime({ env: { ...process.env, RUN_WORKERS: 'false', LOG_LEVEL: 'silent' }, log: silentLog });
  fetch = runtime.app.fetch;
}
serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => process.send!({ port: info.port }));
process.on('message', (m) => {
  // A clean exit, so a `--cpu-prof` run writes its profile.
  if (m === 'exit') process.exit(0);
  // Node CPU this process has used so far (bench/verify-cpu.ts divides the difference by the requests served).
  if (m === 'cpu') process.send!({ cpu: process.cpuUsage() });
  // A heap snapshot of this process, for finding what the service keeps (its path is the answer).
  if (m === 'heap') process.send!({ file: writeHeapSnapshot() });
  if (m === 'rss') {
    globalThis.gc?.();
    process.send!(process.memoryUsage());
  }
});
