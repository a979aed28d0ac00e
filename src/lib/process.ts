import { ConfigError } from '../config';
import type { Log } from './log';

/**
 * The life of a long-running Node process (`npm start`, `npm run worker`): start it, stop it once
 * and gracefully on SIGTERM/SIGINT, and exit 2 with the message alone on bad configuration.
 */
export function runProcess(start: () => Promise<{ log: Log; stop: () => Promise<void> }>): void {
  start()
    .then(({ log, stop }) => {
      let stopping = false;
      const shutdown = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'shutting down: finishing requests and active jobs');
        try {
          await stop();
          process.exit(0);
        } catch (err) {
          log.error({ err }, 'unclean shutdown');
          process.exit(1);
        }
      };
      process.on('SIGTERM', () => void shutdown('SIGTERM'));
      process.on('SIGINT', () => void shutdown('SIGINT'));
    })
    .catch((err) => {
      console.error(err instanceof ConfigError ? err.message : err);
      process.exit(err instanceof ConfigError ? 2 : 1);
    });
}
