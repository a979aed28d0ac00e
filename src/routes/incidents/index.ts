import type { Context } from 'hono';
import { createRouter, formBody, validationError, type AppEnv } from '../../lib/http';
import { rosterFor, setDutyRoster, type RosterRow } from '../../services/duty-roster';
import {
  acceptEvidence, actOnIncident, evidenceOf, getIncident, incidentFile, listIncidents, reportIncident, type IncidentInput,
} from '../../services/incidents';
import { uploadsOf } from '../files/files.handlers';
import * as routes from './incidents.routes';
import * as summaryHandlers from './summary.handlers';
import * as summaryRoutes from './summary.routes';

type Full = Awaited<ReturnType<typeof getIncident>>;
const iso = (d: Date | null) => (d ? d.toISOString() : null);
/** Where an incident's evidence file is served (to a bearer, or a signed-in browser). */
export const evidenceUrl = (incidentId: string, sha256: string) => `/api/v1/incidents/${incidentId}/files/${sha256}`;
const incidentView = (v: Pick<Full, 'incident' | 'deadlines'> & Partial<Pick<Full, 'entries' | 'actions'>>) => {
  const i = v.incident;
  return {
    id: i.id, unitId: i.unitId, reporterId: i.reporterId, summary: i.summary, occurredAt: i.occurredAt.toISOString(), place: i.place, people: i.involved,
    development: i.development, group: i.group, severity: i.severity, class: i.class, urgent: i.urgent, stage: i.stage, sourcePlatform: i.sourcePlatform,
    sourceUrl: i.sourceUrl, reportedAt: i.reportedAt.toISOString(), acknowledgedAt: iso(i.acknowledgedAt), repliedAt: iso(i.repliedAt), promisedBy: iso(i.promisedBy),
    closedAt: iso(i.closedAt),
    deadlines: { acknowledgeBy: iso(v.deadlines.acknowledgeBy), replyBy: iso(v.deadlines.replyBy), resultBy: iso(v.deadlines.resultBy) },
    actions: v.actions ?? [],
    ...(v.entries ? { evidence: evidenceOf(v.entries).map((f) => ({ ...f, url: evidenceUrl(i.id, f.sha256) })) } : {}),
    ...(v.entries
      ? { entries: v.entries.map((e) => ({ id: e.id, at: e.at.toISOString(), kind: e.kind, text: e.text, draftId: e.draftId, actor: e.actorId ? { id: e.actorId, name: e.actorName ?? '' } : null, data: e.data })) }
      : {}),
  };
};
const rosterView = (unitId: string | null, rows: RosterRow[]) => ({
  unitId, entries: rows.map((r) => ({ id: r.id, personId: r.personId, name: r.name, from: r.from.toISOString(), to: r.to.toISOString() })),
});
const rosterEntries = (body: { entries: { personId: string; from: string; to: string }[] }) =>
  body.entries.map((e) => ({ personId: e.personId, from: new Date(e.from), to: new Date(e.to) }));

// The month's summary before `/incidents/{id}`, so `summary` is never taken for an incident id.
export const incidentsRouter = createRouter()
  .openapi(summaryRoutes.monthlySummary, summaryHandlers.monthlySummary)
  .openapi(summaryRoutes.exportMonth, summaryHandlers.exportMonth)
  .openapi(routes.putRoster, async (c) => {
    const { unitId } = c.req.valid('param');
    return c.json(rosterView(unitId, await setDutyRoster(c.var.deps.db, c.var.deps, c.var.person, unitId, rosterEntries(c.req.valid('json')))), 200);
  })
  .openapi(routes.getRoster, async (c) => {
    const { unitId } = c.req.valid('param');
    return c.json(rosterView(unitId, await rosterFor(c.var.deps.db, c.var.person, unitId, c.var.deps.now())), 200);
  })
  .openapi(routes.putUniversityRoster, async (c) =>
    c.json(rosterView(null, await setDutyRoster(c.var.deps.db, c.var.deps, c.var.person, null, rosterEntries(c.req.valid('json')))), 200))
  .openapi(routes.getUniversityRoster, async (c) => c.json(rosterView(null, await rosterFor(c.var.deps.db, c.var.person, null, c.var.deps.now())), 200))
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

/**
 * The `files` parts and optional `note` of a multipart body, checked and stored (400 naming a bad
 * field; the file rules of the drafts). The evidence page's form posts the same fields.
 */
export async function evidenceForm(c: Context<AppEnv>): Promise<{ note?: string; files: Awaited<ReturnType<typeof acceptEvidence>> }> {
  const form = await formBody(c, true);
  const noteParts = [form.note].flat().filter((n) => n !== undefined && n !== '');
  const parsed = routes.EvidenceNote.safeParse({ note: noteParts.length > 1 ? noteParts : noteParts[0] });
  if (!parsed.success) throw validationError(parsed.error.issues, 'form');
  return { note: parsed.data.note, files: await acceptEvidence(c.var.deps, await uploadsOf(form)) };
}

incidentsRouter
  .openapi(routes.addEvidence, async (c) => {
    const { id } = c.req.valid('param');
    const { note, files } = await evidenceForm(c);
    await actOnIncident(c.var.deps.db, c.var.deps, c.var.person, id, { action: 'add_evidence', note, files });
    return c.json(incidentView(await getIncident(c.var.deps.db, c.var.deps, c.var.person, id)), 201);
  })
  .openapi(routes.getEvidenceFile, async (c) => {
    const { id, sha256 } = c.req.valid('param');
    const served = await incidentFile(c.var.deps.db, c.var.deps, c.var.person, id, sha256);
    return c.body(served.bytes as Uint8Array<ArrayBuffer>, 200, served.headers) as never;
  });

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
