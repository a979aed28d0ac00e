import { serve } from '@hono/node-server';
import { mountQueueBoard } from '../workers/board';
import { startQueueHost } from '../workers/host';
import { ConfigError } from './config';
import { createRuntime } from './runtime';

/**
 * `npm start`: the API and, in the same process, the workers that relay the outbox into BullMQ and
 * send (RUN_WORKERS=false leaves that to `npm run worker` processes).
 */
async function main() {
  const runtime = await createRuntime();
  const { config, log } = runtime;
  const host = startQueueHost(runtime, { workers: config.runWorkers });
  mountQueueBoard(runtime.app, host.queues, runtime.deps);

  const server = serve({ fetch: runtime.app.fetch, port: config.port }, (info) => {
    log.info(`Imprimatur listening on ${config.publicUrl} (port ${info.port}, ${runtime.database.kind}${config.databaseUrl ? '' : ` at ${config.pgliteDir}`}; workers ${config.runWorkers ? 'in this process' : 'elsewhere'})`);
    log.info(`API docs: ${config.publicUrl}/docs · queues: ${config.publicUrl}/admin/queues`);
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing requests and active jobs');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await host.close();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
