import { Hono, type Context } from 'hono';
import { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { units } from '../../../db/schema';
import { AppError, words } from '../../lib/errors';
import { uuid, type AppEnv } from '../../lib/http';
import { localeOf, translator } from '../../lib/i18n';
import { RosterEntryBody } from '../../routes/incidents/incidents.routes';
import { hasRole } from '../../services/auth';
import { addDutyEntry, dutyNow, endDutyEntry, listRoster, rosterFor } from '../../services/duty-roster';
import { errorPage } from '../components/render';
import type { FieldErrors } from '../components/ui';
import { cstInput, formErrors, one, parseWith, readForm, type FieldLabels, type FormData } from '../console/forms';
import { consolePage, requirePageRole } from '../console/page';
import { isPickerSearch, pickerStates } from '../console/picker';
import { requirePage } from '../sessions';
import { UUID_PARAM } from '../workspace/routes';
import { RosterOverviewPage, rosterPath, UnitRosterPage } from './roster-pages';
import { langQuery } from './routes';

type C = Context<AppEnv>;

const LABELS: FieldLabels = { personId: ['值班人员', 'Person on duty'], from: ['开始时间', 'From'], to: ['结束时间', 'To'], entryId: ['值班安排', 'Duty'] };
const DONE: Record<string, [string, string]> = {
  added: ['已加入值班表。', 'Added to the roster.'],
  ended: ['已从值班表移除（正在进行的值班已于现在结束）。', 'Taken off the roster (a running duty ended now).'],
};

async function unitOf(c: C, unitId: string) {
  const [unit] = await c.var.deps.db.select({ id: units.id, name: units.name }).from(units).where(eq(units.id, unitId));
  if (!unit) throw new AppError('not_found', { what: words('单位', 'unit') });
  return unit;
}

/** A roster's page (the university's: unitId null), with what a refused form sent and why. */
async function rosterPage(c: C, unitId: string | null, extra: { values?: FormData; errors?: FieldErrors; status?: 400 | 409 } = {}) {
  const { db } = c.var.deps;
  const person = c.var.person;
  const now = c.var.deps.now();
  // Checks the unit's people before anything of the unit is read (another unit's staff: the 403 page).
  const entries = await rosterFor(db, person, unitId, now);
  const tr = translator(localeOf(c));
  const doneKey = c.req.method === 'GET' ? DONE[c.req.query('done') ?? ''] : undefined;
  const props = {
    unitId, entries, now, canEdit: hasRole(person, 'publicity', 'admin'),
    picker: (await pickerStates(c, extra.values ?? {}, ['personId'])).personId!,
    values: extra.values ?? {}, errors: extra.errors ?? {}, done: doneKey ? tr(...doneKey) : undefined,
  };
  const crumbs: [string, string?][] = [[tr('舆情', 'Incidents'), '/incidents'], [tr('值班表', 'Duty roster'), unitId ? '/incidents/roster' : undefined]];
  if (!unitId) {
    const overview = await dutyNow(db, person, now);
    return consolePage(c, { title: tr('值班表', 'Duty roster'), crumbs, status: extra.status }, (ctx) => <RosterOverviewPage ctx={ctx} overview={overview} {...props} />);
  }
  const unit = await unitOf(c, unitId);
  const university = (await listRoster(db, null, now)).filter((e) => e.from <= now && e.to > now);
  return consolePage(c, { title: tr(`${unit.name} 值班表`, `${unit.name}: duty roster`), crumbs: [...crumbs, [unit.name]], status: extra.status }, (ctx) => (
    <UnitRosterPage ctx={ctx} unitName={unit.name} university={university} {...props} />
  ));
}

/**
 * A roster form's post: publicity and admins only (others: the 403 page); signed out meanwhile, back
 * to the roster after signing in. Done: back to the roster with a notice; refused: the roster again
 * with the form as sent and the field's message.
 */
async function rosterPost(c: C, unitId: string | null, act: (form: FormData) => Promise<void>, done: string, fallback: string) {
  if (!c.get('person')) return c.redirect(`/login?next=${encodeURIComponent(rosterPath(unitId))}`, 303);
  requirePageRole(c, 'publicity', 'admin');
  if (unitId) await unitOf(c, unitId);
  const form = await readForm(c);
  // The picker's no-script search: the form again, with the people it found.
  if (isPickerSearch(form)) return rosterPage(c, unitId, { values: form });
  try {
    await act(form);
    return c.redirect(`${rosterPath(unitId)}?done=${done}${langQuery(c, '&')}#entries`, 303);
  } catch (err) {
    const { errors, status } = formErrors(err, localeOf(c), fallback, LABELS);
    if (status === 403) throw err;
    return rosterPage(c, unitId, { values: form, errors, status: status === 409 ? 409 : 400 });
  }
}

const addEntry = (c: C, unitId: string | null) => rosterPost(c, unitId, async (form) => {
  const entry = parseWith(RosterEntryBody, { personId: one(form, 'personId') || undefined, from: cstInput(one(form, 'from')), to: cstInput(one(form, 'to')) });
  await addDutyEntry(c.var.deps.db, c.var.deps, c.var.person, unitId, { personId: entry.personId, from: new Date(entry.from), to: new Date(entry.to) });
}, 'added', 'personId');

const endEntry = (c: C, unitId: string | null) => rosterPost(c, unitId, async (form) => {
  const { entryId } = parseWith(z.object({ entryId: uuid() }), { entryId: one(form, 'entryId') || undefined });
  await endDutyEntry(c.var.deps.db, c.var.deps, c.var.person, unitId, entryId);
}, 'ended', 'entryId');

const UNIT = `/incidents/roster/:unitId{${UUID_PARAM}}`;

/** The duty roster's pages: the university's roster with each unit's duty now, and one unit's roster. */
export const rosterPagesRouter = new Hono<AppEnv>()
  .get('/incidents/roster', requirePage, (c) => rosterPage(c, null))
  .post('/incidents/roster/entries', (c) => addEntry(c, null))
  .post('/incidents/roster/entries/end', (c) => endEntry(c, null))
  .get(UNIT, requirePage, (c) => rosterPage(c, c.req.param('unitId')))
  .post(`${UNIT}/entries`, (c) => addEntry(c, c.req.param('unitId')))
  .post(`${UNIT}/entries/end`, (c) => endEntry(c, c.req.param('unitId')))
  .onError((err, c) => errorPage(c, err));
