import { and, count, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { loginLinks, people, sessions } from '../../db/schema';
import { hashToken, hmacHex, randomToken } from '../lib/crypto';
import { AppError, words } from '../lib/errors';
import { appendAudit } from './audit';
import { hasRole, type Person } from './auth';
import { inTransaction, type ServiceDeps } from './context';
import { enqueue } from './outbox';

/** A mailed sign-in link works once, within this long. */
export const LOGIN_LINK_MINUTES = 15;
/**
 * Sign-in requests in one window (the window is the link's lifetime): links sent to one address from
 * one client, links sent to one address from all clients, and requests from one client. Counting an
 * address per client first means that one client asking over and over for someone else's address
 * uses up only its own share: the person still gets a link when they ask, until several clients
 * together have had `perAddress` links sent.
 */
export const LOGIN_LIMITS = { perAddressAndClient: 5, perAddress: 20, perIp: 30 } as const;
/** A session ends after this long without a request, and in any case this long after it began. */
export const SESSION_IDLE_MS = 8 * 3600_000;
export const SESSION_MAX_MS = 7 * 86_400_000;
/** last_seen_at is written at most this often, so a busy page does not write on every request. */
const TOUCH_EVERY_MS = 60_000;

export const SESSION_COOKIE = 'imp_session';
export const SESSION_TOKEN_PREFIX = 'ims_';
const LOGIN_TOKEN_PREFIX = 'iml_';

const normalEmail = (email: string) => email.trim().toLowerCase();

/**
 * Someone asks for a sign-in link. Known address: a link row is written and its mail queued (the
 * token is minted when the mail goes out). Unknown address: the row is written too, without a
 * person, so it counts against the limits and the caller's answer cannot tell the two apart.
 * Over an address's limits nothing is sent and the answer stays the same; over the per-IP limit
 * the caller is told to wait (that says nothing about any address).
 */
export async function requestLoginLink(db: Db, deps: ServiceDeps, input: { email: string; ip: string; next: string }): Promise<void> {
  const now = deps.now();
  const windowStart = new Date(now.getTime() - LOGIN_LINK_MINUTES * 60_000);
  const emailHash = await hmacHex(deps.config.appSecret, `login-email:${normalEmail(input.email)}`);
  const ipHash = await hmacHex(deps.config.appSecret, `login-ip:${input.ip}`);
  await inTransaction(db, deps, async (tx) => {
    // Serializes requests from one client and for one address, so a burst cannot slip past either
    // count. Always in this order (client, then address): no two requests wait on each other in a circle.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${ipHash})), pg_advisory_xact_lock(hashtext(${emailHash}))`);
    const [byIp] = await tx.select({ n: count() }).from(loginLinks).where(and(eq(loginLinks.ipHash, ipHash), gt(loginLinks.createdAt, windowStart)));
    if ((byIp?.n ?? 0) >= LOGIN_LIMITS.perIp) {
      throw new AppError('rate_limited', { retryAfter: words(`${LOGIN_LINK_MINUTES} 分钟`, `${LOGIN_LINK_MINUTES} minutes`) }, { retryAfter: new Date(now.getTime() + LOGIN_LINK_MINUTES * 60_000).toISOString() });
    }
    const [byAddress] = await tx
      .select({ fromHere: sql<number>`count(*) filter (where ${loginLinks.ipHash} = ${ipHash})`.mapWith(Number), sent: sql<number>`count(${loginLinks.personId})`.mapWith(Number) })
      .from(loginLinks).where(and(eq(loginLinks.emailHash, emailHash), gt(loginLinks.createdAt, windowStart)));
    // A person who left gets no link (and the answer does not say so).
    const [person] = await tx.select({ id: people.id }).from(people).where(and(sql`lower(${people.email}) = ${normalEmail(input.email)}`, isNull(people.deactivatedAt))).limit(1);
    const allowed = (byAddress?.fromHere ?? 0) < LOGIN_LIMITS.perAddressAndClient && (byAddress?.sent ?? 0) < LOGIN_LIMITS.perAddress;
    const [row] = await tx
      .insert(loginLinks)
      .values({ personId: person && allowed ? person.id : null, emailHash, ipHash, next: input.next, createdAt: now, expiresAt: new Date(now.getTime() + LOGIN_LINK_MINUTES * 60_000) })
      .returning({ id: loginLinks.id });
    if (person && allowed) await enqueue(tx, 'login.requested', { loginLinkId: row!.id });
    else if (person) deps.log.warn({ personId: person.id }, 'sign-in link not sent: too many requests for this address');
  });
}

/**
 * Mints the token of a requested link as its mail is composed; null when the link was used or has
 * expired meanwhile (a late retry sends nothing). A retried send mints afresh: only the newest works.
 */
export async function mintLoginLink(tx: Db, deps: ServiceDeps, loginLinkId: string): Promise<{ url: string; expiresAt: Date } | null> {
  const token = randomToken(LOGIN_TOKEN_PREFIX);
  const [row] = await tx
    .update(loginLinks)
    .set({ tokenHash: await hashToken(deps.config.appSecret, token) })
    .where(and(eq(loginLinks.id, loginLinkId), isNull(loginLinks.usedAt), gt(loginLinks.expiresAt, deps.now())))
    .returning({ expiresAt: loginLinks.expiresAt });
  return row ? { url: `${deps.config.publicUrl}/login/${token}`, expiresAt: row.expiresAt } : null;
}

export interface StartedSession {
  /** The cookie value: shown to the browser once, stored only as a hash. */
  token: string;
  sessionId: string;
  personId: string;
  next: string;
}

export interface Client {
  ip: string;
  userAgent: string | null;
}

/** A link that still signs in at `now`: not used, not expired. */
const liveLink = (tokenHash: string, now: Date) => and(eq(loginLinks.tokenHash, tokenHash), isNull(loginLinks.usedAt), gt(loginLinks.expiresAt, now));

/** Why a link that is not live cannot sign in: unknown, used or expired, told apart so the page can say what happened. */
async function deadLink(db: Db, tokenHash: string): Promise<AppError> {
  const [link] = await db.select({ usedAt: loginLinks.usedAt }).from(loginLinks).where(eq(loginLinks.tokenHash, tokenHash));
  return new AppError(!link ? 'login_link_invalid' : link.usedAt ? 'login_link_used' : 'login_link_expired');
}

/**
 * Where a link used a moment ago was to lead (its `next`), for a second press of its button: a double
 * click, or the first answer lost. Nothing is started again; null when it was used longer ago.
 */
export async function justUsedLinkNext(db: Db, deps: ServiceDeps, token: string, withinMs = 60_000): Promise<string | null> {
  const tokenHash = await hashToken(deps.config.appSecret, token);
  const [link] = await db.select({ usedAt: loginLinks.usedAt, next: loginLinks.next }).from(loginLinks).where(eq(loginLinks.tokenHash, tokenHash));
  return link?.usedAt && deps.now().getTime() - link.usedAt.getTime() <= withinMs ? (link.next ?? '/') : null;
}

export interface LoginLinkHolder {
  personId: string;
  /** Shown to the link's holder, as the sign-off page shows its reviewer's name: nothing else about them. */
  name: string;
  expiresAt: Date;
}

/**
 * Whom a mailed link would sign in, without using it up. Its page asks first and only the page's
 * form signs in: mail systems' link scanners and chat apps' previews fetch a link before the person
 * taps it, and a link used up by a GET would greet the person with 「已使用过」.
 */
export async function loginLinkHolder(db: Db, deps: ServiceDeps, token: string): Promise<LoginLinkHolder> {
  const tokenHash = await hashToken(deps.config.appSecret, token);
  const [holder] = await db
    .select({ personId: people.id, name: people.name, expiresAt: loginLinks.expiresAt })
    .from(loginLinks)
    .innerJoin(people, eq(people.id, loginLinks.personId))
    .where(liveLink(tokenHash, deps.now()))
    .limit(1);
  if (!holder) throw await deadLink(db, tokenHash);
  return holder;
}

/**
 * Uses a mailed link (its page's form post): marks it used (one statement, so two clicks cannot
 * both win) and starts a session.
 */
export async function signInWithLink(db: Db, deps: ServiceDeps, token: string, client: Client): Promise<StartedSession> {
  const now = deps.now();
  const tokenHash = await hashToken(deps.config.appSecret, token);
  return inTransaction(db, deps, async (tx) => {
    const [used] = await tx
      .update(loginLinks)
      .set({ usedAt: now })
      .where(liveLink(tokenHash, now))
      .returning({ personId: loginLinks.personId, next: loginLinks.next });
    if (!used?.personId) throw await deadLink(tx, tokenHash);
    const started = await startSession(tx, deps, used.personId, 'email', client);
    return { ...started, next: used.next };
  });
}

/** Starts a session for a person whose identity was proven (mailed link, single sign-on, an admin token on the queue board's sign-in); audited. */
export async function startSession(
  tx: Db, deps: ServiceDeps, personId: string, method: 'email' | 'oidc' | 'board', client: Client, maxMs = SESSION_MAX_MS,
): Promise<Omit<StartedSession, 'next'>> {
  const now = deps.now();
  const token = randomToken(SESSION_TOKEN_PREFIX);
  const [row] = await tx
    .insert(sessions)
    .values({
      personId, method, tokenHash: await hashToken(deps.config.appSecret, token), userAgent: client.userAgent?.slice(0, 300) ?? null, ip: client.ip,
      createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + maxMs),
    })
    .returning({ id: sessions.id });
  await appendAudit(tx, { actorId: personId, action: 'session.started', subjectType: 'session', subjectId: row!.id, data: { method }, at: now });
  return { token, sessionId: row!.id, personId };
}

