import { z } from '@hono/zod-openapi';
import { Hono, type Context } from 'hono';
import { ALL_POSITIONS, ROLES, type AnyPosition } from '../../../db/schema';
import { AppError, words } from '../../lib/errors';
import { uuid, type AppEnv } from '../../lib/http';
import { localeOf, translator } from '../../lib/i18n';
import { text } from '../../lib/text';
import { NewPersonBody } from '../../routes/org/org.routes';
import { hasRole } from '../../services/auth';
import * as org from '../../services/org';
import { errorPage } from '../components/render';
import type { FieldErrors } from '../components/ui';
import { formErrors, many, one, optional, parseWith, readForm, type FormData } from '../console/forms';
import { consolePage, pathId, requirePageRole } from '../console/page';
import { isPickerSearch, pickerStates } from '../console/picker';
import { requirePage } from '../sessions';
import { PeoplePage, PERSON_FIELD_LABELS, positionName, UnitPage, UnitsPage } from './pages';

type C = Context<AppEnv>;
const LIMIT = 50;

const PeopleFilter = z.object({
  q: text(100).optional().catch(undefined), role: z.enum(ROLES).optional().catch(undefined), unitId: uuid().optional().catch(undefined),
  offset: z.coerce.number().int().min(0).max(1_000_000).catch(0).default(0),
});

const NewPerson = NewPersonBody.pick({ name: true, email: true, roles: true, unitId: true });

async function peoplePage(c: C, extra: { values?: FormData; errors?: FieldErrors; status?: 400 | 403 | 409; done?: string } = {}) {
  const person = requirePageRole(c, 'admin', 'publicity');
  const { deps } = c.var;
  const filter = PeopleFilter.parse(Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== '')));
  const list = await org.listPeople(deps.db, { ...filter, limit: LIMIT });
  const units = await org.unitsOf(deps.db, person);
  const tr = translator(localeOf(c));
  return consolePage(c, { title: tr('人员', 'People'), status: extra.status }, (ctx) => (
    <PeoplePage ctx={ctx} list={list} units={units} filter={filter} limit={LIMIT} isAdmin={hasRole(person, 'admin')} values={extra.values} errors={extra.errors} done={extra.done} />
  ));
}

async function unitPage(c: C, id: string, extra: { errors?: FieldErrors; status?: 400 | 409; done?: string; values?: FormData } = {}) {
  const person = requirePageRole(c, 'admin', 'publicity');
  const unit = await org.getUnit(c.var.deps.db, id);
  const tr = translator(localeOf(c));
  // Each position's picker starts at its holder; a posted search or refusal keeps what that form sent.
  const holders: FormData = Object.fromEntries(unit.positions.map((h) => [`holder-${h.position}`, h.personId]));
  const pickers = await pickerStates(c, { ...holders, ...extra.values }, ALL_POSITIONS.map((pos) => `holder-${pos}`));
  return consolePage(c, { title: unit.name, crumbs: [[tr('单位', 'Units'), '/units'], [unit.name]], status: extra.status }, (ctx) => (
    <UnitPage ctx={ctx} unit={unit} robots={org.robotsSummary(unit.robots)} pickers={pickers} canAssign={hasRole(person, 'admin', 'publicity')} canSetRobots={hasRole(person, 'admin')} errors={extra.errors} done={extra.done} />
  ));
}

/** People's state changes from the people page: a refusal (say, positions still held) comes back in its error summary. */
async function personAction(c: C, act: (id: string) => Promise<string>) {
  requirePageRole(c, 'admin');
  const id = pathId(c, 'id');
  try {
    const done = await act(id);
    return peoplePage(c, { done });
  } catch (err) {
    const { errors, status } = formErrors(err, localeOf(c), 'personId', PERSON_FIELD_LABELS);
    if (status === 403 || status === 404) throw err;
    return peoplePage(c, { errors, status: status as 409 });
  }
}

/** The form names the new person's unit `homeUnitId` (the filter above it already has `unitId`). */
function renamed(err: unknown): unknown {
  if (err instanceof AppError && Array.isArray(err.details)) for (const d of err.details as { path: string }[]) if (d.path === 'unitId') d.path = 'homeUnitId';
  if (err instanceof AppError && (err.details as { field?: string } | undefined)?.field === 'unitId') (err.details as { field: string }).field = 'homeUnitId';
  return err;
}

