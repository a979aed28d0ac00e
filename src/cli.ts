import { parseArgs } from 'node:util';
import { ConfigError } from './config';
import { AppError } from './lib/errors';
import { createLogger } from './lib/logger';
import { createRuntime } from './runtime';
import { verifyAuditChain } from './services/audit';
import { bootstrapAdmin, operatorToken, seedDemo } from './services/bootstrap';
import { readInstallation, renewInstallation } from './services/installation';

/**
 * `npm run cli -- <command>`: prints exactly one JSON object on stdout; logs go to stderr.
 * Commands: migrate, bootstrap --name N --email E, token --email E, demo, installation, installation:renew, audit:verify.
 */
const USAGE = 'usage: npm run cli -- <migrate | bootstrap --name N --email E | token --email E | demo | installation | installation:renew | audit:verify>';

async function main(argv: string[]): Promise<{ output: unknown; exitCode: number }> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, email: { type: 'string' } }, strict: true });
  const log = createLogger(process.env.LOG_LEVEL ?? 'info', 2);
  const runtime = await createRuntime({ log });
  try {
    switch (command) {
      case 'migrate':
        return { output: { migrated: true, database: runtime.database.kind }, exitCode: 0 };
      case 'bootstrap': {
        if (!values.name || !values.email) throw new Error('bootstrap needs --name and --email');
        return { output: await bootstrapAdmin(runtime.database.db, runtime.deps, { name: values.name, email: values.email }), exitCode: 0 };
      }
      case 'token': {
        if (!values.email) throw new Error('token needs --email');
        return { output: await operatorToken(runtime.database.db, runtime.deps, { email: values.email }), exitCode: 0 };
      }
      case 'demo': {
        const demo = await seedDemo(runtime.database.db, runtime.deps);
        log.info(`Demo college ready. Try: curl -H "Authorization: Bearer ${'$'}DRAFTER" ${runtime.config.publicUrl}/api/v1/me`);
        return { output: { unitId: demo.unitId, accountId: demo.accountId, inspectionCode: demo.inspectionCode, tokens: demo.tokens }, exitCode: 0 };
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
        throw new Error(USAGE);
    }
  } finally {
    await runtime.close();
  }
}

main(process.argv.slice(2))
  .then(({ output, exitCode }) => {
    process.stdout.write(`${JSON.stringify(output)}\n`);
    process.exitCode = exitCode;
  })
  .catch((err: unknown) => {
    const error =
      err instanceof AppError ? { code: err.code, message: err.localized('zh-CN') }
      : err instanceof ConfigError ? { code: 'invalid_config', message: err.message }
      : { code: 'cli_error', message: (err as Error).message };
    process.stdout.write(`${JSON.stringify({ error })}\n`);
    process.exitCode = 1;
  });
