import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { incidents, people, units } from '../../db/schema';
import { incidentMessage } from '../notify/incident-messages';
import { parseRobots } from '../notify/robots';
import type { ServiceDeps } from './context';
import type { OutboxRow, Planned } from './notifications';
import type { OutboxTopics } from './outbox';

/**
 * Messages of `incident.notified`: to each person named, by every channel they have, at any hour
 * (quiet hours do not apply to incidents). The link is the incident's page, which asks who is
 * signed in: no capability travels in these messages, so robots may carry them too.
 */
export async function incidentPlans(db: Db, deps: ServiceDeps, row: OutboxRow, key: string): Promise<Planned[]> {
  const p = row.payload as OutboxTopics['incident.notified'];
  const [found] = await db.select({ incident: incidents, unit: units }).from(incidents).innerJoin(units, eq(units.id, incidents.unitId)).where(eq(incidents.id, p.incidentId));
  if (!found || !p.personIds.length) return [];
  const recipients = await db.select().from(people).where(inArray(people.id, p.personIds));
  const [reporter] = await db.select({ name: people.name }).from(people).where(eq(people.id, found.incident.reporterId));
  const robots = parseRobots(found.unit.robots);
  const { incident } = found;
  return recipients.map<Planned>((person) => ({
    key, kind: 'incident', person, reviewId: null, robots, carriesLink: false,
    async compose() {
      return incidentMessage(p.reason, {
        recipientName: person.name, unitName: found.unit.name, summary: incident.summary, occurredAt: incident.occurredAt, place: incident.place,
        involved: incident.involved, development: incident.development, reporterName: reporter?.name ?? '', urgent: incident.urgent,
        url: `${deps.config.publicUrl}/incidents/${incident.id}`,
      }, p.deadline, p.due);
    },
  }));
}
