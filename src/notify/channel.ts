import type { Log } from '../lib/log';
import type { UnitRobots } from './robots';

/** One message to one person, in their language; `link` is the sign-off capability when there is one. */
export interface Notification {
  kind:
    | 'review_assigned' | 'review_reminder' | 'review_urged' | 'review_escalated' | 'review_resent' | 'draft_closed' | 'draft_retracted' | 'digest'
    // People and positions: a welcome at the new person's own address; a position changing hands.
    | 'welcome' | 'position_assigned' | 'sign_in' | 'incident' | 'robot_test'
    // Registry and annual inspection (src/notify/registry-messages.ts).
    | 'inspection' | 'inspection_reminder' | 'inspection_overdue' | 'inspection_result' | 'inspection_code' | 'account_status' | 'account_dormant'
    // Duties of the responsibility system (src/notify/duty-messages.ts).
    | 'duty_assigned' | 'duty_reminder' | 'duty_escalated' | 'duty_submitted' | 'duty_decided' | 'supervision';
  to: { personId: string; name: string; email: string; phone?: string | null; wecomUserId?: string | null; dingtalkUserId?: string | null };
  subject: string;
  text: string;
  html: string;
  link?: string;
  /** Every sign-off link of the message (a digest has one per draft); `link` is the first. */
  links?: string[];
  /** Stable key of this send: a retried job with the same key must not send again. */
  dedupeKey: string;
  /** The unit's robots, for the robot and webhook channels. */
  robots?: UnitRobots;
}

/** A way of reaching people: SMTP, a robot, a webhook. Each sends one notification or throws. */
export interface Channel {
  readonly name: string;
  send(message: Notification): Promise<void>;
}

/** Where a person can be reached: `email` is the mail transport (SMTP, or the log without SMTP). */
export const ROUTES = ['email', 'wecom', 'dingtalk', 'feishu', 'webhook'] as const;
export type Route = (typeof ROUTES)[number];
export const isRoute = (r: string): r is Route => (ROUTES as readonly string[]).includes(r);
export type Channels = { email: Channel } & Partial<Record<Exclude<Route, 'email'>, Channel>>;

/**
 * Routes that reach only the person: the only ones that may carry a sign-off link (a capability:
 * whoever holds it decides as the approver). Only the person's own mailbox qualifies: the robots
 * post into group chats and the webhook goes to the unit's systems, both read by others.
 */
const PRIVATE: readonly Route[] = ['email'];
export const isPrivateRoute = (r: Route) => PRIVATE.includes(r);

/**
 * The routes for one message: the person's preferences, in order, that the unit can serve. A
 * message carrying a link always includes a private route (email when none is preferred), since
 * only private routes carry links.
 */
export function routesFor(preferences: readonly string[], robots: UnitRobots, hasLink: boolean): Route[] {
  const available = (r: Route) => r === 'email' || Boolean(robots[r]);
  const chosen = [...new Set(preferences)].filter(isRoute).filter(available);
  if (!chosen.length || (hasLink && !chosen.some(isPrivateRoute))) chosen.push('email');
  return chosen;
}

/**
 * Any sign-off link: a URL with a `/s/<token>` path segment, whatever its host or path prefix. A
 * digest carries several links while `link` names only the first, so every one is matched, not
 * just `link`. Stops at whitespace, quotes, brackets and CJK punctuation around it in the text.
 */
const SIGNOFF_URL = /\bhttps?:\/\/[^\s"'<>()\[\]\u3000-\u303f\uff00-\uffef]*?\/s\/[^\s"'<>()\[\]\u3000-\u303f\uff00-\uffef]+/gi;
const LINK_NOTE = '（审核链接已通过邮件单独发送给您本人，请查收邮件中的审核链接 / your sign-off link was sent to your e-mail）';

/** A text with every sign-off link replaced by a note saying where the link went. */
export function withoutLinks(text: string, links: readonly string[] = []): string {
  return links.reduce((t, link) => t.split(link).join(LINK_NOTE), text).replace(SIGNOFF_URL, LINK_NOTE);
}

/**
 * What a route that is not the person's alone may see of a message: the same words, no link. Sending
 * applies it to every non-private route, so no channel other than mail ever holds a link.
 */
export function forRoute(route: Route, m: Notification): Notification {
  if (isPrivateRoute(route)) return m;
  const links = [...(m.links ?? []), ...(m.link ? [m.link] : [])];
  const { link: _link, links: _links, ...rest } = m;
  return { ...rest, text: withoutLinks(m.text, links), html: withoutLinks(m.html, links) };
}

/** A failed send that retrying will not fix (bad configuration, rejected payload, refused destination). */
export class PermanentSendError extends Error {}

/**
 * Used when no SMTP is configured: the message, sign-off link included, goes to the log so a
 * newcomer can click through. This is the only place a raw link token is ever logged.
 */
export function logChannel(log: Log): Channel {
  return {
    name: 'log',
    async send(message) {
      // One line, as the README shows it: without SMTP this line is the mail (dev mode only), so it
      // names whom it is for (a message to two people is two lines that would otherwise read alike).
      log.info(`📨 ${message.subject}${message.link ? ` ➜ ${message.link}` : ''}（致 ${message.to.name}）`);
    },
  };
}

/** Keeps what was sent, for tests and for the demo's printout. */
export function memoryChannel(): Channel & { sent: Notification[] } {
  const sent: Notification[] = [];
  return { name: 'memory', sent, async send(message) { sent.push(message); } };
}
