import pino from 'pino';
import type { Log } from './log';

/** Structured logs for Node; anything that could carry a secret is redacted by key. */
export function createLogger(level: string, fd: 1 | 2 = 1): Log {
  return pino(
    {
    level,
    redact: {
      paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization', 'appSecret', '*.appSecret', 'password', '*.password', 'smtpUrl'],
      censor: '[redacted]',
    },
    },
    pino.destination(fd),
  );
}
