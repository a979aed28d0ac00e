import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, projectCopy, readerEnv, startServer, stopGroup } from './project-copy';

/**
 * The CLI while `npm start` holds the embedded PGlite database (no DATABASE_URL): the commands the
 * README uses are handed to the server through ./data/pglite.sock, the demo is made once, and when
 * the holder cannot take a command the CLI says so in both languages and never opens the database.
 */
let dir = '';
let port = 0;
let remove = async () => {};
let server: ChildProcess | undefined;
let sleeper: ChildProcess | undefined;

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: any; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npm', ['run', '-s', 'cli', '--', ...args], { cwd: dir, env: { ...readerEnv(dir, port), ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: JSON.parse(stdout.trim().split('\n').at(-1)!), stderr });
    });
  });
}
const api = (path: string, token: string) => fetch(`http://127.0.0.1:${port}${path}`, { headers: { Authorization: `Bearer ${token}` } });

beforeAll(async () => {
  ({ dir, remove } = await projectCopy('imprimatur-cli-'));
  port = await freePort();
  server = (await startServer(dir, port)).child;
}, 180_000);
afterAll(async () => {
  await stopGroup(server);
  sleeper?.kill('SIGKILL');
  await remove();
});

describe('CLI commands while npm start holds the embedded database', () => {
  let first: any;
  it('demo, run through the server, makes the demo college; its tokens work', { timeout: 60_000 }, async () => {
    const { code, out, stderr } = await cli(['demo']);
    expect(code).toBe(0);
    expect(out).toMatchObject({ existing: false, unitName: expect.stringMatching(/^示范学院（[0-9A-Z]{4}）$/) });
    expect(stderr).toContain('演示学院已创建');
    first = out;
    expect((await api('/api/v1/me', out.tokens.drafter)).status).toBe(200);
    // The socket is the server owner's alone.
    expect((await stat(join(dir, 'data', 'pglite.sock'))).mode & 0o777).toBe(0o600);
  });

  it('demo again makes no second college: it says so and mints fresh tokens for the same demo people', { timeout: 60_000 }, async () => {
    const { code, out, stderr } = await cli(['demo', '--lang', 'en']);
    expect(code).toBe(0);
    expect(out).toMatchObject({ existing: true, unitId: first.unitId, unitName: first.unitName, accountId: first.accountId, inspectionCode: first.inspectionCode, holders: first.holders });
    expect(stderr).toContain('The demo data exists already');
    expect(Object.keys(out.tokens).sort()).toEqual(Object.keys(first.tokens).sort());
    for (const role of Object.keys(first.tokens)) if (role !== 'staff') expect(out.tokens[role]).not.toBe(first.tokens[role]);
    // Fresh and old tokens both work; they are the same people.
    const [a, b] = await Promise.all([api('/api/v1/me', out.tokens.secretary), api('/api/v1/me', first.tokens.secretary)]);
    expect((await a.json()).id).toBe((await b.json()).id);
    const units = await (await api('/api/v1/units?pageSize=100', out.tokens.admin)).json();
    expect(JSON.stringify(units).match(/示范学院（/g)?.length).toBe(1);
  });

  it('audit:verify, token and migrate answer through the server; refusals come in the caller’s language', { timeout: 180_000 }, async () => {
    const verify = await cli(['audit:verify']);
    expect(verify).toMatchObject({ code: 0, out: { ok: true } });
    expect(verify.out.events).toBeGreaterThan(0);
    expect(verify.stderr).toContain(`审计链完整：共 ${verify.out.events} 个事件`);
    const token = await cli(['token', '--email', first.holders.drafter.email]);
    expect(token.code).toBe(0);
    expect((await api('/api/v1/me', token.out.token)).status).toBe(200);
    expect((await cli(['migrate'])).out).toEqual({ migrated: true, database: 'pglite' });
    expect((await cli(['token', '--email', 'nobody@example.cn', '--lang', 'en'])).out).toEqual({ error: { code: 'not_found', message: 'person not found', details: { field: 'email' } } });
    expect((await cli(['token', '--email', 'nobody@example.cn'])).out).toEqual({ error: { code: 'not_found', message: '人员不存在', details: { field: 'email' } } });
    // Another APP_SECRET is refused through the hand-off too; the secret is not changed under a running server.
    const otherSecret = await cli(['token', '--email', first.holders.drafter.email], { APP_SECRET: 'another-secret-0123456789abcdef0123456789' });
    expect(otherSecret.code).toBe(1);
    expect(otherSecret.out.error.code).toBe('invalid_config');
    expect(otherSecret.out.error.message).toMatch(/^APP_SECRET 与此数据库在用的密钥不同/);
    const adopt = await cli(['secret:adopt'], { APP_SECRET: 'another-secret-0123456789abcdef0123456789' });
    expect(adopt.out.error.code).toBe('secret_in_use');
    expect(adopt.out.error.message).toContain('请先停止服务');
    // Nor the installation id its queues use: refused, the id kept, the server still ready for its database.
    const installation = (await cli(['installation'])).out;
    const renew = await cli(['installation:renew', '--lang', 'en']);
    expect(renew.code).toBe(1);
    expect(renew.out.error.code).toBe('installation_in_use');
    expect(renew.out.error.message).toContain('stop the server, run npm run cli -- installation:renew, then start the server');
    expect((await cli(['installation'])).out).toEqual(installation);
    const ready = await (await fetch(`http://127.0.0.1:${port}/readyz`)).json();
    expect(ready.installation.id).toBe(installation.id);
    expect(JSON.stringify(ready)).not.toContain('replaced');
  });

  it('a holder that takes no commands: a clear refusal in both languages, the database left alone', { timeout: 240_000 }, async () => {
    await stopGroup(server);
    server = undefined;
    // A live process that is not the server holds the lock (as an older `npm start` would).
    sleeper = spawn('sleep', ['120'], { stdio: 'ignore' });
    await writeFile(join(dir, 'data', 'pglite.pid'), String(sleeper.pid));
    const zh = await cli(['audit:verify']);
    expect(zh.code).toBe(1);
    expect(zh.out.error.code).toBe('database_in_use');
    expect(zh.out.error.message).toContain(`正被进程 ${sleeper.pid} 使用`);
    expect(zh.out.error.message).toContain('DATABASE_URL');
    const en = await cli(['audit:verify'], { LANG: 'en_US.UTF-8' });
    expect(en.out.error.message).toContain(`in use by process ${sleeper.pid}`);
    expect(en.out.error.message).not.toMatch(/[\u4e00-\u9fff]/);
    // Once the holder is gone, its stale lock is replaced and the CLI opens the database itself: intact.
    sleeper.kill('SIGKILL');
    await new Promise((r) => sleeper!.once('exit', r));
    const direct = await cli(['audit:verify']);
    expect(direct).toMatchObject({ code: 0, out: { ok: true } });
    expect(direct.out.events).toBeGreaterThan(0);
    expect((await cli(['demo'])).out).toMatchObject({ existing: true, unitId: first.unitId });
  });
});
