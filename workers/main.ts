import { ConfigError } from '../src/config';
import { words } from '../src/lib/i18n';
import { runProcess } from '../src/lib/process';
import { createRuntime } from '../src/runtime';
import { startQueueHost } from './host';

/**
 * `npm run worker`: relay, send and sweep without the API. Run as many as needed; the relay takes
 * rows with SKIP LOCKED, jobs have deterministic ids and every send is claimed, so they never clash.
 */
runProcess(async () => {
  const runtime = await createRuntime();
  if (runtime.database.kind === 'pglite') {
    await runtime.close();
    throw new ConfigError(words('npm run worker 需要 DATABASE_URL：内嵌的 PGlite 属于 `npm start` 进程（它自带后台任务）', 'npm run worker needs DATABASE_URL: the embedded PGlite belongs to the `npm start` process (which runs its own workers)'));
  }
  const host = startQueueHost(runtime, { workers: true });
  runtime.log.info({ redis: runtime.config.redisUrl.replace(/\/\/[^@]*@/, '//***@'), prefix: host.queues.settings.prefix }, 'workers started');
  return {
    log: runtime.log,
    async stop() {
      await host.close();
      await runtime.close();
    },
  };
});
