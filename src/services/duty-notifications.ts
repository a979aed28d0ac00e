import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { dutyDecisions, dutyObligations, dutySubmissions, dutyTemplates, people, units } from '../../db/schema';
import { awaitsSubmission } from '../domain/duties';
import { dutyPartyLabel } from '../lib/i18n';
import type { Notification } from '../notify/channel';
import { dutyDecidedMessage, dutyDueMessage, dutyOverdueMessage, dutySubmittedMessage, type DutyFacts } from '../notify/duty-messages';
import { parseRobots } from '../notify/robots';
import type { ServiceDeps } from './context';
import type { OutboxRow, Planned } from './notifications';
import type { OutboxTopics } from './outbox';
import { answerersOf } from './duties';
import { holderOf } from './reviews';

/**
 * Messages of the duty topics (`duty.*` in OutboxTopics): who is told what, sent by the same
 * claimed, exactly-once path as every other message. Each compose re-reads the obligation and
 * says nothing once the message no longer applies (a reminder after the submission went in).
 */

type PersonRow = typeof people.$inferSelect;
type Text = { subject: string; text: string; html: string };

async function obligationWith(db: Db, id: string) {
  const [row] = await db.select({ o: dutyObligations, t: dutyTemplates, unit: units }).from(dutyObligations)
    .innerJoin(dutyTemplates, eq(dutyTemplates.id, dutyObligations.templateId)).leftJoin(units, eq(units.id, dutyObligations.unitId))
    .where(eq(dutyObligations.id, id));
  return row ?? null;
}
type Joined = NonNullable<Awaited<ReturnType<typeof obligationWith>>>;

async function peopleIn(db: Db, ids: (string | null)[]): Promise<PersonRow[]> {
  const unique = [...new Set(ids.filter((x): x is string => !!x))];
  if (!unique.length) return [];
  const rows = await db.select().from(people).where(inArray(people.id, unique));
  return unique.map((id) => rows.find((p) => p.id === id)).filter((p): p is PersonRow => !!p);
}

async function reviewers(db: Db, r: Joined): Promise<PersonRow[]> {
  if (r.t.reviewer === 'publicity') return db.select().from(people).where(sql`'publicity' = any(${people.roles})`).orderBy(asc(people.createdAt));
  return r.o.unitId ? peopleIn(db, [await holderOf(db, r.o.unitId, r.t.reviewer)]) : [];
}

function plansTo(r: Joined, recipients: PersonRow[], key: string, kind: Notification['kind'], compose: (tx: Db, person: PersonRow, fresh: Joined) => Text | null | Promise<Text | null>): Planned[] {
  // The department's own obligation has no unit, so no unit robots.
  const robots = parseRobots(r.unit?.robots);
  return recipients.map((person) => ({
    key, kind, person, reviewId: null, robots, carriesLink: false,
    async compose(tx) {
      const fresh = await obligationWith(tx, r.o.id);
      return fresh ? compose(tx, person, fresh) : null;
    },
  }));
}

export async function dutyPlans(db: Db, deps: ServiceDeps, row: OutboxRow, key: string): Promise<Planned[]> {
  const p = row.payload as { obligationId: string };
  const r = await obligationWith(db, p.obligationId);
  if (!r) return [];
  const facts = (person: PersonRow, x: Joined): DutyFacts => ({
    recipientName: person.name, title: x.t.title, unitName: x.unit?.name ?? dutyPartyLabel('publicity'), period: x.o.period, dueAt: x.o.dueAt, url: `${deps.config.publicUrl}/duties/${x.o.id}`,
  });
  switch (row.topic) {
    case 'duty.assigned':
    case 'duty.reminder': {
      const n = row.topic === 'duty.reminder' ? (row.payload as OutboxTopics['duty.reminder']).n : 0;
      const planKey = n ? `duty:${r.o.id}:reminder:${n}` : key;
      return plansTo(r, await peopleIn(db, await answerersOf(db, r.o, r.t.responsible)), planKey, n ? 'duty_reminder' : 'duty_assigned', (_tx, person, x) =>
        awaitsSubmission(x.o.status) ? dutyDueMessage({ ...facts(person, x), content: x.t.content, evidence: x.t.evidence, reminder: n }) : null);
    }
    case 'duty.escalated': {
      const e = row.payload as OutboxTopics['duty.escalated'];
      const holderIds = await answerersOf(db, r.o, r.t.responsible);
      const [holder] = await peopleIn(db, holderIds);
      const recipients = await peopleIn(db, [...holderIds, ...e.notifyIds]);
      return plansTo(r, recipients, `duty:${r.o.id}:escalation:${e.step}`, 'duty_escalated', (_tx, person, x) =>
        awaitsSubmission(x.o.status) ? dutyOverdueMessage({ ...facts(person, x), step: e.step, holderName: holder?.name ?? null, toHolder: holderIds.includes(person.id) }) : null);
    }
    case 'duty.submitted': {
      const s = row.payload as OutboxTopics['duty.submitted'];
      const [sub] = await db.select({ s: dutySubmissions, by: people.name }).from(dutySubmissions).innerJoin(people, eq(people.id, dutySubmissions.submittedBy)).where(eq(dutySubmissions.id, s.submissionId));
      if (!sub) return [];
      const recipients = (await reviewers(db, r)).filter((x) => x.id !== sub.s.submittedBy);
      return plansTo(r, recipients, key, 'duty_submitted', async (tx, person, x) => {
        const [decided] = await tx.select({ id: dutyDecisions.id }).from(dutyDecisions).where(eq(dutyDecisions.submissionId, s.submissionId));
        return x.o.status === 'submitted' && !decided ? dutySubmittedMessage({ ...facts(person, x), submitterName: sub.by, round: sub.s.round, note: sub.s.note }) : null;
      });
    }
    case 'duty.decided': {
      const d = row.payload as OutboxTopics['duty.decided'];
      const [found] = await db.select({ d: dutyDecisions, s: dutySubmissions, by: people.name }).from(dutyDecisions)
        .innerJoin(dutySubmissions, eq(dutySubmissions.id, dutyDecisions.submissionId)).innerJoin(people, eq(people.id, dutyDecisions.decidedBy))
        .where(and(eq(dutyDecisions.submissionId, d.submissionId)));
      if (!found) return [];
      const recipients = await peopleIn(db, [found.s.submittedBy, ...(await answerersOf(db, r.o, r.t.responsible))]);
      return plansTo(r, recipients, key, 'duty_decided', (_tx, person, x) =>
        dutyDecidedMessage({ ...facts(person, x), decision: found.d.decision, comment: found.d.comment, deciderName: found.by }));
    }
    default:
      return [];
  }
}
