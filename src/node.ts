import { serve } from '@hono/node-server';
import { ConfigError } from './config';
import { createRuntime } from './runtime';

/** `npm start`: the API and, in the same process group, the workers that relay and send. */
async function main() {
  const runtime = await createRuntime();
  const { config, log, deps } = runtime;

  // Until the queue workers run, an in-process relay sends outbox messages: polled, and kicked after each commit.
  let draining: Promise<unknown> | null = null;
  const kick = () => {
    draining ??= runtime.drain().catch((err) => log.error({ err }, 'outbox relay failed')).finally(() => (draining = null));
  };
  deps.onOutbox = kick;
  const timer = setInterval(kick, 2000);
  kick();

  const server = serve({ fetch: runtime.app.fetch, port: config.port }, (info) => {
    log.info(`Imprimatur listening on ${config.publicUrl} (port ${info.port}, ${runtime.database.kind}${config.databaseUrl ? '' : ` at ${config.pgliteDir}`})`);
    log.info(`API docs: ${config.publicUrl}/docs`);
  });

  const shutdown = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    clearInterval(timer);
    server.close();
    await draining;
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