/** A session that still counts at `now`: not ended, within its absolute limit, used within the idle limit. */
const live = (now: Date) => and(isNull(sessions.endedAt), gt(sessions.expiresAt, now), gt(sessions.lastSeenAt, new Date(now.getTime() - SESSION_IDLE_MS)));

export interface SessionCaller {
  person: Person;
  sessionId: string;
}

/**
 * The person behind a session cookie, or null when the session is unknown, ended, idle too long or
 * past its limit. `board`: the queue board's own sign-in (workers/board.ts), which counts there alone,
 * as a page session never counts on the board's cookie.
 */
export async function sessionFor(db: Db, deps: ServiceDeps, token: string, kind: 'page' | 'board' = 'page'): Promise<SessionCaller | null> {
  if (!token.startsWith(SESSION_TOKEN_PREFIX)) return null;
  const now = deps.now();
  const [row] = await db
    .select({ sessionId: sessions.id, lastSeenAt: sessions.lastSeenAt, id: people.id, name: people.name, email: people.email, roles: people.roles, unitId: people.unitId })
    .from(sessions)
    .innerJoin(people, eq(people.id, sessions.personId))
    .where(and(eq(sessions.tokenHash, await hashToken(deps.config.appSecret, token)), live(now), isNull(people.deactivatedAt),
      kind === 'board' ? eq(sessions.method, 'board') : ne(sessions.method, 'board')))
    .limit(1);
  if (!row) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, row.sessionId));
  }
  const { sessionId, lastSeenAt: _seen, ...person } = row;
  return { person, sessionId };
}

