import { cstMonth, type DeadlineRecord } from '../../domain/incident-reports';
import { csvResponse } from '../../lib/csv';
import type { AppRouteHandler } from '../../lib/http';
import { bulletinPath, monthlyCsv, monthlySummary as summarizeMonth } from '../../services/incident-reports';
import type * as routes from './summary.routes';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const recordView = (r: DeadlineRecord) => ({ due: iso(r.due), doneAt: iso(r.doneAt), outcome: r.outcome });

export const monthlySummary: AppRouteHandler<typeof routes.monthlySummary> = async (c) => {
  const { deps, person } = c.var;
  const s = await summarizeMonth(deps.db, deps, person, c.req.valid('query').month ?? cstMonth(deps.now()));
  return c.json({
    month: s.month, from: s.from.toISOString(), to: s.to.toISOString(), total: s.total,
    bySeverity: s.bySeverity, byClass: s.byClass, byGroup: s.byGroup, byStage: s.byStage, byUnit: s.byUnit,
    acknowledge: s.acknowledge, sameDayReply: s.sameDayReply,
    items: s.items.map(({ row: i, records }) => ({
      id: i.id, unitId: i.unitId, unitName: i.unitName, summary: i.summary, reportedAt: i.reportedAt.toISOString(),
      severity: i.severity, class: i.class, group: i.group, stage: i.stage, urgent: i.urgent,
      deadlines: { acknowledge: recordView(records.acknowledge), sameDayReply: recordView(records.sameDayReply), result: recordView(records.result) },
      bulletinUrl: bulletinPath(i.id),
    })),
  }, 200);
};

export const exportMonth: AppRouteHandler<typeof routes.exportMonth> = async (c) => {
  const { deps, person } = c.var;
  const { body, filename } = await monthlyCsv(deps.db, deps, person, c.req.valid('query').month ?? cstMonth(deps.now()));
  return csvResponse(body, filename) as never;
};
