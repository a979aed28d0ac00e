import { and, eq, isNull, type SQL } from 'drizzle-orm';
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
  const held = match ? await heldToken(db, secret, match[1]!) : null;
  if (!held) throw new AppError('unauthorized');
  return held.person;
}

/**
 * A live token and its holder, by the token's hash or its id: not revoked, and its holder still
 * active (a person who left is refused even if a token escaped revocation).
 */
async function liveToken(db: Db, key: SQL): Promise<{ tokenId: string; person: Person } | null> {
  const [row] = await db
    .select({ ...personColumns, tokenId: apiTokens.id })
    .from(apiTokens)
    .innerJoin(people, eq(people.id, apiTokens.personId))
    .where(and(key, isNull(apiTokens.revokedAt), isNull(people.deactivatedAt)))
    .limit(1);
  if (!row) return null;
  const { tokenId, ...person } = row;
  return { tokenId, person };
}

/** The token a caller holds (by its value), for a session that stands on it. */
export const heldToken = async (db: Db, secret: string, token: string) => liveToken(db, eq(apiTokens.tokenHash, await hashToken(secret, token)));

/** The holder of a token by its id, while the token is live and the holder active. */
export const tokenHolder = async (db: Db, tokenId: string) => (await liveToken(db, eq(apiTokens.id, tokenId)))?.person ?? null;

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
