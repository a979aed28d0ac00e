import { z } from '@hono/zod-openapi';
import { Hono, type Context } from 'hono';
import { CHANNEL_NAMES, DELIVERY_STATUSES } from '../../../db/schema';
import type { AppEnv } from '../../lib/http';
import { label, localeOf, translator } from '../../lib/i18n';
import { AuditQuery } from '../../routes/audit/audit.routes';
import { verifyAuditChain, type AuditVerification } from '../../services/audit';
import { listAuditEvents } from '../../services/audit-log';
import { listDeliveries, resendDelivery } from '../../services/notifications';
import { hasRole } from '../../services/auth';
import { listPeople } from '../../services/org';
import { errorPage } from '../components/render';
import type { FieldErrors } from '../components/ui';
import { cstInput, formErrors, parseWith } from '../console/forms';
import { consolePage, pathId, requirePageRole } from '../console/page';
import { requirePage } from '../sessions';
import { AUDIT_FIELD_LABELS, AuditPage, type AuditFilterValues } from './AuditPage';
import { DeliveriesPage } from './DeliveriesPage';

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

// A filter that does not parse is ignored (the list is still worth showing); with no status asked for, the failed ones.
const DeliveryFilter = z.object({
  status: z.union([z.enum(DELIVERY_STATUSES), z.literal('')]).catch('').default('failed'),
  channel: z.enum(CHANNEL_NAMES).optional().catch(undefined),
  offset: z.coerce.number().int().min(0).max(1_000_000).catch(0).default(0),
});

async function deliveriesPage(c: C, extra: { done?: string; errors?: FieldErrors; status?: 404 | 409 } = {}) {
  const viewer = requirePageRole(c, 'admin', 'publicity');
  const raw = c.req.query();
  const filter = DeliveryFilter.parse({ ...raw, channel: raw.channel || undefined });
  const rows = await listDeliveries(c.var.deps.db, { status: filter.status || undefined, channel: filter.channel, limit: PAGE + 1, offset: filter.offset });
  return consolePage(c, { title: translator(localeOf(c))('消息发送记录', 'Notification deliveries'), status: extra.status }, (ctx) => (
    <DeliveriesPage ctx={ctx} rows={rows.slice(0, PAGE)} more={rows.length > PAGE} filter={filter} limit={PAGE} canResend={hasRole(viewer, 'admin')} errors={extra.errors} done={extra.done} />
  ));
}

/** Operations pages for admins and the publicity department (who read): the audit log and its chain check, deliveries (admins resend). */
export const operationsPagesRouter = new Hono<AppEnv>()
  .get('/audit', requirePage, (c) => auditPage(c))
  // A button, not a link: it runs a full recomputation, which a crawler or a prefetch should not start.
  .post('/audit/verify', requirePage, async (c) => {
    requirePageRole(c, 'admin', 'publicity');
    return auditPage(c, await verifyAuditChain(c.var.deps.db));
  })
  .get('/deliveries', requirePage, (c) => deliveriesPage(c))
  .post('/deliveries/:id/resend', requirePage, async (c) => {
    const person = requirePageRole(c, 'admin');
    const l = localeOf(c);
    try {
      const d = await resendDelivery(c.var.deps.db, c.var.deps, person, pathId(c, 'id'));
      const what = `${label('deliveryKind', d.kind, l)}${d.draftTitle ? `「${d.draftTitle}」` : ''}`;
      const to = d.personName ?? translator(l)('对接系统', 'the hand-off endpoint');
      return deliveriesPage(c, {
        done: translator(l)(`已重新排队发送：发给 ${to} 的${what}（${label('channel', d.channel, l)}），稍后刷新可见结果`, `Queued again: the ${what} to ${to} (${label('channel', d.channel, l)}); refresh shortly to see how it went`),
      });
    } catch (err) {
      const { errors, status } = formErrors(err, l, 'deliveries', { deliveries: ['发送记录', 'delivery'] });
      if (status === 403) throw err;
      return deliveriesPage(c, { errors, status: status === 404 ? 404 : 409 });
    }
  })
  .onError((err, c) => errorPage(c, err));
