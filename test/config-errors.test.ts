import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
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

  it('the CLI answers a bad variable in the language asked for, without opening a database', { timeout: 60_000 }, async () => {
    const { DATABASE_URL: _unused, ...env } = process.env;
    const answer = await new Promise<{ code: number; out: { error: { code: string; message: string } } }>((resolve) => {
      execFile('npx', ['tsx', 'src/cli.ts', 'demo', '--lang', 'en'], { env: { ...env, PORT: 'abc', PGLITE_DIR: '/nonexistent/never-opened' } }, (err, stdout) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: JSON.parse(stdout.trim().split('\n').at(-1)!) }));
    });
    expect(answer.code).not.toBe(0);
    expect(answer.out.error).toEqual({ code: 'invalid_config', message: 'Invalid configuration:\n  PORT: Invalid input: expected number, received NaN' });
  });
});
