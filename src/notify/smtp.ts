import type { Transporter } from 'nodemailer';
import { PermanentSendError, type Channel } from './channel';

/**
 * Email over SMTP (`SMTP_URL`): zh-CN subject, plain text and HTML parts. Node only (nodemailer).
 * The dedupe key travels as a header so a mail system can spot the rare duplicate.
 */
export function smtpChannel(opts: { url: string; from: string; poolSize?: number }): Channel & { close(): void } {
  // Pooled: a connection per message (TCP, TLS, AUTH each time) capped mail at a few dozen a second.
  // Bounded waits: a send that hangs must fail and be retried, not hold its claim forever.
  // nodemailer is loaded at the first send: an API process that never sends (RUN_WORKERS=false) never pays its memory.
  let transport: Promise<Transporter> | null = null;
  let closed = false;
  const open = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) => {
      const t = nodemailer.createTransport({
        url: opts.url, pool: true, maxConnections: opts.poolSize ?? 5, maxMessages: 500,
        connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000,
      } as Parameters<typeof nodemailer.createTransport>[0]);
      if (closed) t.close();
      return t;
    }));
  return {
    name: 'email',
    async send(m) {
      try {
        await (await open()).sendMail({
          from: opts.from,
          to: { name: m.to.name, address: m.to.email },
          subject: m.subject,
          text: m.text,
          html: m.html,
          headers: { 'X-Imprimatur-Dedupe-Key': m.dedupeKey, 'Auto-Submitted': 'auto-generated' },
        });
      } catch (err) {
        throw classify(err);
      }
    },
    close: () => {
      closed = true;
      void transport?.then((t) => t.close());
    },
  };
}

/**
 * A 5xx reply (mailbox unknown, message refused) or an address nodemailer cannot use will fail the
 * same way on every retry: a permanent failure, recorded at once. A 4xx reply (greylisting, mailbox
 * busy), a timeout or a dropped connection may pass later: thrown as is, so the job retries.
 */
function classify(err: unknown): Error {
  const e = err as Error & { responseCode?: number; code?: string; command?: string };
  const permanent = (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600) || (e.code === 'EENVELOPE' && e.command === 'API');
  return permanent ? new PermanentSendError(`SMTP ${e.responseCode ?? e.code}: ${e.message}`) : (err as Error);
}
