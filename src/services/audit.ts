import { asc, desc, gt, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../db/client';
import { auditEvents } from '../../db/schema';
import { canonicalJson, sha256Hex } from '../lib/crypto';
import { words, type Locale, type Words } from '../lib/i18n';

export interface AuditInput {
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  draftId?: string | null;
  versionSha256?: string | null;
  data?: Record<string, unknown>;
  at: Date;
}

const GENESIS = '0'.repeat(64);
/** Taken by the sealer only: writers never wait on the chain. */
const SEAL_LOCK = 0x1a0d17;
const SEAL_BATCH = 500;

function eventHash(prevHash: string, e: Omit<AuditInput, 'at'> & { at: Date }): Promise<string> {
  return sha256Hex(
    prevHash +
      canonicalJson({
        action: e.action,
        actorId: e.actorId,
        at: e.at.toISOString(),
        data: e.data ?? {},
        draftId: e.draftId ?? null,
        subjectId: e.subjectId,
        subjectType: e.subjectType,
        versionSha256: e.versionSha256 ?? null,
      }),
  );
}

/**
 * Records events in the transaction that makes the change: one INSERT, no lock, so writes of
 * unrelated drafts never wait on each other. The events join the hash chain when the sealer
 * (sealAudit) reaches them, in commit order, moments after the commit.
 */
export async function appendAudit(tx: Db, events: AuditInput | AuditInput[]): Promise<void> {
  const list = Array.isArray(events) ? events : [events];
  if (!list.length) return;
  await auditInsert(tx, list);
}

/** The INSERT appendAudit sends, as a statement a caller can fold into a larger one. */
export function auditInsert(tx: Db, list: AuditInput[]) {
  return tx.insert(auditEvents).values(auditRows(list));
}

/** The rows of events as stored (a decision's writes insert them in a statement of their own shape). */
export function auditRows(list: AuditInput[]) {
  return list.map((event) => ({
    ...event,
    // Millisecond precision is what both JS and the timestamptz column keep, so the hash survives a round trip.
    at: new Date(Math.floor(event.at.getTime())),
    draftId: event.draftId ?? null,
    versionSha256: event.versionSha256 ?? null,
    data: event.data ?? {},
  }));
}

/**
 * The single sealer: links every committed, unsealed event to the chain (chain_no, prev_hash,
 * hash), oldest seq first. Chain order is sealing order, so an event whose transaction committed
 * after later-numbered ones simply takes the next place; nothing waits for gaps. One sealer runs at
 * a time per database (an advisory lock only sealers take): with `wait` the caller queues behind a
 * running one (verification, the 审核单), without it a busy sealer means there is nothing to do.
 * Returns the number of events sealed.
 */
export async function sealAudit(db: Db, opts: { wait?: boolean } = {}): Promise<number> {
  let sealed = 0;
  for (;;) {
    const [pending] = await db.select({ seq: auditEvents.seq }).from(auditEvents).where(isNull(auditEvents.hash)).limit(1);
    if (!pending) return sealed;
    const n = await db.transaction(async (tx) => {
      const [lock] = rowsOf<{ ok: boolean }>(
        await tx.execute(opts.wait ? sql`select true as ok from pg_advisory_xact_lock(${SEAL_LOCK})` : sql`select pg_try_advisory_xact_lock(${SEAL_LOCK}) as ok`),
      );
      if (!lock?.ok) return -1;
      const [head] = await tx.select({ chainNo: auditEvents.chainNo, hash: auditEvents.hash }).from(auditEvents).where(isNotNull(auditEvents.chainNo)).orderBy(desc(auditEvents.chainNo)).limit(1);
      const rows = await tx.select().from(auditEvents).where(isNull(auditEvents.hash)).orderBy(asc(auditEvents.seq)).limit(SEAL_BATCH);
      if (!rows.length) return 0;
      let prevHash = head?.hash ?? GENESIS;
      let chainNo = head?.chainNo ?? 0;
      const links = [];
      for (const row of rows) {
        const hash = await eventHash(prevHash, row);
        links.push(sql`(${row.seq}::bigint, ${++chainNo}::bigint, ${prevHash}, ${hash})`);
        prevHash = hash;
      }
      await tx.execute(sql`
        update ${auditEvents} as a set chain_no = v.chain_no, prev_hash = v.prev_hash, hash = v.hash
        from (values ${sql.join(links, sql`, `)}) as v(seq, chain_no, prev_hash, hash)
        where a.seq = v.seq`);
      return rows.length;
    });
    if (n < 0) return sealed;
    sealed += n;
    if (n < SEAL_BATCH) return sealed;
  }
}

/** How a chain fails to check out at an event: its link to the one before, or its own content. */
export type ChainBreak = 'unlinked' | 'altered';
export const CHAIN_BREAKS: Record<ChainBreak, Words> = {
  unlinked: words('与前一事件的哈希不衔接（有事件被删除或调换了顺序）', 'prev_hash does not match the previous event (an event was removed or reordered)'),
  altered: words('内容与其哈希不符（事件被改动过）', 'content does not match its hash (the event was altered)'),
};

export type AuditVerification = { ok: true; events: number } | { ok: false; events: number; brokenAt: { seq: number; problem: ChainBreak } };

/** The verification in a sentence, for the people who must act on it (the audit page, the CLI's note). */
export function verificationSaid(v: AuditVerification): Words {
  if (v.ok) return words(`审计链完整：共 ${v.events} 个事件，逐一重算哈希，全部衔接无误。`, `The audit chain is intact: ${v.events} events, every hash recomputed and linked.`);
  const reason = CHAIN_BREAKS[v.brokenAt.problem];
  return words(
    `审计链断裂：第 ${v.events} 个事件（seq ${v.brokenAt.seq}）${reason.zh}。此后的记录无法证明未被篡改，请立即报告。`,
    `The audit chain is broken at event ${v.events} (seq ${v.brokenAt.seq}): ${reason.en}. Records from there on cannot be proven untampered; report it at once.`,
  );
}

/** The verification as the API and the CLI print it: the problem's code, and its reason in the reader's language. */
export function verificationReport(v: AuditVerification, locale: Locale) {
  return v.ok ? v : { ...v, brokenAt: { ...v.brokenAt, reason: CHAIN_BREAKS[v.brokenAt.problem].in(locale) } };
}

/**
 * Seals what is waiting, then recomputes the whole chain in chain order; reports the first event
 * whose link or content does not check out.
 */
export async function verifyAuditChain(db: Db, batch = 1000): Promise<AuditVerification> {
  await sealAudit(db, { wait: true });
  let prevHash = GENESIS;
  let after = 0;
  let count = 0;
  for (;;) {
    const rows = await db.select().from(auditEvents).where(gt(auditEvents.chainNo, after)).orderBy(asc(auditEvents.chainNo)).limit(batch);
    for (const row of rows) {
      count++;
      if (row.prevHash !== prevHash) return { ok: false, events: count, brokenAt: { seq: row.seq, problem: 'unlinked' } };
      const expected = await eventHash(prevHash, row);
      if (expected !== row.hash) return { ok: false, events: count, brokenAt: { seq: row.seq, problem: 'altered' } };
      prevHash = row.hash;
    }
    if (rows.length < batch) return { ok: true, events: count };
    after = rows[rows.length - 1]!.chainNo!;
  }
}

/** Events by seq, sealed: any of them still waiting for the sealer is sealed first (the caller shows their hashes). */
export async function sealedEvents<T extends { hash: string | null }>(db: Db, read: () => Promise<T[]>): Promise<Array<T & { hash: string }>> {
  let rows = await read();
  if (rows.some((r) => r.hash === null)) {
    await sealAudit(db, { wait: true });
    rows = await read();
  }
  return rows as Array<T & { hash: string }>;
}

/**
 * Checks single events in place (a printed sheet cites a few): each still hashes to its recorded
 * hash over its recorded predecessor. The whole chain's linkage is verifyAuditChain's job.
 */
export async function verifyEvents(db: Db, seqs: number[]): Promise<boolean> {
  if (!seqs.length) return true;
  const rows = await sealedEvents(db, () => db.select().from(auditEvents).where(inArray(auditEvents.seq, seqs)));
  if (rows.length !== new Set(seqs).size) return false;
  for (const row of rows) if ((await eventHash(row.prevHash!, row)) !== row.hash) return false;
  return true;
}
