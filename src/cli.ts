import { dataDirHolder, pgliteSidecar } from '../db/node';
import { parseConfig } from './config';
import { cliLocale, parseCommandLine, refusal, runCommand } from './cli/commands';
import { sendCommand } from './cli/local-socket';
import type { Locale } from './lib/i18n';
import { createLogger } from './lib/logger';
import { createRuntime } from './runtime';
import { secretCheckOf } from './services/installation';

/**
 * `npm run cli -- <command>`: prints exactly one JSON object on stdout; logs go to stderr.
 * Commands: migrate, bootstrap --name N --email E, token --email E, demo, installation, installation:renew, secret:adopt, audit:verify.
 * Refusals speak zh-CN, or English with `--lang en` or an English locale (LC_ALL, LC_MESSAGES, LANG).
 * While `npm start` holds the embedded database, the command is handed to it (src/cli/local-socket.ts).
 */

async function main(argv: string[], locale: Locale): Promise<{ output: unknown; exitCode: number; note?: string }> {
  // A wrong command line is refused before the database is opened.
  const line = parseCommandLine(argv);
  const config = parseConfig(process.env);
  if (!config.databaseUrl && config.pgliteDir !== 'memory://') {
    const pid = dataDirHolder(config.pgliteDir);
    if (pid) {
      const alive = () => dataDirHolder(config.pgliteDir) === pid;
      // Without APP_SECRET the server's own (generated) secret is the one; with it, the two must agree.
      const secretCheck = config.appSecret ? await secretCheckOf(config.appSecret) : undefined;
      return sendCommand(pgliteSidecar(config.pgliteDir, 'sock'), argv, locale, { pid, dataDir: config.pgliteDir, alive, secretCheck });
    }
  }
  const log = createLogger(process.env.LOG_LEVEL ?? 'info', 2);
  const runtime = await createRuntime({ log, adoptingSecret: line.command === 'secret:adopt' });
  try {
    const result = await runCommand({ db: runtime.database.db, deps: runtime.deps, kind: runtime.database.kind, publicUrl: runtime.config.publicUrl }, line, locale);
    return { ...result, note: result.note?.in(locale) };
  } finally {
    await runtime.close();
  }
}

const argv = process.argv.slice(2);
const locale = cliLocale(argv, process.env);
main(argv, locale)
  .then(({ output, exitCode, note }) => {
    if (note) process.stderr.write(`${note}\n`);
    process.stdout.write(`${JSON.stringify(output)}\n`);
    process.exitCode = exitCode;
  })
  .catch((err: unknown) => {
    process.stdout.write(`${JSON.stringify(refusal(err, locale))}\n`);
    process.exitCode = 1;
  });
