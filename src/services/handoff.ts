import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { accounts, draftAccounts, draftFiles, drafts, draftVersions, people, publications, units } from '../../db/schema';
import { cstReadable, graceBefore, isAhead } from '../domain/cst';
import { handoffSignature } from '../domain/handoff';
import { bodyHtml } from '../domain/html';
import { sheetHash } from '../domain/sheet';
import { AppError, invalidField, words } from '../lib/errors';
import { retractedMessage } from '../notify/messages';
import { assertOutboundUrl, type OutboundPost } from '../notify/outbound';
import { parseRobots, postJson } from '../notify/robots';
import { appendAudit } from './audit';
import { hasRole, isMemberOf, requireRole, type Person } from './auth';
import { inTransaction, type ServiceDeps } from './context';
import { signedFileUrl } from './files';
import type { OutboxRow, Planned } from './notifications';
import type { OutboxTopics } from './outbox';
import { holderOf } from './reviews';
import { sheetFacts } from './sheet';
import { getDraftRow, lockDraft } from './drafts';
import { pageLinks } from '../notify/page-links';
import { assertMayRecordPublication } from './publish-gate';

/**
 * Hand-off after approval (seed 003: 学院书记审核 → 推送到宣传部/学院相关网站及平台). On final
 * approval each target account with a configured endpoint receives the approved version —
 * title, sanitized HTML, signed expiring file URLs, content hash, the approval sheet's id and URL —
 * as `draft.approved`; a retraction sends `draft.retracted` to the same endpoints and tells the
 * drafter and the unit's publicity officer. Deliveries go through the outbox and the `deliveries`
 * table like every notification (exactly once per endpoint, retries, failed list, resend), over the
 * filtered sender (https only, no private destinations), signed per src/domain/handoff.ts.
 */

/** How long the file URLs in a hand-off stay valid: long enough for a platform to fetch them. */
export const HANDOFF_FILE_URL_TTL_SECONDS = 7 * 24 * 3600;

type AccountRow = typeof accounts.$inferSelect;

/** What the API shows of an account's endpoint: whether it is set and where to, never the secret. */
export const handoffSummary = (a: Pick<AccountRow, 'id' | 'handoff'>) => ({
  accountId: a.id,
  configured: Boolean(a.handoff),
  origin: a.handoff ? new URL(a.handoff.url).origin : null,
});

/** Sets (or clears, with null) where approved drafts for this account are handed on: publicity staff only. */
export async function setAccountHandoff(db: Db, deps: ServiceDeps, actor: Person, accountId: string, endpoint: { url: string; secret: string } | null) {
  requireRole(actor, 'publicity', 'admin');
  if (endpoint) assertOutboundUrl(endpoint.url, 'url', deps.config.outbound);
  return inTransaction(db, deps, async (tx) => {
    const [account] = await tx.update(accounts).set({ handoff: endpoint }).where(eq(accounts.id, accountId)).returning();
    if (!account) throw new AppError('not_found', { what: words('账号', 'account') }, { field: 'id' });
    await appendAudit(tx, { actorId: actor.id, action: 'account.handoff_set', subjectType: 'account', subjectId: accountId, data: handoffSummary(account), at: deps.now() });
    return handoffSummary(account);
  });
}

export async function getAccountHandoff(db: Db, actor: Person, accountId: string) {
  requireRole(actor, 'publicity', 'admin');
  const [account] = await db.select({ id: accounts.id, handoff: accounts.handoff }).from(accounts).where(eq(accounts.id, accountId));
  if (!account) throw new AppError('not_found', { what: words('账号', 'account') }, { field: 'id' });
  return handoffSummary(account);
}

// ── Publications ───────────────────────────────────────────────────────────────────────────────

type PublicationRow = typeof publications.$inferSelect;
export const publicationView = (p: PublicationRow & { recordedByName?: string }) => ({
  id: p.id, draftId: p.draftId, accountId: p.accountId, url: p.url, publishedAt: p.publishedAt.toISOString(),
  recordedBy: { id: p.recordedBy, name: p.recordedByName ?? null }, createdAt: p.createdAt.toISOString(),
});

export async function publicationsOf(db: Db, draftId: string) {
  const rows = await db
    .select({ p: publications, name: people.name })
    .from(publications)
    .innerJoin(people, eq(people.id, publications.recordedBy))
    .where(eq(publications.draftId, draftId))
    .orderBy(asc(publications.publishedAt), asc(publications.createdAt));
  return rows.map(({ p, name }) => publicationView({ ...p, recordedByName: name }));
}

/** Who may record where a draft went live: its drafter, members of its unit, publicity staff. */
async function requirePublisher(db: Db, actor: Person, draft: { drafterId: string; unitId: string }) {
  if (draft.drafterId === actor.id || hasRole(actor, 'publicity', 'admin') || (await isMemberOf(db, actor, draft.unitId))) return;
  throw new AppError('forbidden');
}

