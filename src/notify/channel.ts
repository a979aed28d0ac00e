import type { Log } from '../lib/log';
import type { UnitRobots } from './robots';

/** One message to one person, in their language; `link` is the sign-off capability when there is one. */
export interface Notification {
  kind:
    | 'review_assigned' | 'review_reminder' | 'review_urged' | 'review_escalated' | 'draft_closed' | 'digest'
    // People and positions: a welcome at the new person's own address; a position changing hands.
    | 'welcome' | 'position_assigned'
    // Registry and annual inspection (src/notify/registry-messages.ts).
    | 'inspection' | 'inspection_reminder' | 'inspection_overdue' | 'inspection_result' | 'inspection_code' | 'account_status' | 'account_dormant';
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

/** Routes that reach only the person: the only ones that may carry a sign-off link. */
const PRIVATE: readonly Route[] = ['email', 'webhook'];

/**
 * The routes for one message: the person's preferences, in order, that the unit can serve. A
 * message carrying a link always includes a private route (email when none is preferred), since
 * group robots never carry links.
 */
export function routesFor(preferences: readonly string[], robots: UnitRobots, hasLink: boolean): Route[] {
  const available = (r: Route) => r === 'email' || Boolean(robots[r]);
  const chosen = [...new Set(preferences)].filter(isRoute).filter(available);
  if (!chosen.length || (hasLink && !chosen.some((r) => PRIVATE.includes(r)))) chosen.push('email');
  return chosen;
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
