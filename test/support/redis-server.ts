import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/**
 * A Redis server of the test's own, on a free loopback port, so a test may FLUSHALL it, stop it or
 * restart it without touching the machine's shared Redis (other test files use it in parallel).
 */
export interface TestRedis {
  url: string;
  flushAll(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server process without closing its sockets (SIGSTOP): connected, answering nothing. */
  freeze(): void;
  thaw(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let proc: ChildProcess | null = null;
  const command = async <T>(fn: (r: Redis) => Promise<T>) => {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    r.on('error', () => {}); // refused while the server starts: the caller retries
    try {
      await r.connect();
      return await fn(r);
    } finally {
      r.disconnect();
    }
  };
  const api: TestRedis = {
    url,
    async start() {
      proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
      for (let i = 0; i < 100; i++) {
        try {
          if ((await command((r) => r.ping())) === 'PONG') return;
        } catch { /* not up yet */ }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('redis-server did not start');
    },
    async stop() {
      const p = proc;
      proc = null;
      if (!p || p.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGKILL');
      });
    },
    flushAll: () => command((r) => r.flushall()).then(() => undefined),
    freeze: () => void proc?.kill('SIGSTOP'),
    thaw: () => void proc?.kill('SIGCONT'),
  };
  await api.start();
  return api;
}
