import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh copy of the project folder as a newcomer has it: the code, its own ./data (so a
 * new embedded PGlite database) and files. For tests that run `npm start` and the CLI as a reader would.
 */
export const root = join(import.meta.dirname, '..');

export async function projectCopy(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  // The code is copied, not linked: tsx applies tsconfig.json (JSX by hono/jsx) only to files under the
  // folder it was found in, by their real paths, so linked pages would be compiled as React and fail.
  for (const entry of ['package.json', 'src', 'db', 'workers', 'scripts', 'tsconfig.json']) await cp(join(root, entry), join(dir, entry), { recursive: true });
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** The environment a reader's shell gives: PATH and HOME, the port, and queues of their own. */
export const readerEnv = (dir: string, port: number): Record<string, string> => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, PORT: String(port), QUEUE_PREFIX: `copy-${port}` });

/** Stops a process group started detached (npm start and its children), politely and then firmly. */
export async function stopGroup(child: ChildProcess | number | undefined): Promise<void> {
  const pid = typeof child === 'number' ? child : child?.pid;
  if (!pid) return;
  try { process.kill(-pid, 'SIGTERM'); } catch { return; }
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 200));
    try { process.kill(-pid, 0); } catch { return; }
  }
  try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
}

/** `npm start` in the copy, resolved once /healthz answers. */
export async function startServer(dir: string, port: number): Promise<{ child: ChildProcess; log: () => string }> {
  const child = spawn('npm', ['start'], { cwd: dir, env: readerEnv(dir, port), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const until = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}\n${log}`);
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (up) return { child, log: () => log };
    if (Date.now() > until) throw new Error(`npm start did not answer /healthz\n${log}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
