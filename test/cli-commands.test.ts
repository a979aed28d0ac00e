import { execFile } from 'node:child_process';
import { desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryArgs } from './support/entries';
import { auditEvents, people } from '../db/schema';
import { databaseRefusal } from '../db/node';
import { cliLocale, parseCommandLine, refusal, runCommand, type CommandContext, type CommandLine } from '../src/cli/commands';
import { AppError } from '../src/lib/errors';
import { secretCheckOf } from '../src/services/installation';
import { ADMIN_URL, databaseUrl } from './database-url';
import { createTestEnv, type TestEnv } from './harness';
import { freePort } from './project-copy';
import { rowsOf } from './registry-fixtures';

/**
 * The CLI as an operator types it: where options may go and what `--lang` takes, what it says when
 * the database cannot be used, the checks `bootstrap` shares with the API, and the audit events
 * of the commands that end credentials or change the installation.
 */
const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
const CJK = /[\u4e00-\u9fff]/;

/** The CLI as a separate process (test/support/entries.ts), with its own environment. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: any }> {
  const { DATABASE_URL: _unused, LANG: _lang, LC_ALL: _all, LC_MESSAGES: _messages, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, entryArgs('cli', args), { env: { ...inherited, APP_SECRET: SECRET, LOG_LEVEL: 'silent', ...env } }, (err, stdout) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: JSON.parse(stdout.trim().split('\n').at(-1)!) }));
  });
}

/** What the CLI prints for a command line it refuses (details included, as `any` for the assertions). */
const refused = (argv: string[]): any => {
  try {
    parseCommandLine(argv);
  } catch (err) {
    return err;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
};

describe('the command line', () => {
  it('takes options before the command as well as after it', () => {
    expect(parseCommandLine(['--lang', 'en', 'audit:verify'])).toEqual({ command: 'audit:verify', values: {} });
    expect(parseCommandLine(['--email', 'li@example.cn', 'token', '--lang=zh-CN'])).toEqual({ command: 'token', values: { email: 'li@example.cn' } });
    expect(refusal(refused(['audit:verify', 'now']), 'en').error).toMatchObject({ code: 'usage', message: expect.stringMatching(/^unexpected argument now\. usage:/) });
    expect(refusal(refused(['--lang', 'en']), 'en').error.code).toBe('usage');
  });

  it('refuses a --lang it does not know, naming the values it takes, in the language of the environment', () => {
    const err = refused(['audit:verify', '--lang', 'xx']);
    expect(refusal(err, 'en').error).toMatchObject({ code: 'usage', message: expect.stringContaining('--lang takes zh-CN or en, not xx') });
    expect(refusal(err, 'zh-CN').error.message).toContain('--lang 只能是 zh-CN 或 en，而不是 xx');
    expect(cliLocale(['audit:verify', '--lang', 'xx'], { LANG: 'en_US.UTF-8' })).toBe('en');
    expect(cliLocale(['--lang', 'EN', 'audit:verify'], {})).toBe('en');
    expect(cliLocale(['--lang=zh-CN', 'audit:verify'], { LANG: 'en_US.UTF-8' })).toBe('zh-CN');
    expect(cliLocale(['audit:verify'], {})).toBe('zh-CN');
  });
});

describe('bootstrap checks the first admin as the API checks a new person', () => {
  it('refuses an address that is none, or a blank name, as validation_failed naming the field', () => {
    const bad = refused(['bootstrap', '--name', 'X', '--email', 'notanemail']);
    expect(bad).toBeInstanceOf(AppError);
    const en = refusal(bad, 'en').error;
    expect(en).toMatchObject({ code: 'validation_failed', message: 'Invalid request: email', details: [{ path: 'email', message: 'Invalid email address' }] });
    expect((refusal(bad, 'zh-CN').error as any).details[0].message).toMatch(CJK);
    const blank = refusal(refused(['bootstrap', '--name', '  ', '--email', ' Admin@B.cn ']), 'en').error as any;
    expect(blank.details.map((d: { path: string }) => d.path)).toEqual(['name', 'email']);
    expect((refusal(refused(['bootstrap', '--name', '张\n三', '--email', 'a@b.cn']), 'en').error as any).details[0].path).toBe('name');
  });

  it('keeps the name trimmed, so the admin is found by token --email', async () => {
    const t = await createTestEnv('postgres');
    try {
      const ctx: CommandContext = { db: t.runtime.database.db, deps: t.runtime.deps, kind: 'postgres', publicUrl: t.runtime.config.publicUrl };
      const line = parseCommandLine(['bootstrap', '--name', '  首位管理员 ', '--email', 'Admin@B.cn']);
      const made = (await runCommand(ctx, line, 'zh-CN')).output as { personId: string };
      const [admin] = await t.runtime.database.db.select({ name: people.name, email: people.email }).from(people).where(eq(people.id, made.personId));
      expect(admin).toEqual({ name: '首位管理员', email: 'Admin@B.cn' });
      const token = (await runCommand(ctx, parseCommandLine(['token', '--email', 'admin@b.cn']), 'zh-CN')).output as { personId: string };
      expect(token.personId).toBe(made.personId);
    } finally {
      await t.close();
    }
  }, 60_000);
});

describe('a database that cannot be used', () => {
  it('a refused sign-in gives the server\'s reason; a statement\'s own fault is left as it is', () => {
    const wrapped = (code: string, message: string) => Object.assign(new Error('Failed query: CREATE SCHEMA IF NOT EXISTS "drizzle"'), { cause: Object.assign(new Error(message), { code }) });
    const signIn = databaseRefusal(wrapped('28P01', 'password authentication failed for user "operator"'), 'postgres://operator:hunter2@db.example.edu.cn:6432/imprimatur');
    expect(signIn?.code).toBe('unavailable');
    expect(signIn?.said.en).toContain('cannot connect to the database at db.example.edu.cn:6432: cannot sign in to database "imprimatur" (password authentication failed for user "operator")');
    expect(signIn?.said.zh).toContain('无法登录数据库 "imprimatur"');
    expect(signIn?.message).not.toContain('hunter2');
    expect(databaseRefusal(wrapped('42601', 'syntax error at or near "CREAT"'), 'postgres://db/imprimatur')).toBeNull();
  });

  it('a closed port: unavailable, naming host and port, never the password', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const url = `postgres://operator:hunter2-secret@127.0.0.1:${port}/imprimatur`;
    const en = await cli(['--lang', 'en', 'installation'], { DATABASE_URL: url });
    expect(en.code).toBe(1);
    expect(en.out.error).toEqual({ code: 'unavailable', message: expect.stringContaining(`cannot connect to the database at 127.0.0.1:${port}: connection refused`) });
    expect(JSON.stringify(en.out)).not.toContain('hunter2');
    expect(en.out.error.message).not.toMatch(CJK);
  });

  it('a database that does not exist: database_not_found, naming it, in Chinese by default', { timeout: 60_000 }, async () => {
    const url = new URL(databaseUrl(`imp_missing_${process.pid}`));
    url.password = 'hunter2-secret';
    const zh = await cli(['installation'], { DATABASE_URL: url.toString() });
    expect(zh.code).toBe(1);
    expect(zh.out.error.code).toBe('database_not_found');
    expect(zh.out.error.message).toContain(`数据库 "imp_missing_${process.pid}" 在 ${new URL(ADMIN_URL).host} 上不存在`);
    expect(JSON.stringify(zh.out)).not.toContain('hunter2');
  });
});

