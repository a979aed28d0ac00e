/**
 * The mail benchmark's SMTP server, in its own process (test/support/smtp-sink.ts, a real
 * smtp-server that parses every message): the workers measured do not share their CPU with it,
 * as the no-op BullMQ baseline shares its own with no mail server. It tells its parent its URL,
 * then the subject of every message it accepts, as it accepts it.
 */
import { startSmtpSink } from '../test/support/smtp-sink';

const sink = await startSmtpSink({ onMessage: (mail) => process.send!({ subject: mail.subject ?? '' }) });
process.send!({ url: sink.url });
process.on('message', (m) => {
  if (m === 'cpu') process.send!({ cpu: process.cpuUsage() });
  if (m === 'exit') void sink.close().then(() => process.exit(0));
});
