import { parseArgs } from 'node:util';
import { ConfigError } from './config';
import { AppError, words, type Words } from './lib/errors';
import { parseLocale, type Locale } from './lib/i18n';
import { createLogger } from './lib/logger';
import { createRuntime } from './runtime';
import { verifyAuditChain } from './services/audit';
import { bootstrapAdmin, operatorToken, seedDemo } from './services/bootstrap';
import { readInstallation, renewInstallation } from './services/installation';

/**
 * `npm run cli -- <command>`: prints exactly one JSON object on stdout; logs go to stderr.
 * Commands: migrate, bootstrap --name N --email E, token --email E, demo, installation, installation:renew, audit:verify.
 * Refusals speak zh-CN, or English with `--lang en` or an English locale (LC_ALL, LC_MESSAGES, LANG).
 */
const COMMANDS = 'migrate | bootstrap --name N --email E | token --email E | demo | installation | installation:renew | audit:verify';
const USAGE = words(`用法：npm run cli -- <${COMMANDS}> [--lang en]`, `usage: npm run cli -- <${COMMANDS}> [--lang en]`);

/** A refusal of the command line itself (unknown command, missing or unknown option), with the usage. */
class UsageError extends Error {
  constructor(readonly said: Words) {
    super(said.en);
  }
}

/** zh-CN first, like the API: English only when asked for by `--lang` or an English locale. */
export function cliLocale(flag: string | undefined, env: Record<string, string | undefined>): Locale {
  if (flag) return parseLocale(flag);
  const posix = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return posix.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
}

function parseCommandLine(argv: string[]) {
  const [command, ...rest] = argv;
  try {
    const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, email: { type: 'string' }, lang: { type: 'string' } }, strict: true });
    return { command, values };
  } catch (err) {
    const said = (err as Error).message;
    throw new UsageError(words(`命令行有误（${said}）。${USAGE.zh}`, `${said}. ${USAGE.en}`));
  }
}

async function main(argv: string[]): Promise<{ output: unknown; exitCode: number }> {
  const { command, values } = parseCommandLine(argv);
  if (!command || !KNOWN.has(command)) throw new UsageError(command ? words(`未知命令：${command}。${USAGE.zh}`, `unknown command: ${command}. ${USAGE.en}`) : USAGE);
  // A wrong command line is refused before the database is opened.
  if (command === 'bootstrap' && (!values.name || !values.email)) throw new UsageError(words('bootstrap 需要 --name 和 --email', 'bootstrap needs --name and --email'));
  if (command === 'token' && !values.email) throw new UsageError(words('token 需要 --email', 'token needs --email'));
  const log = createLogger(process.env.LOG_LEVEL ?? 'info', 2);
  const runtime = await createRuntime({ log });
  try {
    switch (command) {
      case 'migrate':
        return { output: { migrated: true, database: runtime.database.kind }, exitCode: 0 };
      case 'bootstrap': {
        return { output: await bootstrapAdmin(runtime.database.db, runtime.deps, { name: values.name!, email: values.email! }), exitCode: 0 };
      }
      case 'token': {
        return { output: await operatorToken(runtime.database.db, runtime.deps, { email: values.email! }), exitCode: 0 };
      }
      case 'demo': {
        const demo = await seedDemo(runtime.database.db, runtime.deps);
        // Each run adds another college (its own unit, people and account): say which one these tokens belong to.
        log.info(`Demo college ready: ${demo.unitName}. Try: curl -H "Authorization: Bearer ${'$'}T" ${runtime.config.publicUrl}/api/v1/me`);
        return { output: { unitId: demo.unitId, unitName: demo.unitName, accountId: demo.accountId, inspectionCode: demo.inspectionCode, tokens: demo.tokens, holders: demo.holders }, exitCode: 0 };
      }
      case 'installation':
        return { output: await readInstallation(runtime.database.db), exitCode: 0 };
      case 'installation:renew':
        return { output: await renewInstallation(runtime.database.db), exitCode: 0 };
      case 'audit:verify': {
        const result = await verifyAuditChain(runtime.database.db);
        return { output: result, exitCode: result.ok ? 0 : 1 };
      }
      default:
        throw new UsageError(USAGE);
    }
  } finally {
    await runtime.close();
  }
}

const KNOWN = new Set(['migrate', 'bootstrap', 'token', 'demo', 'installation', 'installation:renew', 'audit:verify']);

const argv = process.argv.slice(2);
const langFlag = argv.find((a, i) => argv[i - 1] === '--lang') ?? argv.find((a) => a.startsWith('--lang='))?.slice(7);
const locale = cliLocale(langFlag, process.env);
main(argv)
  .then(({ output, exitCode }) => {
    process.stdout.write(`${JSON.stringify(output)}\n`);
    process.exitCode = exitCode;
  })
  .catch((err: unknown) => {
    const error =
      err instanceof AppError ? { code: err.code, message: err.localized(locale) }
      : err instanceof UsageError ? { code: 'usage', message: err.said.in(locale) }
      : err instanceof ConfigError ? { code: 'invalid_config', message: err.message }
      : { code: 'cli_error', message: (err as Error).message };
    process.stdout.write(`${JSON.stringify({ error })}\n`);
    process.exitCode = 1;
  });
