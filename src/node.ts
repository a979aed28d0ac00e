import { serve } from '@hono/node-server';
import { mountQueueBoard } from '../workers/board';
import { startQueueHost } from '../workers/host';
import { pgliteSidecar } from '../db/node';
import { serveCommands } from './cli/local-socket';
import { runProcess } from './lib/process';
import { createRuntime } from './runtime';

/**
 * `npm start`: the API and, in the same process, the workers that relay the outbox into BullMQ and
 * send (RUN_WORKERS=false leaves that to `npm run worker` processes).
 */
runProcess(async () => {
  const runtime = await createRuntime();
  const { config, log } = runtime;
  const host = startQueueHost(runtime, { workers: config.runWorkers });
  mountQueueBoard(runtime.app, host.queues, runtime.deps);
  // The embedded database is this process's alone: CLI commands come to it on a local socket instead.
  const commands = runtime.database.kind === 'pglite' && config.pgliteDir !== 'memory://'
    ? await serveCommands({ db: runtime.database.db, deps: runtime.deps, kind: runtime.database.kind, publicUrl: config.publicUrl }, pgliteSidecar(config.pgliteDir, 'sock'), log)
    : null;

  const server = serve({ fetch: runtime.app.fetch, port: config.port }, (info) => {
    log.info(`Imprimatur listening on ${config.publicUrl} (port ${info.port}, ${runtime.database.kind}${config.databaseUrl ? '' : ` at ${config.pgliteDir}`}; workers ${config.runWorkers ? 'in this process' : 'elsewhere'})`);
    log.info(`API docs: ${config.publicUrl}/docs · queues: ${config.publicUrl}/admin/queues`);
    if (commands) log.info(`CLI commands (npm run cli -- …) are taken by this process on ${commands.address}`);
  });

  return {
    log,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await commands?.close();
      await host.close();
      await runtime.close();
    },
  };
});
