import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { accountRoles, accounts, inspectionCampaigns, inspectionCodes, inspections, people, units } from '../../db/schema';
import type { Notification } from '../notify/channel';
import {
  accountStatusMessage, codeIssuedMessage, codeRevokedMessage, dormantMessage, gradedMessage, rectificationOverdueMessage, selfReportDueMessage, selfReportOverdueMessage,
  type AccountFacts,
} from '../notify/registry-messages';
import { parseRobots } from '../notify/robots';
import type { ServiceDeps } from './context';
import type { OutboxRow, Planned } from './notifications';
import type { OutboxTopics } from './outbox';
import { pageLinks } from '../notify/page-links';

/**
 * Messages of the registry and annual-inspection topics (`account.*`, `inspection.*` in
 * OutboxTopics): who is told what. Sent by the same claimed, exactly-once path as review messages.
 *
 * Who: the account's owner and its current administrators run it, so they hear about its
 * inspection and status; what needs the publicity department's action (a missed deadline, an
 * overdue rectification) goes to everyone with the publicity role as well.
 */

type AccountRow = typeof accounts.$inferSelect;
type PersonRow = typeof people.$inferSelect;
type Text = { subject: string; text: string; html: string };

async function accountWithUnit(db: Db, accountId: string) {
  const [row] = await db.select({ account: accounts, unit: units }).from(accounts).innerJoin(units, eq(units.id, accounts.unitId)).where(eq(accounts.id, accountId));
  return row ?? null;
}

async function inspectionWith(db: Db, inspectionId: string) {
  const [row] = await db.select({ inspection: inspections, campaign: inspectionCampaigns, account: accounts, unit: units }).from(inspections)
    .innerJoin(inspectionCampaigns, eq(inspectionCampaigns.id, inspections.campaignId)).innerJoin(accounts, eq(accounts.id, inspections.accountId))
    .innerJoin(units, eq(units.id, accounts.unitId)).where(eq(inspections.id, inspectionId));
  return row ?? null;
}

/** The owner and the account's current administrators, once each. */
async function accountKeepers(db: Db, account: AccountRow, now: Date): Promise<PersonRow[]> {
  const admins = await db.select({ personId: accountRoles.personId, endsAt: accountRoles.endsAt }).from(accountRoles)
    .where(and(eq(accountRoles.accountId, account.id), eq(accountRoles.role, 'admin'), isNull(accountRoles.endedAt)));
  const ids = [account.ownerId, ...admins.filter((a) => !a.endsAt || a.endsAt > now).map((a) => a.personId)];
  return peopleIn(db, ids);
}

async function publicityDepartment(db: Db): Promise<PersonRow[]> {
  return db.select().from(people).where(sql`'publicity' = any(${people.roles})`).orderBy(asc(people.createdAt));
}

async function peopleIn(db: Db, ids: string[]): Promise<PersonRow[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return [];
  const rows = await db.select().from(people).where(inArray(people.id, unique));
  return unique.map((id) => rows.find((p) => p.id === id)).filter((p): p is PersonRow => !!p);
}

const dedupe = (lists: PersonRow[][]) => [...new Map(lists.flat().map((p) => [p.id, p])).values()];

/**
 * One plan per recipient. `compose` is given the person and re-reads what it needs, returning null
 * when the message no longer applies (a report filed meanwhile makes its reminder moot).
 */
function plansTo(recipients: PersonRow[], base: { key: string; kind: Notification['kind']; robots: unknown }, compose: (tx: Db, person: PersonRow) => Promise<Text | null>): Planned[] {
  const robots = parseRobots(base.robots);
  return recipients.map((person) => ({ key: base.key, kind: base.kind, person, reviewId: null, robots, carriesLink: false, compose: (tx) => compose(tx, person) }));
}

const facts = (person: PersonRow, account: AccountRow, unit: { name: string }): AccountFacts => ({ recipientName: person.name, accountName: account.name, platform: account.platform, unitName: unit.name });

