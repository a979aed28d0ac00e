import { serve } from '@hono/node-server';
import { mountQueueBoard } from '../workers/board';
import { startQueueHost } from '../workers/host';
import { pgliteSidecar } from '../db/node';
import { serveCommands } from './cli/local-socket';
import { invalidConfig } from './config';
import { answerClientErrors } from './lib/client-errors';
import { words } from './lib/i18n';
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
  answerClientErrors(server);
  /** Everything but the HTTP server: the CLI socket, the queues, the database (its lock too). */
  const release = async () => {
    await commands?.close();
    await host.close();
    await runtime.close();
  };
  // A port taken is a setting to change, said like a bad variable (exit 2), once the database, its
  // lock and the CLI socket are let go; not an unhandled 'error' event with a stack.
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject)).catch(async (err: NodeJS.ErrnoException) => {
    await release();
    const why = { EADDRINUSE: ['已被其他进程占用', 'is in use by another process'], EACCES: ['无权监听', 'may not be listened on by this user'] }[err.code ?? ''];
    if (!why) throw err;
    throw invalidConfig([words(`PORT：端口 ${config.port} ${why[0]}（换一个 PORT，或先停止占用它的进程）`, `PORT: port ${config.port} ${why[1]} (choose another PORT, or stop that process)`)]);
  });

  return {
    log,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await release();
    },
  };
});
