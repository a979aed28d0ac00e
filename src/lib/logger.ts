import pino from 'pino';
import type { Log } from './log';

/** Structured logs for Node; anything that could carry a secret is redacted by key. */
export function createLogger(level: string): Log {
  return pino({
    level,
    redact: {
      paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization', 'appSecret', '*.appSecret', 'password', '*.password', 'smtpUrl'],
      censor: '[redacted]',
    },
  });
}
