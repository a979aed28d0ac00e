import { ConfigError } from '../src/config';
import { createRuntime } from '../src/runtime';
import { startQueueHost } from './host';

/**
 * `npm run worker`: relay, send and sweep without the API. Run as many as needed; the relay takes
 * rows with SKIP LOCKED, jobs have deterministic ids and every send is claimed, so they never clash.
 */
async function main() {
  const runtime = await createRuntime();
  if (runtime.database.kind === 'pglite') {
    runtime.log.error('npm run worker needs DATABASE_URL: the embedded PGlite belongs to the `npm start` process (which runs its own workers)');
    await runtime.close();
    process.exit(2);
  }
  const host = startQueueHost(runtime, { workers: true });
  runtime.log.info({ redis: runtime.config.redisUrl.replace(/\/\/[^@]*@/, '//***@'), prefix: runtime.config.queuePrefix }, 'workers started');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime.log.info({ signal }, 'worker shutting down: letting active jobs finish');
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
