import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import type { EntryKind, Group, IncidentClass, IncidentStage, Severity } from '../../src/domain/incidents';
import { at, createdAt, id } from './columns';
import { drafts } from './drafts';
import { people, units } from './org';

/**
 * The 24-hour duty roster (24小时舆情报送值班制度): who is on duty when, per unit, or for the
 * university (unit null). New reports reach whoever is on duty at once, at any hour.
 */
export const dutyRoster = pgTable(
  'duty_roster',
  {
    id: id(),
    unitId: uuid('unit_id').references(() => units.id),
    personId: uuid('person_id').notNull().references(() => people.id),
    from: at('from_at').notNull(),
    to: at('to_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('duty_roster_unit_idx').on(t.unitId, t.from), check('duty_roster_span', sql`${t.to} > ${t.from}`)],
);

/** One online-opinion incident, from the first report to the closing review. */
export const incidents = pgTable(
  'incidents',
  {
    id: id(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    reporterId: uuid('reporter_id').notNull().references(() => people.id),
    summary: text('summary').notNull(),
    /** 时间、地点、人员、事态发展情况 (seed 003, part 4). */
    occurredAt: at('occurred_at').notNull(),
    place: text('place').notNull(),
    involved: text('involved').notNull(),
    development: text('development').notNull(),
    /** Where it was seen: platform and address. */
    sourcePlatform: text('source_platform'),
    sourceUrl: text('source_url'),
    group: text('group').$type<Group>().notNull(),
    severity: text('severity').$type<Severity>(),
    class: text('class').$type<IncidentClass>(),
    urgent: boolean('urgent').notNull().default(false),
    stage: text('stage').$type<IncidentStage>().notNull().default('reported'),
    reportedAt: at('reported_at').notNull(),
    /**
     * The acknowledgement window in force when it was reported (INCIDENT_ACK_MINUTES), so a later
     * change of the setting moves no recorded deadline. Incidents reported before it was kept were given
     * 60 by migration 0026 (see there), so the setting is never read back for an incident already reported.
     */
    ackMinutes: integer('ack_minutes').notNull(),
    acknowledgedAt: at('acknowledged_at'),
    acknowledgedById: uuid('acknowledged_by_id').references(() => people.id),
    repliedAt: at('replied_at'),
    promisedBy: at('promised_by'),
    resultAt: at('result_at'),
    closedAt: at('closed_at'),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('incidents_unit_idx').on(t.unitId, t.stage), index('incidents_open_idx').on(t.stage).where(sql`${t.stage} <> 'closed'`)],
);

/** Every report, decision, reply and follow-up, dated; appended, never changed. */
export const incidentEntries = pgTable(
  'incident_entries',
  {
    id: id(),
    /** Entries written in one transaction share their instant; this keeps the order they were written in. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    incidentId: uuid('incident_id').notNull().references(() => incidents.id),
    at: at('at').notNull(),
    actorId: uuid('actor_id').references(() => people.id),
    kind: text('kind').$type<EntryKind>().notNull(),
    text: text('text'),
    /** A reply drafted for the public goes through the sign-off chain as this draft. */
    draftId: uuid('draft_id').references(() => drafts.id),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('incident_entries_incident_idx').on(t.incidentId, t.at)],
);
