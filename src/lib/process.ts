import { ConfigError } from '../config';
import type { Log } from './log';

/**
 * The life of a long-running Node process (`npm start`, `npm run worker`): start it, stop it once
 * and gracefully on SIGTERM/SIGINT, and exit 2 with the message alone on bad configuration.
 */
/** How long a graceful stop may take (active jobs and requests finish well within it). */
export const STOP_TIMEOUT_MS = 30_000;

export function runProcess(start: () => Promise<{ log: Log; stop: () => Promise<void> }>): void {
  let running: { log: Log; stop: () => Promise<void> } | null = null;
  let stopping: string | null = null;
  const stopNow = async (log: Log, stop: () => Promise<void>, signal: string) => {
    log.info({ signal }, 'shutting down: finishing requests and active jobs');
    // What cannot finish (a job waiting on a Redis that is gone) must not keep the process for
    // ever: after STOP_TIMEOUT_MS it exits; unfinished jobs are taken up again, as after a crash.
    setTimeout(() => {
      log.error({ afterMs: STOP_TIMEOUT_MS }, 'shutdown did not finish in time: exiting');
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    try {
      await stop();
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'unclean shutdown');
      process.exit(1);
    }
  };
  // Listened for from the first moment, not once started: a signal that lands between a library's
  // own listener being added and ours would otherwise be swallowed. Still starting, nothing is
  // under way to finish: the process ends, as Node's default would end it.
  const onSignal = (signal: NodeJS.Signals) => {
    if (!running) {
      // Ended by the signal itself, as without a listener (exit status 128 + n: a stop, not a failure, to a supervisor).
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    // A second signal while stopping: the operator means it (Ctrl-C twice).
    if (stopping) {
      running.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = signal;
    void stopNow(running.log, running.stop, signal);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  start()
    .then((started) => {
      running = started;
    })
    .catch((err) => {
      console.error(err instanceof ConfigError ? err.message : err);
      process.exit(err instanceof ConfigError ? 2 : 1);
    });
}