export async function registryPlans(db: Db, deps: ServiceDeps, row: OutboxRow, key: string): Promise<Planned[]> {
  const base = deps.config.publicUrl;
  const links = pageLinks(base);
  const accountUrl = links.account;
  const verifyUrl = (code: string) => `${base}/verify/${encodeURIComponent(code)}`;
  const now = deps.now();

  switch (row.topic) {
    case 'account.status_changed': {
      const p = row.payload as OutboxTopics['account.status_changed'];
      const r = await accountWithUnit(db, p.accountId);
      if (!r) return [];
      return plansTo(await accountKeepers(db, r.account, now), { key, kind: 'account_status', robots: r.unit.robots }, async (_tx, person) =>
        accountStatusMessage({ ...facts(person, r.account, r.unit), from: p.from as AccountRow['status'], to: p.to as AccountRow['status'], reason: p.reason, url: accountUrl(r.account.id) }));
    }
    case 'account.dormant': {
      const p = row.payload as OutboxTopics['account.dormant'];
      const r = await accountWithUnit(db, p.accountId);
      if (!r) return [];
      return plansTo(await accountKeepers(db, r.account, now), { key, kind: 'account_dormant', robots: r.unit.robots }, async (tx, person) => {
        const [still] = await tx.select({ dormantSince: accounts.dormantSince }).from(accounts).where(eq(accounts.id, p.accountId));
        return still?.dormantSince ? dormantMessage({ ...facts(person, r.account, r.unit), days: p.days, url: accountUrl(r.account.id) }) : null;
      });
    }
    case 'inspection.opened':
    case 'inspection.reminder': {
      const p = row.payload as OutboxTopics['inspection.opened'] & Partial<OutboxTopics['inspection.reminder']>;
      const r = await inspectionWith(db, p.inspectionId);
      if (!r) return [];
      const reminder = p.reminder ?? 0;
      // Reminders key on their number, so a reminder written twice is still sent once.
      const planKey = row.topic === 'inspection.reminder' ? `inspection:${p.inspectionId}:reminder:${reminder}` : key;
      return plansTo(await accountKeepers(db, r.account, now), { key: planKey, kind: reminder ? 'inspection_reminder' : 'inspection', robots: r.unit.robots }, async (tx, person) => {
        const [still] = await tx.select({ status: inspections.status }).from(inspections).where(eq(inspections.id, p.inspectionId));
        if (still?.status !== 'open') return null;
        return selfReportDueMessage({ ...facts(person, r.account, r.unit), year: r.campaign.year, deadline: r.campaign.deadline, reminder, url: links.inspection(p.inspectionId) });
      });
    }
    case 'inspection.self_report_overdue': {
      const p = row.payload as OutboxTopics['inspection.self_report_overdue'];
      const r = await inspectionWith(db, p.inspectionId);
      if (!r) return [];
      const recipients = dedupe([await accountKeepers(db, r.account, now), await publicityDepartment(db)]);
      return plansTo(recipients, { key, kind: 'inspection_overdue', robots: r.unit.robots }, async (tx, person) => {
        const [still] = await tx.select({ status: inspections.status }).from(inspections).where(eq(inspections.id, p.inspectionId));
        if (still?.status !== 'open') return null;
        return selfReportOverdueMessage({ ...facts(person, r.account, r.unit), year: r.campaign.year, deadline: r.campaign.deadline, graceUntil: r.campaign.graceUntil, url: links.inspection(p.inspectionId) });
      });
    }
    case 'inspection.graded': {
      const p = row.payload as OutboxTopics['inspection.graded'];
      const r = await inspectionWith(db, p.inspectionId);
      if (!r) return [];
      const [code] = p.result === 'pass'
        ? await db.select({ code: inspectionCodes.code }).from(inspectionCodes).where(and(eq(inspectionCodes.inspectionId, p.inspectionId), isNull(inspectionCodes.revokedAt)))
        : [];
      const { inspection: i } = r;
      return plansTo(await accountKeepers(db, r.account, now), { key, kind: 'inspection_result', robots: r.unit.robots }, async (_tx, person) => gradedMessage({
        ...facts(person, r.account, r.unit), year: r.campaign.year, result: p.result, findings: i.findings, autoFailItems: i.autoFailItems, rectifyDeadline: i.rectifyDeadline,
        code: code?.code ?? null, verifyUrl: code ? verifyUrl(code.code) : null, accountStatus: r.account.status, url: links.inspection(i.id),
      }));
    }
    case 'inspection.rectification_overdue': {
      const p = row.payload as OutboxTopics['inspection.rectification_overdue'];
      const r = await inspectionWith(db, p.inspectionId);
      if (!r || !r.inspection.rectifyDeadline) return [];
      const deadline = r.inspection.rectifyDeadline;
      const recipients = dedupe([await publicityDepartment(db), await accountKeepers(db, r.account, now)]);
      return plansTo(recipients, { key, kind: 'inspection_overdue', robots: r.unit.robots }, async (tx, person) => {
        const [still] = await tx.select({ status: inspections.status }).from(inspections).where(eq(inspections.id, p.inspectionId));
        if (still?.status !== 'rectifying') return null;
        return rectificationOverdueMessage({ ...facts(person, r.account, r.unit), year: r.campaign.year, rectifyDeadline: deadline, url: links.inspection(p.inspectionId) });
      });
    }
    case 'inspection.code_revoked': {
      const p = row.payload as OutboxTopics['inspection.code_revoked'];
      const r = await accountWithUnit(db, p.accountId);
      if (!r) return [];
      return plansTo(await accountKeepers(db, r.account, now), { key, kind: 'inspection_code', robots: r.unit.robots }, async (_tx, person) =>
        codeRevokedMessage({ ...facts(person, r.account, r.unit), code: p.code, reason: p.reason, verifyUrl: verifyUrl(p.code) }));
    }
    case 'inspection.code_issued': {
      const p = row.payload as OutboxTopics['inspection.code_issued'];
      const r = await inspectionWith(db, p.inspectionId);
      if (!r) return [];
      return plansTo(await accountKeepers(db, r.account, now), { key, kind: 'inspection_code', robots: r.unit.robots }, async (_tx, person) =>
        codeIssuedMessage({ ...facts(person, r.account, r.unit), code: p.code, verifyUrl: verifyUrl(p.code) }));
    }
    default:
      return [];
  }
}