/** Organisation pages: people and units for admins (publicity staff read and appoint, as the API lets them). */
export const orgPagesRouter = new Hono<AppEnv>()
  .get('/people', requirePage, (c) => peoplePage(c))
  .post('/people', requirePage, async (c) => {
    const person = requirePageRole(c, 'admin', 'publicity');
    const form = await readForm(c);
    try {
      const input = parseWith(NewPerson, { name: one(form, 'name'), email: one(form, 'email'), roles: many(form, 'roles'), unitId: optional(form, 'homeUnitId') });
      // Granting admin is an admin's call alone, as in the API.
      if (input.roles.includes('admin') && !hasRole(person, 'admin')) throw new AppError('forbidden', {}, { field: 'roles' });
      const created = await org.createPerson(c.var.deps.db, c.var.deps, person, input);
      return peoplePage(c, { done: translator(localeOf(c))(`已新增 ${created.name}，欢迎邮件已发往其邮箱`, `${created.name} added and welcomed by e-mail`) });
    } catch (err) {
      const { errors, status } = formErrors(renamed(err), localeOf(c), 'name', PERSON_FIELD_LABELS);
      return peoplePage(c, { values: form, errors, status: status === 409 || status === 403 ? status : 400 });
    }
  })
  .post('/people/:id/deactivate', requirePage, (c) => personAction(c, async (id) => {
    const done = await org.deactivatePerson(c.var.deps.db, c.var.deps, c.var.person, id);
    return translator(localeOf(c))(
      `${done.person.name} 已停用：${done.tokensRevoked} 个令牌已吊销，${done.sessionsEnded} 个登录会话已结束${done.reviewsReturned ? `，${done.reviewsReturned} 份转交给其的待审稿件已交还岗位` : ''}`,
      `${done.person.name} deactivated: ${done.tokensRevoked} tokens revoked, ${done.sessionsEnded} sessions ended${done.reviewsReturned ? `, ${done.reviewsReturned} reviews transferred to them handed back to their positions` : ''}`,
    );
  }))
  .post('/people/:id/reactivate', requirePage, (c) => personAction(c, async (id) => {
    const person = await org.reactivatePerson(c.var.deps.db, c.var.deps, c.var.person, id);
    return translator(localeOf(c))(`${person.name} 已恢复`, `${person.name} reactivated`);
  }))
  .get('/units', requirePage, async (c) => {
    requirePageRole(c, 'admin', 'publicity');
    const q = text(100).optional().catch(undefined).parse(c.req.query('q') || undefined);
    const list = await org.listUnits(c.var.deps.db, { q, limit: 200 });
    return consolePage(c, { title: translator(localeOf(c))('单位', 'Units') }, (ctx) => <UnitsPage ctx={ctx} list={list} q={q} />);
  })
  .get('/units/:id', requirePage, (c) => unitPage(c, pathId(c, 'id')))
  .post('/units/:id/positions/:position', requirePage, async (c) => {
    const person = requirePageRole(c, 'admin', 'publicity');
    const id = pathId(c, 'id');
    const position = c.req.param('position') as AnyPosition;
    if (!ALL_POSITIONS.includes(position)) throw new AppError('not_found', { what: words('岗位', 'position') });
    const field = `holder-${position}`;
    const form = await readForm(c);
    const l = localeOf(c);
    if (isPickerSearch(form)) return unitPage(c, id, { values: form });
    try {
      const { personId } = parseWith(z.object({ personId: uuid() }), { personId: one(form, field) || undefined });
      const term = await org.assignPosition(c.var.deps.db, c.var.deps, person, id, position, personId);
      const who = (await org.getPerson(c.var.deps.db, personId)).name;
      return unitPage(c, id, {
        done: term.changed
          ? translator(l)(`已任命 ${who} 为${positionName(position, l)}；${term.handedOver} 项待审稿件已转交`, `${who} appointed ${positionName(position, l)}; ${term.handedOver} pending reviews handed over`)
          : translator(l)(`${who} 已是${positionName(position, l)}，未作变更`, `${who} already holds ${positionName(position, l)}; nothing changed`),
      });
    } catch (err) {
      const { errors, status } = formErrors(err, l, field, { [field]: [positionName(position, 'zh-CN'), positionName(position, 'en')], personId: ['人员', 'person'] });
      if (errors.personId) { errors[field] = errors.personId; delete errors.personId; }
      if (status === 403) throw err;
      return unitPage(c, id, { errors, status: status === 409 ? 409 : 400, values: form });
    }
  })
  .onError((err, c) => errorPage(c, err));
