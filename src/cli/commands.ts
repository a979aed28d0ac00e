import { parseArgs } from 'node:util';
import type { Db } from '../../db/client';
import { exclusively } from '../../db/exclusive';
import { ConfigError } from '../config';
import { AppError, errorBody, words, type Words } from '../lib/errors';
import { validationError } from '../lib/http';
import type { Locale } from '../lib/i18n';
import type { ServiceDeps } from '../services/context';
import { verificationReport, verificationSaid, verifyAuditChain } from '../services/audit';
import { bootstrapAdmin, demoCollege, operatorToken } from '../services/bootstrap';
import { adoptSecret, readInstallation, renewInstallation } from '../services/installation';
import { NewPersonBody } from '../routes/org/org.routes';

/**
 * The CLI's commands, run the same way whether the CLI opened the database itself or handed the
 * command to the running server that holds the embedded one (src/cli/local-socket.ts).
 */
export const COMMANDS = ['migrate', 'bootstrap', 'token', 'demo', 'installation', 'installation:renew', 'secret:adopt', 'audit:verify'] as const;
export type Command = (typeof COMMANDS)[number];
export interface CommandLine {
  command: Command;
  values: { name?: string; email?: string };
}

const SYNOPSIS = 'migrate | bootstrap --name N --email E | token --email E | demo | installation | installation:renew | secret:adopt | audit:verify';
const USAGE = words(`用法：npm run cli -- <${SYNOPSIS}> [--lang zh-CN|en]`, `usage: npm run cli -- <${SYNOPSIS}> [--lang zh-CN|en]`);

/** What `--lang` takes (any case): Chinese, the default, or English. */
const LANGS: Record<string, Locale> = { 'zh-cn': 'zh-CN', zh: 'zh-CN', en: 'en' };
const langOf = (value: string): Locale | undefined => LANGS[value.toLowerCase()];

