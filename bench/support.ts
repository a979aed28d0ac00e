/**
 * What the HTTP benchmarks share: a scratch database of their own, and a server process (bench/serve.ts)
 * that tells its port and, when asked, its resident memory or CPU time.
 */
import { fork, type ChildProcess } from 'node:child_process';
import postgres from 'postgres';

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** The q-quantile of values already sorted ascending. */
export const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** A fresh database named after this process (never the admin database itself), dropped by `drop()`. */
export async function scratchDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `imp_${label}_${process.pid}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export interface BenchServer {
  base: string;
  child: ChildProcess;
  rss(): Promise<number>;
}

/** bench/serve.ts in its own process: MODE=app (the service on `env.DATABASE_URL`, no workers) or bare Hono. */
export async function startServer(mode: 'app' | 'bare', env: Record<string, string>): Promise<BenchServer> {
  const child = fork(new URL('./serve.ts', import.meta.url).pathname, [], {
    env: { ...process.env, ...env, MODE: mode },
    execArgv: ['--import', 'tsx', '--expose-gc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: { port?: number }) => m.port && resolve(m.port));
    child.once('exit', (code) => reject(new Error(`bench server (${mode}) exited with ${code}`)));
  });
  return {
    base: `http://127.0.0.1:${port}`,
    child,
    rss: () => new Promise((resolve) => { child.once('message', (m: { rss: number }) => resolve(m.rss)); child.send('rss'); }),
  };
}
