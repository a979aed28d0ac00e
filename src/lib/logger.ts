import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import pino from 'pino';
import type PinoPretty from 'pino-pretty';
import type { Log } from './log';
import { CONTROL } from './text';

const require = createRequire(import.meta.url);

/** The control characters one-line fields refuse (text.ts), as `\u….`, so one record stays one line of plain text. */
const CONTROLS = new RegExp(CONTROL.source, 'g');
const escapeControls = (s: string) => s.replace(CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * Structured logs for Node; anything that could carry a secret is redacted by key. Production
 * (NODE_ENV=production) writes JSON lines for a log shipper; development writes them human-readable
 * (pino-pretty, synchronously, so a crash loses nothing): time, level, request id, message.
 */
export function createLogger(level: string, fd: 1 | 2 = 1, env: Record<string, string | undefined> = process.env, stream?: Writable): Log {
  const options = {
    level,
    redact: {
      paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization', 'appSecret', '*.appSecret', 'password', '*.password', 'smtpUrl'],
      censor: '[redacted]',
    },
  };
  if (env.NODE_ENV === 'production') return pino(options, stream ?? pino.destination(fd));
  // Loaded only here: a production process never needs the formatter (about 10 MB resident once loaded).
  const pretty = require('pino-pretty') as typeof PinoPretty;
  return pino(
    options,
    pretty({
      destination: stream ?? fd,
      sync: true,
      colorize: false,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,reqId',
      // Control characters in a message (a path or a title someone sent) are written escaped: a raw
      // line break would let a caller forge a line, a 📨 sign-off line included.
      messageFormat: (line, key) => `${line.reqId ? `[${String(line.reqId)}] ` : ''}${escapeControls(String(line[key] ?? ''))}`,
      singleLine: true,
    }),
  );
}