/** A refusal the CLI words itself (a wrong command line, an unreachable server), in both languages. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    readonly said: Words,
  ) {
    super(said.en);
  }
}

/** What node:util's parseArgs refused, in both languages (its own message is English only). */
function commandLineProblem(err: Error & { code?: string }): Words {
  const named = (/'(-[^' ]+)/.exec(err.message) ?? /'([^']+)'/.exec(err.message))?.[1] ?? '';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': return words(`未知选项 ${named}`, `unknown option ${named}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': return words(`选项 ${named} 缺少取值`, `option ${named} needs a value`);
    default: return words('无法解析', err.message);
  }
}

const usageError = (said: Words) => new CliError('usage', words(`命令行有误（${said.zh}）。${USAGE.zh}`, `${said.en}. ${USAGE.en}`));

/**
 * The language refusals are worded in, read before the command line is checked (a wrong one is
 * refused in it too): a valid `--lang`, else an English LC_ALL / LC_MESSAGES / LANG, else zh-CN
 * (zh-CN first, like the API). A wrong `--lang` is refused by parseCommandLine.
 */
export function cliLocale(argv: string[], env: Record<string, string | undefined>): Locale {
  const flag = argv.find((_, i) => argv[i - 1] === '--lang') ?? argv.find((a) => a.startsWith('--lang='))?.slice('--lang='.length);
  const chosen = flag === undefined ? undefined : langOf(flag);
  if (chosen) return chosen;
  const posix = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return posix.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
}

/** Checks a command line before any database is opened: a wrong one is refused with the usage. Options may come before the command or after it. */
export function parseCommandLine(argv: string[]): CommandLine {
  let values: { name?: string; email?: string; lang?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: { name: { type: 'string' }, email: { type: 'string' }, lang: { type: 'string' } }, strict: true, allowPositionals: true }));
  } catch (err) {
    throw usageError(commandLineProblem(err as Error & { code?: string }));
  }
  const [command, ...extra] = positionals;
  if (!command || !(COMMANDS as readonly string[]).includes(command)) {
    throw new CliError('usage', command ? words(`未知命令：${command}。${USAGE.zh}`, `unknown command: ${command}. ${USAGE.en}`) : USAGE);
  }
  if (extra.length) throw usageError(words(`多余的参数 ${extra[0]}`, `unexpected argument ${extra[0]}`));
  if (values.lang !== undefined && !langOf(values.lang)) throw usageError(words(`--lang 只能是 zh-CN 或 en，而不是 ${values.lang}`, `--lang takes zh-CN or en, not ${values.lang}`));
  if (command === 'bootstrap' && (!values.name || !values.email)) throw new CliError('usage', words('bootstrap 需要 --name 和 --email', 'bootstrap needs --name and --email'));
  if (command === 'token' && !values.email) throw new CliError('usage', words('token 需要 --email', 'token needs --email'));
  if (command === 'bootstrap') return { command, values: newPerson({ name: values.name, email: values.email }) };
  return { command: command as Command, values: { name: values.name, email: values.email } };
}

/**
 * The first admin's name and address, checked and trimmed by the API's own rules for a new person
 * (POST /api/v1/people), refused the same way: validation_failed naming the field.
 */
function newPerson(input: { name?: string; email?: string }): { name: string; email: string } {
  const parsed = NewPersonBody.pick({ name: true, email: true }).safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, 'argv', input);
  return parsed.data;
}

/** The advisory locks `demo` and `bootstrap` hold while they look for what they would make, and make it. */
const DEMO_LOCK = 0x1a0d0e;
const BOOTSTRAP_LOCK = 0x1a0d0f;

export interface CommandContext {
  db: Db;
  deps: ServiceDeps;
  kind: 'postgres' | 'pglite';
  publicUrl: string;
}

/** What a command prints (one JSON object on stdout), its exit status, and a word for the operator on stderr. */
export interface CommandResult {
  output: unknown;
  exitCode: number;
  note?: Words;
}

/** `locale` words what a command prints as text (a broken audit chain's reason); refusals are worded by the caller. */
export async function runCommand(ctx: CommandContext, { command, values }: CommandLine, locale: Locale): Promise<CommandResult> {
  const { db, deps } = ctx;
  switch (command) {
    case 'migrate':
      // Done when the database was opened (by this process, or by the server that took the command).
      return { output: { migrated: true, database: ctx.kind }, exitCode: 0 };
    case 'bootstrap':
      // Only the first admin: of two run at once, the second waits and is refused.
      return { output: await exclusively(db, ctx.kind, BOOTSTRAP_LOCK, () => bootstrapAdmin(db, deps, { name: values.name!, email: values.email! })), exitCode: 0 };
    case 'token':
      return { output: await operatorToken(db, deps, { email: values.email! }), exitCode: 0 };
    case 'demo': {
      // Run twice at once (two terminals), it still makes one college: the second waits, then finds it.
      const { existing, people: _ids, ...demo } = await exclusively(db, ctx.kind, DEMO_LOCK, () => demoCollege(db, deps));
      const signIn = words(
        `他们也可以在 ${ctx.publicUrl}/login 用 holders 中的邮箱登录（没有 SMTP_URL 时，登录链接写在服务器日志中）。`,
        `They can also sign in at ${ctx.publicUrl}/login with the addresses in holders (without SMTP_URL the sign-in link is in the server log).`,
      );
      const note = existing
        ? words(
            `演示数据已存在：${demo.unitName}，未再创建学院。已为其演示人员签发新的令牌（之前的仍然有效）。${signIn.zh}`,
            `The demo data exists already: ${demo.unitName}; no second college was made. Fresh tokens were minted for its demo people (earlier ones stay valid). ${signIn.en}`,
          )
        : words(`演示学院已创建：${demo.unitName}。试试：curl -H "Authorization: Bearer $T" ${ctx.publicUrl}/api/v1/me。${signIn.zh}`, `Demo college ready: ${demo.unitName}. Try: curl -H "Authorization: Bearer $T" ${ctx.publicUrl}/api/v1/me. ${signIn.en}`);
      return { output: { existing, ...demo }, exitCode: 0, note };
    }
    case 'installation':
      return { output: await readInstallation(db), exitCode: 0 };
    case 'installation:renew':
      return { output: await renewInstallation(db, deps), exitCode: 0 };
    case 'secret:adopt': {
      const { changed } = await adoptSecret(db, deps);
      const note = changed
        ? words('此数据库现使用本进程的 APP_SECRET：此前签发的令牌、审核链接和会话已全部失效，请用新密钥重启各进程。', 'This database now goes with this process\'s APP_SECRET: every earlier token, sign-off link and session has stopped working; restart every process with the new secret.')
        : words('此数据库本就使用这个 APP_SECRET，没有变化。', 'This database already goes with this APP_SECRET; nothing changed.');
      return { output: { adopted: true, changed }, exitCode: 0, note };
    }
    case 'audit:verify': {
      const result = await verifyAuditChain(db);
      return { output: verificationReport(result, locale), exitCode: result.ok ? 0 : 1, note: verificationSaid(result) };
    }
  }
}

/** Any failure as the CLI prints it: `{ error: { code, message, details? } }` in the caller's language, an AppError as the API answers it. */
export function refusal(err: unknown, locale: Locale): { error: { code: string; message: string; details?: unknown } } {
  const error =
    err instanceof AppError ? errorBody(err, locale).error
    : err instanceof CliError ? { code: err.code, message: err.said.in(locale) }
    : err instanceof ConfigError ? { code: err.code, message: err.said.in(locale) }
    : { code: 'cli_error', message: withCauses(err) };
  return { error };
}

/** An unforeseen error with what it wraps (drizzle's "Failed query: …" says only which statement; the driver's reason is its cause). */
function withCauses(err: unknown): string {
  const said: string[] = [];
  for (let e = err as { message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.message === 'string' && e.message) said.push(e.message.trim());
  }
  return said.join(': ') || String(err);
}
