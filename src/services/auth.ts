import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { apiTokens, people, positionTerms, type AnyPosition, type Role } from '../../db/schema';
import { hashToken, randomToken } from '../lib/crypto';
import { AppError } from '../lib/errors';

export interface Person {
  id: string;
  name: string;
  email: string;
  roles: Role[];
  unitId: string | null;
}

export const TOKEN_PREFIX = 'imp_';

/** Mints a personal access token; the raw value is returned once and only its hash is kept. */
export async function issueApiToken(db: Db, secret: string, personId: string, label = 'default'): Promise<string> {
  const token = randomToken(TOKEN_PREFIX);
  await db.insert(apiTokens).values({ personId, tokenHash: await hashToken(secret, token), label });
  return token;
}

/** What the app knows of a caller. */
const personColumns = { id: people.id, name: people.name, email: people.email, roles: people.roles, unitId: people.unitId };

export async function findPerson(db: Db, personId: string): Promise<Person | null> {
  const [row] = await db.select(personColumns).from(people).where(eq(people.id, personId));
  return row ?? null;
}

export async function authenticate(db: Db, secret: string, header: string | undefined): Promise<Person> {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!match) throw new AppError('unauthorized');
  const tokenHash = await hashToken(secret, match[1]!);
  const [row] = await db
    .select(personColumns)
    .from(apiTokens)
    .innerJoin(people, eq(people.id, apiTokens.personId))
    // A person who left is refused even if a token escaped revocation.
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt), isNull(people.deactivatedAt)))
    .limit(1);
  if (!row) throw new AppError('unauthorized');
  return row;
}

/** The id of a live token (not revoked, its holder not deactivated), for a session that stands on it. */
export async function liveTokenId(db: Db, secret: string, token: string): Promise<string | null> {
  const [row] = await db.select({ id: apiTokens.id }).from(apiTokens).innerJoin(people, eq(people.id, apiTokens.personId))
    .where(and(eq(apiTokens.tokenHash, await hashToken(secret, token)), isNull(apiTokens.revokedAt), isNull(people.deactivatedAt))).limit(1);
  return row?.id ?? null;
}

/** The holder of a token by its id, while the token is live and the holder active. */
export async function tokenHolder(db: Db, tokenId: string): Promise<Person | null> {
  const [row] = await db.select(personColumns).from(apiTokens).innerJoin(people, eq(people.id, apiTokens.personId))
    .where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt), isNull(people.deactivatedAt))).limit(1);
  return row ?? null;
}

export const hasRole = (person: Person, ...roles: Role[]) => roles.some((r) => person.roles.includes(r));

export function requireRole(person: Person, ...roles: Role[]): void {
  if (!hasRole(person, ...roles)) throw new AppError('forbidden');
}

/** Positions the person holds now, by unit. */
export async function currentPositions(db: Db, personId: string): Promise<{ unitId: string; position: AnyPosition }[]> {
  return db
    .select({ unitId: positionTerms.unitId, position: positionTerms.position })
    .from(positionTerms)
    .where(and(eq(positionTerms.personId, personId), isNull(positionTerms.endedAt)));
}

/** Members of a unit act in it: its own staff and whoever holds one of its positions. */
export async function isMemberOf(db: Db, person: Person, unitId: string): Promise<boolean> {
  if (person.unitId === unitId) return true;
  return (await currentPositions(db, person.id)).some((p) => p.unitId === unitId);
}

/** Publicity and admin staff oversee every unit; anyone else acts only in their own. */
export async function requireUnitAccess(db: Db, person: Person, unitId: string): Promise<void> {
  if (hasRole(person, 'admin', 'publicity')) return;
  if (!(await isMemberOf(db, person, unitId))) throw new AppError('forbidden');
}
