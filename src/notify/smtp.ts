import nodemailer from 'nodemailer';
import type { Channel } from './channel';

/**
 * Email over SMTP (`SMTP_URL`): zh-CN subject, plain text and HTML parts. Node only (nodemailer).
 * The dedupe key travels as a header so a mail system can spot the rare duplicate.
 */
export function smtpChannel(opts: { url: string; from: string }): Channel & { close(): void } {
  // Bounded waits: a send that hangs must fail and be retried, not hold its claim forever.
  const transport = nodemailer.createTransport({ url: opts.url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    name: 'email',
    async send(m) {
      await transport.sendMail({
        from: opts.from,
        to: { name: m.to.name, address: m.to.email },
        subject: m.subject,
        text: m.text,
        html: m.html,
        headers: { 'X-Imprimatur-Dedupe-Key': m.dedupeKey, 'Auto-Submitted': 'auto-generated' },
      });
    },
    close: () => transport.close(),
  };
}
