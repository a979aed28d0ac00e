import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { apiTokens, people } from '../../db/schema';
import { hashToken, randomToken } from '../lib/crypto';
import { AppError, words } from '../lib/errors';
import { appendAudit } from './audit';
import { TOKEN_PREFIX, type Person } from './auth';
import { inTransaction, type ServiceDeps } from './context';

/**
 * A person's own personal API tokens (for scripts and integrations): created with a name and shown
 * once (only its keyed hash is stored), listed without the secret, revoked at once. Nobody creates,
 * sees or revokes another person's tokens here; operators use the CLI on the server.
 */

/** Live tokens one person may hold at once: enough for every script, not an unbounded pile of credentials. */
export const MAX_TOKENS = 20;

const columns = { id: apiTokens.id, label: apiTokens.label, createdAt: apiTokens.createdAt };

export async function listTokens(db: Db, me: Person) {
  return db.select(columns).from(apiTokens).where(and(eq(apiTokens.personId, me.id), isNull(apiTokens.revokedAt))).orderBy(desc(apiTokens.createdAt));
}
export type TokenRow = Awaited<ReturnType<typeof listTokens>>[number];

/** Creates a token for the caller; the raw value is in this answer only. */
export async function createToken(db: Db, deps: ServiceDeps, me: Person, label: string): Promise<TokenRow & { token: string }> {
  return inTransaction(db, deps, async (tx) => {
    // One at a time per person, so tokens made at once are counted against the limit too.
    await tx.select({ id: people.id }).from(people).where(eq(people.id, me.id)).for('update');
    const held = await tx.select({ label: apiTokens.label }).from(apiTokens).where(and(eq(apiTokens.personId, me.id), isNull(apiTokens.revokedAt)));
    // A name tells one's tokens apart (to revoke the right one). It also makes a resent form (a
    // reload of the answer that showed the token) a refusal rather than a second, unseen token.
    if (held.some((k) => k.label === label)) {
      throw new AppError('conflict', { reasonZh: `已有名为「${label}」的令牌，请换一个名称，或先撤销它`, reasonEn: `you already have a token named “${label}”; choose another name, or revoke that one first` }, { field: 'label' });
    }
    if (held.length >= MAX_TOKENS) {
      throw new AppError('conflict', { reasonZh: `个人令牌最多 ${MAX_TOKENS} 个，请先撤销不用的令牌`, reasonEn: `at most ${MAX_TOKENS} personal tokens; revoke one you no longer use` }, { field: 'label', max: MAX_TOKENS });
    }
    const token = randomToken(TOKEN_PREFIX);
    const [row] = await tx.insert(apiTokens).values({ personId: me.id, tokenHash: await hashToken(deps.config.appSecret, token), label, createdAt: deps.now() }).returning(columns);
    await appendAudit(tx, { actorId: me.id, action: 'person.token_issued', subjectType: 'person', subjectId: me.id, data: { via: 'self', tokenId: row!.id, label }, at: deps.now() });
    return { ...row!, token };
  });
}

/** Revokes one of the caller's tokens; a token already revoked is not an error (a double click). */
export async function revokeToken(db: Db, deps: ServiceDeps, me: Person, tokenId: string): Promise<void> {
  await inTransaction(db, deps, async (tx) => {
    const [row] = await tx.select({ personId: apiTokens.personId, revokedAt: apiTokens.revokedAt }).from(apiTokens).where(eq(apiTokens.id, tokenId)).for('update');
    if (!row || row.personId !== me.id) throw new AppError('not_found', { what: words('令牌', 'token') }, { field: 'id' });
    if (row.revokedAt) return;
    await tx.update(apiTokens).set({ revokedAt: deps.now() }).where(eq(apiTokens.id, tokenId));
    await appendAudit(tx, { actorId: me.id, action: 'person.token_revoked', subjectType: 'person', subjectId: me.id, data: { tokenId }, at: deps.now() });
  });
}
