import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server in-process: accepts every message and keeps it parsed. `hold` lets a test
 * stall the server's answer to DATA (to kill a sender mid-send); a held message that the client
 * abandons was never accepted, exactly as with a real mail server.
 */
export interface SmtpSink {
  url: string;
  messages: ParsedMail[];
  /** Resolves when `n` messages have been accepted (or rejects after `ms`). */
  waitFor(n: number, ms?: number): Promise<ParsedMail[]>;
  /** The next DATA is held until `release()`; `held` resolves when it arrives. */
  holdNext(): { held: Promise<void>; release(): void };
  /** The next RCPT TO is refused with this SMTP reply code (e.g. 550 unknown mailbox, 450 busy). */
  rejectNextRecipient(code: number, text?: string): void;
  close(): Promise<void>;
}

/** `onMessage` sees each message as it is accepted (the benchmark's sink, in its own process, reports them). */
export async function startSmtpSink(opts: { onMessage?(mail: ParsedMail): void } = {}): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const waiters: (() => void)[] = [];
  let hold: { arrived: () => void; gate: Promise<void> } | null = null;
  let reject: { code: number; text: string } | null = null;
  const closed = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onClose(session) {
      closed.add(session.id);
    },
    onRcptTo(_address, _session, callback) {
      const r = reject;
      reject = null;
      if (!r) return callback();
      callback(Object.assign(new Error(r.text), { responseCode: r.code }));
    },
    onData(stream, session, callback) {
      const h = hold;
      hold = null;
      simpleParser(stream)
        .then(async (mail) => {
          if (h) {
            h.arrived();
            await h.gate;
            // The sender went away before hearing "250 OK": it cannot know the mail was taken, so
            // the message is dropped and the sender's retry is the one delivery.
            if (closed.has(session.id)) return callback(new Error('client gone'));
          }
          messages.push(mail);
          opts.onMessage?.(mail);
          for (const w of waiters.splice(0)) w();
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(n, ms = 15_000) {
      const deadline = Date.now() + ms;
      while (messages.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} mails, got ${messages.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return messages;
    },
    holdNext() {
      let arrived!: () => void;
      let release!: () => void;
      const held = new Promise<void>((r) => (arrived = r));
      const gate = new Promise<void>((r) => (release = r));
      hold = { arrived, gate };
      return { held, release };
    },
    rejectNextRecipient(code, text = code >= 500 ? 'Mailbox unavailable' : 'Mailbox busy, try again later') {
      reject = { code, text };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
