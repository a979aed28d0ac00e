import type { Log } from '../lib/log';

/** One message to one person, in their language; `link` is the sign-off capability when there is one. */
export interface Notification {
  kind: 'review_assigned' | 'review_reminder' | 'review_urged' | 'review_escalated' | 'draft_closed' | 'digest' | 'inspection';
  to: { personId: string; name: string; email: string; phone?: string | null; wecomUserId?: string | null; dingtalkUserId?: string | null };
  subject: string;
  text: string;
  html: string;
  link?: string;
  /** Stable key of this send: a retried job with the same key must not send again. */
  dedupeKey: string;
}

/** A way of reaching people: SMTP, a robot, a webhook. Each sends one notification or throws. */
export interface Channel {
  readonly name: string;
  send(message: Notification): Promise<void>;
}

/**
 * Used when no SMTP is configured: the message, sign-off link included, goes to the log so a
 * newcomer can click through. This is the only place a raw link token is ever logged.
 */
export function logChannel(log: Log): Channel {
  return {
    name: 'log',
    async send(message) {
      log.info({ to: message.to.email, kind: message.kind, subject: message.subject, link: message.link }, `📨 ${message.subject}${message.link ? `\n   ➜ ${message.link}` : ''}`);
    },
  };
}

/** Keeps what was sent, for tests and for the demo's printout. */
export function memoryChannel(): Channel & { sent: Notification[] } {
  const sent: Notification[] = [];
  return { name: 'memory', sent, async send(message) { sent.push(message); } };
}
