import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { at, createdAt, id } from './columns';
import { people } from './org';

/**
 * One-time sign-in links. A row is written when someone asks at /login, for a known address or not
 * (the per-address and per-IP limits count both, and the answer is the same either way); only rows
 * with a person are mailed. The token is minted when the mail is sent, so only its hash is ever
 * stored, and nothing in the outbox or the job carries it.
 */
export const loginLinks = pgTable(
  'login_links',
  {
    id: id(),
    personId: uuid('person_id').references(() => people.id),
    /** HMAC of the address as typed (lower-cased), for the per-address limit without keeping unknown addresses. */
    emailHash: text('email_hash').notNull(),
    /** HMAC of the requesting IP, for the per-IP limit. */
    ipHash: text('ip_hash').notNull(),
    tokenHash: text('token_hash').unique(),
    /** Where to land after signing in (a path on this site). */
    next: text('next').notNull().default('/'),
    createdAt: createdAt(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
  },
  (t) => [index('login_links_email_idx').on(t.emailHash, t.createdAt), index('login_links_ip_idx').on(t.ipHash, t.createdAt)],
);

/**
 * A signed-in browser. The cookie holds a random token; the row holds its hash, so the table cannot
 * be replayed. Idle and absolute limits are checked on every request; ending a session (signing out,
 * the person or an admin ending it) is immediate because every request reads the row.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    personId: uuid('person_id').notNull().references(() => people.id),
    tokenHash: text('token_hash').notNull().unique(),
    /** How the person proved who they are: `email` (a mailed link) or `oidc` (single sign-on). */
    method: text('method').notNull(),
    userAgent: text('user_agent'),
    ip: text('ip'),
    createdAt: createdAt(),
    lastSeenAt: at('last_seen_at').notNull().defaultNow(),
    expiresAt: at('expires_at').notNull(),
    endedAt: at('ended_at'),
    endedById: uuid('ended_by_id').references(() => people.id),
  },
  (t) => [index('sessions_person_idx').on(t.personId)],
);
