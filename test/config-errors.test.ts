import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entryArgs } from './support/entries';
import { refusal } from '../src/cli/commands';
import { ConfigError, parseConfig } from '../src/config';

/** A bad environment variable is refused in one language at a time: the CLI's caller's, or both blocks for a server. */
const CJK = /[\u4e00-\u9fff]/;

describe('configuration refusals', () => {
  const bad = () => {
    try {
      parseConfig({ PORT: 'abc', INCIDENT_ACK_MINUTES: '2' });
    } catch (err) {
      return err;
    }
    throw new Error('parseConfig accepted a bad PORT');
  };

  it('names every bad variable, in Chinese for a Chinese caller and in English for an English one', () => {
    const err = bad();
    expect(err).toBeInstanceOf(ConfigError);
    const zh = refusal(err, 'zh-CN').error;
    expect(zh.code).toBe('invalid_config');
    expect(zh.message).toMatch(/^配置无效：/);
    expect(zh.message).toContain('PORT：');
    expect(zh.message).toContain('INCIDENT_ACK_MINUTES：');
    expect(zh.message).not.toMatch(/Invalid|expected|received|Too small/);
    const en = refusal(err, 'en').error;
    expect(en.message).toMatch(/^Invalid configuration:/);
    expect(en.message).toContain('PORT: Invalid input: expected number, received NaN');
    expect(en.message).not.toMatch(CJK);
    // A server has no caller: it prints both, Chinese first.
    expect((err as Error).message).toBe(`${zh.message}\n${en.message}`);
  });

  it('names every problem at once, and every rule of its own says itself in Chinese too, not only zod’s built-in ones', () => {
    const refused = (env: Record<string, string>) => {
      try {
        parseConfig(env);
      } catch (err) {
        return err;
      }
      throw new Error('parseConfig accepted a bad environment');
    };
    // Every problem at once, the rules between variables too: one start, one list to fix.
    const err = refused({
      DATABASE_URL: 'mysql://db', REDIS_URL: 'localhost:6379', SMTP_URL: 'mail.example.edu.cn', QUEUE_PREFIX: 'my queue', OIDC_CLAIM: 'employee no', ALLOWED_EMAIL_DOMAINS: 'pku edu cn', OUTBOUND_ALLOW_ADDRESSES: 'intranet',
      NODE_ENV: 'production', OIDC_ISSUER: 'https://sso.example.edu.cn', S3_BUCKET: 'files',
    });
    const lines = refusal(err, 'zh-CN').error.message.split('\n').slice(1).map((l: string) => l.trim());
    expect(lines.map((l: string) => l.split('：')[0]).sort()).toEqual(['ALLOWED_EMAIL_DOMAINS', 'APP_SECRET', 'DATABASE_URL', 'OIDC_CLAIM', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET',
      'OUTBOUND_ALLOW_ADDRESSES', 'QUEUE_PREFIX', 'REDIS_URL', 'S3_ACCESS_KEY_ID', 'S3_ENDPOINT', 'S3_SECRET_ACCESS_KEY', 'SMTP_URL']);
    for (const line of lines) expect(line.slice(line.indexOf('：') + 1), line).toMatch(CJK);
    const en = refusal(err, 'en').error.message;
    expect(en).toContain('DATABASE_URL: must be a postgres:// URL');
    expect(en).not.toMatch(CJK);
  });

  it('the CLI answers a bad variable in the language asked for, without opening a database', { timeout: 60_000 }, async () => {
    const { DATABASE_URL: _unused, ...env } = process.env;
    const answer = await new Promise<{ code: number; out: { error: { code: string; message: string } } }>((resolve) => {
      execFile(process.execPath, entryArgs('cli', ['demo', '--lang', 'en']), { env: { ...env, PORT: 'abc', PGLITE_DIR: '/nonexistent/never-opened' } }, (err, stdout) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: JSON.parse(stdout.trim().split('\n').at(-1)!) }));
    });
    expect(answer.code).not.toBe(0);
    expect(answer.out.error).toEqual({ code: 'invalid_config', message: 'Invalid configuration:\n  PORT: Invalid input: expected number, received NaN' });
  });

  it('a server whose port is taken says so like a bad variable (exit 2), and lets go of its embedded database', { timeout: 90_000 }, async () => {
    const holder = createServer().listen(0, '0.0.0.0');
    await new Promise((resolve) => holder.once('listening', resolve));
    const port = (holder.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'imprimatur-port-'));
    try {
      const { DATABASE_URL: _unused, ...env } = process.env;
      const done = await new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(process.execPath, entryArgs('node'), { env: { ...env, PORT: String(port), PGLITE_DIR: join(dir, 'pglite'), APP_SECRET: 'p'.repeat(32), LOG_LEVEL: 'silent', QUEUE_PREFIX: 'port-taken' } }, (err, _stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }));
      });
      expect(done.code, done.stderr).toBe(2);
      expect(done.stderr).toContain(`PORT：端口 ${port} 已被其他进程占用`);
      expect(done.stderr).toContain(`PORT: port ${port} is in use by another process`);
      expect(done.stderr).not.toMatch(/Unhandled|at Server/);
      // The database's lock and the CLI socket are gone, so a CLI command or the next start may open it.
      expect(readdirSync(dir).filter((f) => /pglite\.(pid|sock)$/.test(f))).toEqual([]);
      expect(existsSync(join(dir, 'pglite'))).toBe(true);
    } finally {
      holder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a second server on an embedded database another process holds says so (exit 2, database_in_use words), without a stack', { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imprimatur-held-'));
    try {
      // Held by a live process (this one), as a running npm start holds it.
      writeFileSync(join(dir, 'pglite.pid'), String(process.pid));
      const { DATABASE_URL: _unused, ...env } = process.env;
      const done = await new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(process.execPath, entryArgs('node'), { env: { ...env, PORT: '1', PGLITE_DIR: join(dir, 'pglite'), APP_SECRET: 'p'.repeat(32), LOG_LEVEL: 'silent' } }, (err, _stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }));
      });
      expect(done.code, done.stderr).toBe(2);
      expect(done.stderr).toContain(`正被进程 ${process.pid} 使用`);
      expect(done.stderr).toContain(`is in use by process ${process.pid}`);
      expect(done.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