/** The synchronizer token of a session's forms: derived, so nothing more is stored; never the cookie itself. */
export const csrfTokenFor = (secret: string, sessionId: string) => hmacHex(secret, `csrf:${sessionId}`);

/** Sessions of a person that still count, newest first (for the person's settings page and for admins). */
export async function listSessions(db: Db, deps: ServiceDeps, personId: string) {
  const now = deps.now();
  return db
    .select({ id: sessions.id, method: sessions.method, userAgent: sessions.userAgent, ip: sessions.ip, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(and(eq(sessions.personId, personId), live(now)))
    .orderBy(desc(sessions.lastSeenAt));
}

/**
 * Ends a session: its owner (signing out, or from the settings page) or an admin. Ending one that
 * has already ended is not an error (a double click on 退出).
 */
export async function endSession(db: Db, deps: ServiceDeps, caller: Person, sessionId: string): Promise<void> {
  await inTransaction(db, deps, async (tx) => {
    const [row] = await tx.select({ personId: sessions.personId, endedAt: sessions.endedAt }).from(sessions).where(eq(sessions.id, sessionId)).for('update');
    if (!row || (row.personId !== caller.id && !hasRole(caller, 'admin'))) throw new AppError('not_found', { what: words('会话', 'session') });
    if (row.endedAt) return;
    const now = deps.now();
    await tx.update(sessions).set({ endedAt: now, endedById: caller.id }).where(eq(sessions.id, sessionId));
    await appendAudit(tx, { actorId: caller.id, action: 'session.ended', subjectType: 'session', subjectId: sessionId, data: { personId: row.personId, by: row.personId === caller.id ? 'self' : 'admin' }, at: now });
  });
}
