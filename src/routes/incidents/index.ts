import { createRouter } from '../../lib/http';
import { requireUnitAccess } from '../../services/auth';
import { actOnIncident, getIncident, listIncidents, listRoster, reportIncident, setDutyRoster, type IncidentInput } from '../../services/incidents';
import * as routes from './incidents.routes';

type Full = Awaited<ReturnType<typeof getIncident>>;
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const incidentView = (v: Pick<Full, 'incident' | 'deadlines'> & Partial<Pick<Full, 'entries' | 'actions'>>) => {
  const i = v.incident;
  return {
    id: i.id, unitId: i.unitId, reporterId: i.reporterId, summary: i.summary, occurredAt: i.occurredAt.toISOString(), place: i.place, people: i.involved,
    development: i.development, group: i.group, severity: i.severity, class: i.class, urgent: i.urgent, stage: i.stage, sourcePlatform: i.sourcePlatform,
    sourceUrl: i.sourceUrl, reportedAt: i.reportedAt.toISOString(), acknowledgedAt: iso(i.acknowledgedAt), repliedAt: iso(i.repliedAt), promisedBy: iso(i.promisedBy),
    closedAt: iso(i.closedAt),
    deadlines: { acknowledgeBy: iso(v.deadlines.acknowledgeBy), replyBy: iso(v.deadlines.replyBy), resultBy: iso(v.deadlines.resultBy) },
    actions: v.actions ?? [],
    ...(v.entries
      ? { entries: v.entries.map((e) => ({ id: e.id, at: e.at.toISOString(), kind: e.kind, text: e.text, draftId: e.draftId, actor: e.actorId ? { id: e.actorId, name: e.actorName ?? '' } : null, data: e.data })) }
      : {}),
  };
};
const rosterView = (unitId: string | null, rows: Awaited<ReturnType<typeof listRoster>>) => ({
  unitId, entries: rows.map((r) => ({ personId: r.personId, name: r.name, from: r.from.toISOString(), to: r.to.toISOString() })),
});

export const incidentsRouter = createRouter()
  .openapi(routes.putRoster, async (c) => {
    const { unitId } = c.req.valid('param');
    const entries = c.req.valid('json').entries.map((e) => ({ personId: e.personId, from: new Date(e.from), to: new Date(e.to) }));
    return c.json(rosterView(unitId, await setDutyRoster(c.var.deps.db, c.var.deps, c.var.person, unitId, entries)), 200);
  })
  .openapi(routes.getRoster, async (c) => {
    const { unitId } = c.req.valid('param');
    await requireUnitAccess(c.var.deps.db, c.var.person, unitId);
    return c.json(rosterView(unitId, await listRoster(c.var.deps.db, unitId, c.var.deps.now())), 200);
  })
  .openapi(routes.report, async (c) => {
    const b = c.req.valid('json');
    const row = await reportIncident(c.var.deps.db, c.var.deps, c.var.person, { ...b, occurredAt: new Date(b.occurredAt) });
    return c.json(incidentView(await getIncident(c.var.deps.db, c.var.deps, c.var.person, row.id)), 201);
  })
  .openapi(routes.list, async (c) => {
    const items = await listIncidents(c.var.deps.db, c.var.deps, c.var.person, { includeClosed: c.req.valid('query').closed === 'true' });
    return c.json({ items: items.map(incidentView) }, 200);
  })
  .openapi(routes.get, async (c) => c.json(incidentView(await getIncident(c.var.deps.db, c.var.deps, c.var.person, c.req.valid('param').id)), 200));

/** The procedure's steps share one handler: validate, act, answer the incident as it now stands. */
const steps: [typeof routes.acknowledge, (b: any) => IncidentInput][] = [
  [routes.acknowledge, (b) => ({ action: 'acknowledge', note: b.note })],
  [routes.assess, (b) => ({ action: 'assess', severity: b.severity, class: b.class, note: b.note })],
  [routes.reply, (b) => ({ action: 'reply', draftId: b.draftId, promisedBy: b.promisedBy ? new Date(b.promisedBy) : undefined, note: b.note })],
  [routes.followUp, (b) => ({ action: 'follow_up', text: b.text, result: b.result })],
  [routes.finish, (b) => ({ action: 'finish_handling', text: b.text })],
  [routes.close, (b) => ({ action: 'close', summary: b.summary })],
];
for (const [route, input] of steps) {
  incidentsRouter.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    await actOnIncident(c.var.deps.db, c.var.deps, c.var.person, id, input(c.req.valid('json')));
    return c.json(incidentView(await getIncident(c.var.deps.db, c.var.deps, c.var.person, id)), 200);
  });
}