/**
 * Records where and when an approved draft was published (URL, time, account, by whom), on an
 * account in service (assertMayRecordPublication: 409 account_not_publishable otherwise).
 */
export async function recordPublication(db: Db, deps: ServiceDeps, actor: Person, draftId: string, input: { url: string; publishedAt?: string; accountId?: string }) {
  await inTransaction(db, deps, async (tx) => {
    const draft = await lockDraft(tx, draftId);
    await requirePublisher(tx, actor, draft);
    if (draft.status !== 'approved') {
      throw new AppError('conflict', { reasonZh: `只能登记已通过审核的稿件的发布（当前：${draft.status}）`, reasonEn: `only an approved draft can be recorded as published (this one is ${draft.status})` }, { status: draft.status });
    }
    const targetIds = (await tx.select({ accountId: draftAccounts.accountId }).from(draftAccounts).where(eq(draftAccounts.draftId, draftId))).map((r) => r.accountId);
    if (input.accountId && !targetIds.includes(input.accountId)) throw invalidField('accountId', words('不是本稿件的目标账号', 'not a target account of this draft'));
    const now = deps.now();
    const [version] = await tx.select({ id: draftVersions.id, sha: draftVersions.contentSha256 }).from(draftVersions).where(and(eq(draftVersions.draftId, draftId), eq(draftVersions.no, draft.currentVersionNo)));
    const publishedAt = input.publishedAt ? new Date(input.publishedAt) : now;
    // 先审后发 on the record: a publication after the approval and not in the future (a few minutes'
    // grace for clocks), and each address recorded once (a resent form is not a second publication).
    const bad = (zh: string, en: string) => invalidField('publishedAt', words(zh, en));
    if (isAhead(publishedAt, now)) throw bad('不能晚于当前时间', 'must not be in the future');
    if (draft.closedAt && publishedAt < graceBefore(draft.closedAt)) {
      throw bad(`不能早于审核通过的时间（${cstReadable(draft.closedAt)}）`, `must not be before the approval (${cstReadable(draft.closedAt, 'en')})`);
    }
    await assertMayRecordPublication(tx, targetIds, input.accountId, now);
    const [again] = await tx.select({ id: publications.id }).from(publications).where(and(eq(publications.draftId, draftId), eq(publications.url, input.url))).limit(1);
    if (again) throw new AppError('conflict', { reasonZh: '此网址已登记过', reasonEn: 'this address is recorded already' }, { field: 'url', publicationId: again.id });
    const [row] = await tx.insert(publications).values({ draftId, versionId: version!.id, accountId: input.accountId ?? null, url: input.url, publishedAt, recordedBy: actor.id, createdAt: now }).returning();
    await appendAudit(tx, { actorId: actor.id, action: 'draft.published', subjectType: 'draft', subjectId: draftId, draftId, versionSha256: version!.sha, data: { publicationId: row!.id, url: input.url, accountId: input.accountId ?? null, publishedAt: publishedAt.toISOString() }, at: now });
  });
  return publicationsOf(db, draftId);
}

export async function listPublications(db: Db, actor: Person, draftId: string) {
  const draft = await getDraftRow(db, draftId);
  await requirePublisher(db, actor, draft);
  return publicationsOf(db, draftId);
}

// ── Delivery ───────────────────────────────────────────────────────────────────────────────────

/** One signed POST to one account's endpoint, composed at send time (file URLs are signed then). */
export interface EndpointSend {
  key: string;
  kind: 'draft.approved' | 'draft.retracted';
  accountId: string;
  endpoint: { url: string; secret: string };
  /** The JSON body, or null when it no longer applies (an approval retracted before it went out). */
  compose(tx: Db): Promise<string | null>;
}

async function targets(db: Db, draftId: string) {
  return db
    .select({ id: accounts.id, name: accounts.name, platform: accounts.platform, platformId: accounts.platformId, registrationNo: accounts.registrationNo, handoff: accounts.handoff })
    .from(draftAccounts)
    .innerJoin(accounts, eq(accounts.id, draftAccounts.accountId))
    .where(eq(draftAccounts.draftId, draftId))
    .orderBy(asc(accounts.name));
}

type Target = Awaited<ReturnType<typeof targets>>[number];
const accountOf = (a: Target) => ({ id: a.id, name: a.name, platform: a.platform, platformId: a.platformId, registrationNo: a.registrationNo });

