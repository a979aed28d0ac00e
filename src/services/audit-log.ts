import { and, desc, eq, gte, like, lt, lte, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { auditEvents, people } from '../../db/schema';
import { redactAuditData } from '../domain/audit-redact';
import { sealedEvents } from './audit';

export interface AuditFilter {
  draftId?: string;
  actorId?: string;
  /** An action (`draft.submitted`) or its family (`draft` matches every `draft.…`). */
  action?: string;
  from?: Date;
  to?: Date;
  /** Keyset cursor: events with a smaller seq than this (the previous page's `next`). */
  before?: number;
  limit: number;
}

/** `_` and `%` are LIKE's wildcards; an action typed with them means the characters themselves. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The audit log for the people who read it (admins, publicity), newest first, a page at a time by
 * seq (keyset: a page costs the same at the millionth event as at the first). Each event comes with
 * its place in the chain and its hash; events still waiting for the sealer are sealed first, so every
 * row shown is one `audit:verify` checks. Payloads pass redactAuditData: no secret or token is shown.
 */
export async function listAuditEvents(db: Db, f: AuditFilter) {
  const rows = await sealedEvents(db, () => auditEventsQuery(db, f));
  const page = rows.slice(0, f.limit);
  return {
    items: page.map((e) => ({ ...e, chainNo: e.chainNo!, prevHash: e.prevHash!, data: redactAuditData(e.data) as Record<string, unknown> })),
    next: rows.length > f.limit ? page[page.length - 1]!.seq : null,
  };
}

/** One page of events and one more (to tell whether a next page exists); exported so a test can EXPLAIN it. */
export function auditEventsQuery(db: Db, f: AuditFilter) {
  const where: (SQL | undefined)[] = [
    f.draftId ? eq(auditEvents.draftId, f.draftId) : undefined,
    f.actorId ? eq(auditEvents.actorId, f.actorId) : undefined,
    f.action ? or(eq(auditEvents.action, f.action), like(auditEvents.action, `${likeLiteral(f.action)}.%`)) : undefined,
    f.from ? gte(auditEvents.at, f.from) : undefined,
    f.to ? lte(auditEvents.at, f.to) : undefined,
    f.before ? lt(auditEvents.seq, f.before) : undefined,
  ];
  return db
    .select({
      seq: auditEvents.seq, at: auditEvents.at, action: auditEvents.action, actorId: auditEvents.actorId, actorName: people.name,
      subjectType: auditEvents.subjectType, subjectId: auditEvents.subjectId, draftId: auditEvents.draftId, versionSha256: auditEvents.versionSha256,
      data: auditEvents.data, chainNo: auditEvents.chainNo, prevHash: auditEvents.prevHash, hash: auditEvents.hash,
    })
    .from(auditEvents)
    .leftJoin(people, eq(people.id, auditEvents.actorId))
    .where(and(...where))
    .orderBy(desc(auditEvents.seq))
    .limit(f.limit + 1);
}
