import type { AppRouteHandler } from '../../lib/http';
import { localeOf } from '../../lib/i18n';
import { currentPositions, requireRole, requireUnitAccess } from '../../services/auth';
import * as org from '../../services/org';
import { isRoute } from '../../notify/channel';
import type * as routes from './org.routes';

const iso = <T extends { createdAt: Date; robots: unknown }>(row: T) => ({ ...row, robots: org.robotsSummary(row.robots), createdAt: row.createdAt.toISOString() });

export const createUnit: AppRouteHandler<typeof routes.createUnit> = async (c) => {
  const { deps, person } = c.var;
  requireRole(person, 'admin');
  const unit = await org.createUnit(deps.db, deps, person, c.req.valid('json'));
  return c.json(iso(unit), 201);
};

export const getUnit: AppRouteHandler<typeof routes.getUnit> = async (c) => {
  const { deps, person } = c.var;
  const { unitId } = c.req.valid('param');
  const unit = await org.getUnit(deps.db, unitId);
  await requireUnitAccess(deps.db, person, unitId);
  return c.json({ ...iso(unit), positions: unit.positions.map((p) => ({ ...p, since: p.since.toISOString() })) }, 200);
};

export const setChain: AppRouteHandler<typeof routes.setChain> = async (c) => {
  const { deps, person } = c.var;
  requireRole(person, 'admin');
  const unit = await org.setChain(deps.db, deps, person, c.req.valid('param').unitId, c.req.valid('json'));
  return c.json(iso(unit), 200);
};

const personView = (p: Awaited<ReturnType<typeof org.getPerson>>) => ({
  id: p.id, name: p.name, email: p.email, roles: p.roles, unitId: p.unitId, phone: p.phone, wecomUserId: p.wecomUserId,
  dingtalkUserId: p.dingtalkUserId, employeeNo: p.employeeNo, channels: p.channels.filter(isRoute), createdAt: p.createdAt.toISOString(), deactivatedAt: p.deactivatedAt?.toISOString() ?? null,
});

export const createPerson: AppRouteHandler<typeof routes.createPerson> = async (c) => {
  const { deps, person } = c.var;
  requireRole(person, 'admin', 'publicity');
  const input = c.req.valid('json');
  // Granting admin is an admin's call alone.
  if (input.roles.includes('admin')) requireRole(person, 'admin');
  // No credential in the answer: the new person is welcomed at their own address and signs in there.
  const created = await org.createPerson(deps.db, deps, person, input);
  return c.json(personView(created), 201);
};

export const getPerson: AppRouteHandler<typeof routes.getPerson> = async (c) => {
  const { deps, person } = c.var;
  const { personId } = c.req.valid('param');
  if (personId !== person.id) requireRole(person, 'admin', 'publicity');
  return c.json(personView(await org.getPerson(deps.db, personId)), 200);
};

export const me: AppRouteHandler<typeof routes.me> = async (c) => {
  const { deps, person } = c.var;
  const full = await org.getPerson(deps.db, person.id);
  return c.json({ ...personView(full), positions: await currentPositions(deps.db, person.id) }, 200);
};

export const assignPosition: AppRouteHandler<typeof routes.assignPosition> = async (c) => {
  const { deps, person } = c.var;
  requireRole(person, 'admin', 'publicity');
  const { unitId, position } = c.req.valid('param');
  const term = await org.assignPosition(deps.db, deps, person, unitId, position, c.req.valid('json').personId);
  const locale = localeOf(c);
  return c.json({ ...term, since: term.since.toISOString(), warnings: term.warnings.map((w) => ({ ...w, message: w.message.in(locale) })) }, 200);
};

export const setNotifications: AppRouteHandler<typeof routes.setNotifications> = async (c) => {
  const { deps, person } = c.var;
  const { personId } = c.req.valid('param');
  if (personId !== person.id) requireRole(person, 'admin');
  return c.json(personView(await org.setNotificationPreferences(deps.db, deps, person, personId, c.req.valid('json'))), 200);
};

export const setRobots: AppRouteHandler<typeof routes.setRobots> = async (c) => {
  const { deps, person } = c.var;
  // Organisation settings are the admins' (issue 12); the publicity department reads them on GET /units.
  requireRole(person, 'admin');
  const { unitId } = c.req.valid('param');
  const unit = await org.setUnitRobots(deps.db, deps, person, unitId, c.req.valid('json'));
  return c.json({ unitId, robots: org.robotsSummary(unit.robots) }, 200);
};

export const listPeople: AppRouteHandler<typeof routes.listPeople> = async (c) => {
  const { deps, person } = c.var;
  requireRole(person, 'admin', 'publicity');
  const query = c.req.valid('query');
  const found = await org.listPeople(deps.db, query);
  return c.json({
    ...found, limit: query.limit, offset: query.offset,
    items: found.items.map((p) => ({ ...p, deactivatedAt: p.deactivatedAt?.toISOString() ?? null, positions: p.positions.map((t) => ({ ...t, since: t.since.toISOString() })) })),
  }, 200);
};

export const listUnits: AppRouteHandler<typeof routes.listUnits> = async (c) => {
  const { deps, person } = c.var;
  requireRole(person, 'admin', 'publicity');
  const query = c.req.valid('query');
  const found = await org.listUnits(deps.db, query);
  return c.json({
    ...found, limit: query.limit, offset: query.offset,
    items: found.items.map((u) => ({ ...iso(u), positions: u.positions.map((h) => ({ ...h, since: h.since.toISOString() })) })),
  }, 200);
};

export const deactivatePerson: AppRouteHandler<typeof routes.deactivatePerson> = async (c) => {
  const { deps, person } = c.var;
  requireRole(person, 'admin');
  const done = await org.deactivatePerson(deps.db, deps, person, c.req.valid('param').personId);
  return c.json({ ...done, person: personView(done.person) }, 200);
};

export const reactivatePerson: AppRouteHandler<typeof routes.reactivatePerson> = async (c) => {
  const { deps, person } = c.var;
  requireRole(person, 'admin');
  return c.json(personView(await org.reactivatePerson(deps.db, deps, person, c.req.valid('param').personId)), 200);
};

export const searchPeople: AppRouteHandler<typeof routes.searchPeople> = async (c) => {
  const { deps, person } = c.var;
  const { q, limit } = c.req.valid('query');
  return c.json({ items: await org.searchPeople(deps.db, person, { q, limit }) }, 200);
};
