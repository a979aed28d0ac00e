import { and, eq, gt, inArray, isNull, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { accounts, inspectionCampaigns, inspectionCodes, inspections } from '../../db/schema';
import { isInService } from '../domain/account-lifecycle';
import { registryLabel } from '../domain/registry-labels';
import { AppError, words } from '../lib/errors';
import { listed, type Locale } from '../lib/i18n';

export type PublishBlock = 'not_registered' | 'suspended' | 'rectifying' | 'shut_down' | 'deregistered' | 'pending' | 'no_valid_code';
export interface Publishability { id: string; name: string; status: string; unitId: string; ownerId: string; ok: boolean; reason: PublishBlock | null; via: 'code' | 'grace' | null }

/**
 * Whether each account may be published to now: in service (isInService: registered, 登记备案), and either holding a live
 * inspection pass code (not revoked; a code expires when the next year's campaign closes) or under
 * inspection in a campaign whose grace period still runs.
 */
export async function publishability(tx: Db, accountIds: string[], now: Date): Promise<Publishability[]> {
  if (!accountIds.length) return [];
  const found = await tx.select({ id: accounts.id, name: accounts.name, status: accounts.status, unitId: accounts.unitId, ownerId: accounts.ownerId }).from(accounts).where(inArray(accounts.id, accountIds));
  const live = await tx.select({ accountId: inspectionCodes.accountId }).from(inspectionCodes)
    .where(and(inArray(inspectionCodes.accountId, accountIds), isNull(inspectionCodes.revokedAt), or(isNull(inspectionCodes.expiredAt), gt(inspectionCodes.expiredAt, now))));
  const grace = await tx.select({ accountId: inspections.accountId }).from(inspections)
    .innerJoin(inspectionCampaigns, eq(inspectionCampaigns.id, inspections.campaignId))
    .where(and(inArray(inspections.accountId, accountIds), inArray(inspections.status, ['open', 'self_reported']), isNull(inspectionCampaigns.closedAt), gt(inspectionCampaigns.graceUntil, now)));
  return found.map((a) => {
    if (!isInService(a.status)) return { ...a, ok: false, reason: a.status as PublishBlock, via: null };
    if (live.some((c) => c.accountId === a.id)) return { ...a, ok: true, reason: null, via: 'code' as const };
    if (grace.some((g) => g.accountId === a.id)) return { ...a, ok: true, reason: null, via: 'grace' as const };
    return { ...a, ok: false, reason: 'no_valid_code' as const, via: null };
  });
}

/** Where the gate is asked: a draft written, edited, submitted, approved; a publication recorded. */
export type PublishStage = 'create' | 'edit' | 'submit' | 'approve' | 'publish';

/** Whether the person acting may learn an account's name and state (its owner, role holders, unit, publicity). */
export type MayKnowAccount = (account: Pick<Publishability, 'id' | 'unitId' | 'ownerId'>) => Promise<boolean>;

/**
 * A draft may only target publishable accounts of its own unit. Checked when the draft is written,
 * at submit and again at final approval, since an account can be suspended or its code revoked
 * meanwhile (and drafts written before the unit rule may still name another unit's account).
 * The unit rule is the chain's own: a draft is reviewed by its unit's chain alone, so another
 * unit's account would publish what that unit never saw. Someone who may not see an account (a
 * drafter naming another unit's account id) learns only that it cannot be published to: not its
 * name, not its status.
 */
export async function assertPublishable(
  tx: Db, draft: { unitId: string; accountIds: string[] }, stage: Exclude<PublishStage, 'publish'>, now: Date = new Date(), mayKnow?: MayKnowAccount,
): Promise<void> {
  const { accountIds } = draft;
  if (!accountIds.length) return;
  const results = await publishability(tx, accountIds, now);
  const missing = accountIds.filter((id) => !results.some((a) => a.id === id));
  if (missing.length) throw new AppError('not_found', { what: words(`账号 ${missing.join(', ')} `, `account ${missing.join(', ')}`) }, { field: 'accountIds', missing });
  const foreign = accountIds.filter((id) => results.find((a) => a.id === id)!.unitId !== draft.unitId);
  if (foreign.length) throw new AppError('account_of_other_unit', { accounts: foreign.join(', ') }, { field: 'accountIds', stage, accounts: foreign });
  await refuseBlocked(results.filter((a) => !a.ok), 'accountIds', stage, mayKnow);
}

/**
 * The one refusal for accounts the gate turns away: 409 account_not_publishable naming each account
 * with its status (or the missing code) in both languages; one the caller may not know is named by
 * id alone. `field` is the request's field that named them.
 */
async function refuseBlocked(blocked: Publishability[], field: 'accountIds' | 'accountId', stage: PublishStage, mayKnow?: MayKnowAccount): Promise<void> {
  if (!blocked.length) return;
  const known = await Promise.all(blocked.map(async (a) => !mayKnow || (await mayKnow(a))));
  const describe = (locale: Locale) => blocked.map((a, i) => (known[i] ? blockedAccount(a, locale) : a.id));
  throw new AppError('account_not_publishable', {
    accountsZh: listed(describe('zh-CN'), 'zh-CN'),
    accountsEn: listed(describe('en'), 'en'),
  }, {
    field,
    stage,
    accounts: blocked.map(({ id, status, reason }, i) => (known[i] ? { id, status, reason } : { id })),
  });
}

/**
 * 登记发布: a publication is recorded on an account the gate lets through now, the same gate the
 * draft passed at approval (an account suspended, put under rectification or shut down since, or
 * whose code was revoked, takes no more publications). Named, that account; not named, at least one
 * of the draft's targets must be (the publication went out on one of them). The recorder is the
 * drafter, the unit or publicity, who see the draft's accounts on its page: they are named.
 */
export async function assertMayRecordPublication(tx: Db, draftAccountIds: string[], accountId: string | undefined, now: Date): Promise<void> {
  const results = await publishability(tx, accountId ? [accountId] : draftAccountIds, now);
  if (results.some((a) => a.ok)) return;
  await refuseBlocked(results, 'accountId', 'publish', undefined);
}

/** A unit's account as the draft form offers it: selectable only when the gate lets it through now. */
export interface AccountChoice { id: string; name: string; platform: string; ok: boolean; reason: PublishBlock | null }

/**
 * Every account of a unit with whether a draft may target it now, for the draft form: the ones the
 * gate refuses are shown with the reason rather than hidden, so a drafter knows why (and whom to ask).
 */
export async function accountChoices(db: Db, unitId: string, now: Date): Promise<AccountChoice[]> {
  const rows = await db.select({ id: accounts.id, name: accounts.name, platform: accounts.platform }).from(accounts).where(eq(accounts.unitId, unitId)).orderBy(accounts.name);
  const gate = new Map((await publishability(db, rows.map((r) => r.id), now)).map((p) => [p.id, p]));
  return rows.map((r) => ({ ...r, ok: gate.get(r.id)?.ok ?? false, reason: gate.get(r.id)?.reason ?? null }));
}

/** Why the gate refuses an account, in the reader's language. */
export const blockReason = (reason: PublishBlock | null, locale: Locale): string =>
  reason === 'no_valid_code' ? (locale === 'en' ? 'no valid inspection pass code' : '无有效审查合格编码') : registryLabel('accountStatus', reason ?? '', locale);

/** An account the gate refuses, named with why: 学院公众号（已暂停） / 学院公众号 (suspended). */
export const blockedAccount = (a: { name: string; reason: PublishBlock | null }, locale: Locale): string =>
  locale === 'en' ? `${a.name} (${blockReason(a.reason, 'en')})` : `${a.name}（${blockReason(a.reason, 'zh-CN')}）`;
