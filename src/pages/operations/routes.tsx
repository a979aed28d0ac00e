import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../lib/http';
import { localeOf, translator } from '../../lib/i18n';
import { AuditQuery } from '../../routes/audit/audit.routes';
import { verifyAuditChain, type AuditVerification } from '../../services/audit';
import { listAuditEvents } from '../../services/audit-log';
import { listPeople } from '../../services/org';
import { errorPage } from '../components/render';
import type { FieldErrors } from '../components/ui';
import { cstInput, formErrors, parseWith } from '../console/forms';
import { consolePage, requirePageRole } from '../console/page';
import { requirePage } from '../sessions';
import { AUDIT_FIELD_LABELS, AuditPage, type AuditFilterValues } from './AuditPage';

type C = Context<AppEnv>;
const PAGE = 50;

/** The filter as typed (dates as 北京时间 days), checked by the API's own query schema. */
async function auditPage(c: C, verification?: AuditVerification) {
  requirePageRole(c, 'admin', 'publicity');
  const { db } = c.var.deps;
  const raw = c.req.query();
  const filter: AuditFilterValues = { draftId: raw.draftId?.trim() || undefined, actorId: raw.actorId || undefined, action: raw.action?.trim() || undefined, from: raw.from || undefined, to: raw.to || undefined };
  let errors: FieldErrors | undefined;
  let events: Awaited<ReturnType<typeof listAuditEvents>> = { items: [], next: null };
  try {
    const q = parseWith(AuditQuery, { ...filter, from: cstInput(filter.from ?? ''), to: cstInput(filter.to ?? '', true), before: raw.before || undefined, limit: PAGE });
    events = await listAuditEvents(db, { ...q, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined });
  } catch (err) {
    errors = formErrors(err, localeOf(c), 'draftId', AUDIT_FIELD_LABELS).errors;
  }
  // Everyone who ever acted, the departed too: the log outlives their accounts.
  const people = (await listPeople(db, { limit: 2000 })).items;
  return consolePage(c, { title: translator(localeOf(c))('审计日志', 'Audit log'), status: errors ? 400 : 200 }, (ctx) => (
    <AuditPage ctx={ctx} events={events} people={people} filter={filter} errors={errors} verification={verification} />
  ));
}

/** Operations pages for admins and the publicity department: the audit log and its chain check. */
export const operationsPagesRouter = new Hono<AppEnv>()
  .get('/audit', requirePage, (c) => auditPage(c))
  // A button, not a link: it runs a full recomputation, which a crawler or a prefetch should not start.
  .post('/audit/verify', requirePage, async (c) => {
    requirePageRole(c, 'admin', 'publicity');
    return auditPage(c, await verifyAuditChain(c.var.deps.db));
  })
  .onError((err, c) => errorPage(c, err));