async function approvedPayload(tx: Db, deps: ServiceDeps, draftId: string, versionId: string, account: Target, deliveryId: string): Promise<string | null> {
  const [row] = await tx
    .select({ draft: drafts, version: draftVersions, unitName: units.name })
    .from(drafts)
    .innerJoin(draftVersions, eq(draftVersions.id, versionId))
    .innerJoin(units, eq(units.id, drafts.unitId))
    .where(eq(drafts.id, draftId));
  // Retracted (or, in principle, anything else) before this went out: nothing to publish any more.
  if (!row || row.draft.status !== 'approved' || row.draft.currentVersionNo !== row.version.no) return null;
  const { draft, version } = row;
  const files = version.fileIds.length ? await tx.select().from(draftFiles).where(inArray(draftFiles.id, version.fileIds)) : [];
  const urls = new Map<string, string>();
  for (const f of files) urls.set(f.id, await signedFileUrl(deps, f.id, HANDOFF_FILE_URL_TTL_SECONDS));
  const facts = await sheetFacts(tx, draftId);
  const hash = await sheetHash(facts!);
  const base = deps.config.publicUrl;
  return JSON.stringify({
    event: 'draft.approved',
    id: deliveryId,
    account: accountOf(account),
    draft: {
      id: draft.id, version: version.no, title: version.title, unit: row.unitName, urgency: draft.urgency,
      html: bodyHtml(version.body, version.bodyFormat, (id) => urls.get(id) ?? ''),
      contentSha256: version.contentSha256, approvedAt: draft.closedAt?.toISOString() ?? null,
    },
    files: files.map((f) => ({ id: f.id, name: f.name, type: f.type, size: f.size, sha256: f.sha256, url: urls.get(f.id)! })),
    filesExpireAt: new Date(deps.now().getTime() + HANDOFF_FILE_URL_TTL_SECONDS * 1000).toISOString(),
    approvalSheet: { id: hash, url: `${base}/sheets/${draft.id}/${hash}`, printUrl: `${base}/drafts/${draft.id}/sheet` },
    publicationsUrl: `${base}/api/v1/drafts/${draft.id}/publications`,
  });
}

/** The endpoint deliveries one outbox row asks for: one per target account with an endpoint. */
export async function endpointSendsFor(db: Db, deps: ServiceDeps, row: OutboxRow): Promise<EndpointSend[]> {
  if (row.topic !== 'draft.approved' && row.topic !== 'draft.retracted') return [];
  const p = row.payload as OutboxTopics['draft.approved'] | OutboxTopics['draft.retracted'];
  const kind = row.topic;
  return (await targets(db, p.draftId)).flatMap((account) => {
    if (!account.handoff) return [];
    const key = `handoff:${row.id}:${account.id}`;
    return [{
      key, kind, accountId: account.id, endpoint: account.handoff,
      async compose(tx: Db) {
        if (kind === 'draft.approved') return approvedPayload(tx, deps, p.draftId, p.versionId, account, key);
        const r = p as OutboxTopics['draft.retracted'];
        const [version] = await tx.select().from(draftVersions).where(eq(draftVersions.id, r.versionId));
        return JSON.stringify({
          event: 'draft.retracted', id: key, account: accountOf(account),
          draft: { id: p.draftId, version: version!.no, title: version!.title, contentSha256: version!.contentSha256 },
          reason: r.reason, retractedAt: r.at,
        });
      },
    } satisfies EndpointSend];
  });
}

/** Signs and posts one delivery: a retryable failure throws Error, a permanent one PermanentSendError. */
export async function sendToEndpoint(post: OutboundPost, send: EndpointSend, body: string): Promise<void> {
  const timestamp = Math.floor(Date.now() / 1000);
  await postJson(post, null, send.endpoint.url, body, {
    'idempotency-key': send.key,
    'x-imprimatur-event': send.kind,
    'x-imprimatur-timestamp': String(timestamp),
    'x-imprimatur-signature': await handoffSignature(send.endpoint.secret, timestamp, body),
  });
}

/** The people a retraction is told to: the drafter and the unit's publicity officer (once each). */
export async function retractionPlans(db: Db, deps: ServiceDeps, row: OutboxRow): Promise<Planned[]> {
  const p = row.payload as OutboxTopics['draft.retracted'];
  const [r] = await db.select({ draft: drafts, unit: units }).from(drafts).innerJoin(units, eq(units.id, drafts.unitId)).where(eq(drafts.id, p.draftId));
  if (!r) return [];
  const officer = await holderOf(db, r.draft.unitId, 'publicity_officer');
  const ids = [...new Set([r.draft.drafterId, ...(officer ? [officer] : []), p.byId])];
  const named = await db.select().from(people).where(inArray(people.id, ids));
  const by = named.find((n) => n.id === p.byId);
  const [version] = await db.select({ title: draftVersions.title }).from(draftVersions).where(eq(draftVersions.id, p.versionId));
  return named
    .filter((person) => person.id === r.draft.drafterId || person.id === officer)
    .map((person) => ({
      key: `outbox:${row.id}`, kind: 'draft_retracted' as const, person, reviewId: null, robots: parseRobots(r.unit.robots), carriesLink: false,
      async compose() {
        return retractedMessage({ recipientName: person.name, title: version!.title, byName: by?.name ?? '', reason: p.reason, at: new Date(p.at), url: pageLinks(deps.config.publicUrl).draft(p.draftId) });
      },
    }));
}