describe('commands that end credentials or change the installation are in the audit chain', () => {
  let t: TestEnv;
  let ctx: CommandContext;
  beforeAll(async () => {
    t = await createTestEnv('postgres');
    ctx = { db: t.runtime.database.db, deps: t.runtime.deps, kind: 'postgres', publicUrl: t.runtime.config.publicUrl };
  }, 60_000);
  afterAll(() => t?.close());
  const run = (line: CommandLine, c = ctx) => runCommand(c, line, 'en');
  const latest = async () => (await t.runtime.database.db.select().from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1))[0]!;

  it('secret:adopt records whether the secret changed, without the secret or its check; installation:renew the ids; the chain still verifies', async () => {
    const other = 'another-secret-0123456789abcdef0123456789';
    const adopted = await run({ command: 'secret:adopt', values: {} }, { ...ctx, deps: { ...ctx.deps, config: { ...ctx.deps.config, appSecret: other } } });
    expect(adopted.output).toEqual({ adopted: true, changed: true });
    const adoptEvent = await latest();
    expect(adoptEvent).toMatchObject({ action: 'installation.secret_adopted', actorId: null, subjectType: 'installation', data: { via: 'cli', changed: true } });
    const said = JSON.stringify(adoptEvent);
    for (const secret of [other, SECRET]) {
      expect(said).not.toContain(secret);
      expect(said).not.toContain(await secretCheckOf(secret));
    }
    const renewed = (await run({ command: 'installation:renew', values: {} })).output as { previousId: string; id: string };
    expect(await latest()).toMatchObject({ action: 'installation.renewed', actorId: null, subjectType: 'installation', subjectId: renewed.id, data: { via: 'cli', previousId: renewed.previousId } });
    const verified = await run({ command: 'audit:verify', values: {} });
    expect(verified).toMatchObject({ exitCode: 0, output: { ok: true } });
    const [count] = rowsOf<{ n: number }>(await t.runtime.database.db.execute(sql`select count(*)::int as n from audit_events where action like 'installation.%'`));
    expect(count!.n).toBe(2);
  });
});

describe('an operator who puts --lang first', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await createTestEnv('postgres');
  }, 60_000);
  afterAll(() => t?.close());

  it('audit:verify runs and answers in English', { timeout: 60_000 }, async () => {
    const verified = await cli(['--lang', 'en', 'audit:verify'], { DATABASE_URL: t.runtime.config.databaseUrl! });
    expect(verified).toMatchObject({ code: 0, out: { ok: true } });
  });
});
