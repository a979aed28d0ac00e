import { createRoute, z } from '@hono/zod-openapi';
import { ALL_POSITIONS, POSITIONS, ROLES } from '../../../db/schema';
import { errors, jsonBody, jsonResponse, said, uuid, uuidParam } from '../../lib/http';
import { LEADER_LEVELS } from '../../domain/signoff';
import { ROUTES } from '../../notify/channel';
import { UnitRobotsSchema } from '../../notify/robots';
import { line, text } from '../../lib/text';
import { PICKER_MAX } from '../../services/org';

const tags = ['Organisation 组织'];
const security = [{ bearerAuth: [] }];

const Sla = z.strictObject({ normalHours: z.number().positive().max(720), urgentHours: z.number().positive().max(24) });

export const ChainSchema = z
  .strictObject({
    levels: z.array(z.enum(POSITIONS)).min(1).refine((l) => new Set(l).size === l.length, said('审核级别不能重复', 'levels must not repeat')),
    sla: z.partialRecord(z.enum(POSITIONS), Sla).default({}),
  })
  .refine((c) => c.levels.every((l, i) => i === 0 || POSITIONS.indexOf(l) > POSITIONS.indexOf(c.levels[i - 1]!)), { ...said('审核级别须按 系室负责人 → 分管院领导 → 宣传员 → 学院书记 的顺序', 'levels must follow the order section_head → deputy_leader → publicity_officer → secretary'), path: ['levels'] })
  // Seed 001: 网上发布的信息必须经分管领导初审，报主要领导审批通过后，方可发布. A unit may leave out the
  // levels it has no one for, never these two (an admin could otherwise cut review to one signature).
  .refine((c) => LEADER_LEVELS.every((l) => c.levels.includes(l)), { ...said('审核链须包含分管院领导和学院书记（分管领导初审、主要领导审批后方可发布）', 'levels must include deputy_leader and secretary (the leader in charge reviews and the principal leader approves before anything is published)'), path: ['levels'] })
  .openapi('ChainSettings');

const RobotState = z.object({ configured: z.boolean(), signed: z.boolean() });
export const RobotsSummarySchema = z.object({ wecom: RobotState, dingtalk: RobotState, feishu: RobotState, webhook: RobotState }).openapi('UnitRobots');

export const UnitSchema = z
  .object({
    id: uuid(),
    name: z.string(),
    code: z.string(),
    chain: ChainSchema,
    robots: RobotsSummarySchema,
    createdAt: z.string(),
    positions: z.array(z.object({ position: z.enum(ALL_POSITIONS), personId: uuid(), name: z.string(), since: z.string() })).optional(),
  })
  .openapi('Unit');

export const PersonSchema = z
  .object({
    id: uuid(),
    name: z.string(),
    email: z.string(),
    roles: z.array(z.enum(ROLES)),
    unitId: uuid().nullable(),
    phone: z.string().nullable(),
    wecomUserId: z.string().nullable(),
    dingtalkUserId: z.string().nullable(),
    employeeNo: z.string().nullable().openapi({ description: 'Employee number 工号 (single sign-on may match people by it)' }),
    deactivatedAt: z.string().nullable().openapi({ description: 'When the person was deactivated (left); null while active' }),
    channels: z.array(z.enum(ROUTES)).openapi({ description: 'Notification routes in order of preference; sign-off links go only by email, which is added to every message with a link' }),
    createdAt: z.string(),
  })
  .openapi('Person');


/**
 * A mobile number, as group robots @-mention people by it: a mainland one (11 digits from 13–19,
 * +86 allowed) or an international one in E.164 (+ and 7–15 digits); spaces and - may group digits.
 */
const phone = line(21).refine((raw) => /^(\+?86)?1[3-9]\d{9}$|^\+[1-9]\d{6,14}$/.test(raw.replace(/[ -]/g, '')), said('须为手机号码（如 138 0013 8000，境外号码以 + 开头）', 'a mobile number (like 138 0013 8000; outside mainland China, starting with +)'));

export const createUnit = createRoute({
  operationId: 'createUnit',
  method: 'post', path: '/units', tags, security, summary: 'Create a unit 新建单位 (admin)',
  request: jsonBody(z.strictObject({ name: line(200), code: line(32).regex(/^[A-Za-z0-9_-]{1,32}$/, said('只能含字母、数字、- 和 _', 'letters, digits, - and _ only')), chain: ChainSchema.optional() })),
  responses: { 201: jsonResponse(UnitSchema, 'The unit'), ...errors(400, 401, 403, 409) },
});

export const getUnit = createRoute({
  operationId: 'getUnit',
  method: 'get', path: '/units/{unitId}', tags, security, summary: 'A unit with its current position holders',
  request: { params: z.object({ unitId: uuidParam('unitId') }) },
  responses: { 200: jsonResponse(UnitSchema, 'The unit'), ...errors(400, 401, 403, 404) },
});

export const setChain = createRoute({
  operationId: 'setChain',
  method: 'put', path: '/units/{unitId}/chain', tags, security, summary: "Set the unit's sign-off chain and SLAs (admin)",
  request: { params: z.object({ unitId: uuidParam('unitId') }), ...jsonBody(ChainSchema) },
  responses: { 200: jsonResponse(UnitSchema, 'The unit'), ...errors(400, 401, 403, 404) },
});

/**
 * A new person as every way of adding one checks it: this API, the people page (a pick of it) and
 * `cli bootstrap` (its name and email), so a name is trimmed and one line and an address is one
 * wherever the person comes from.
 */
export const NewPersonBody = z.strictObject({
  name: line(100),
  email: z.email().max(254),
  roles: z.array(z.enum(ROLES)).min(1),
  unitId: uuid().optional(),
  wecomUserId: line(64).optional(),
  dingtalkUserId: line(64).optional(),
  phone: phone.optional(),
  employeeNo: line(64).optional().openapi({ description: 'Employee number 工号, unique' }),
});

export const createPerson = createRoute({
  operationId: 'createPerson',
  method: 'post', path: '/people', tags, security, summary: 'Add a person 新增人员 (publicity/admin); they are welcomed at their own address',
  description: 'Never returns a credential. The new person receives a welcome e-mail telling them to sign in at `${PUBLIC_URL}/login` with that address (operators on the server: `npm run cli -- token --email E`). With ALLOWED_EMAIL_DOMAINS set, `email` must belong to one of those domains or a subdomain (400 otherwise).',
  request: jsonBody(NewPersonBody),
  responses: { 201: jsonResponse(PersonSchema, 'The person (no credential)'), ...errors(400, 401, 403, 404, 409) },
});

export const getPerson = createRoute({
  operationId: 'getPerson',
  method: 'get', path: '/people/{personId}', tags, security, summary: 'A person',
  request: { params: z.object({ personId: uuidParam('personId') }) },
  responses: { 200: jsonResponse(PersonSchema, 'The person'), ...errors(400, 401, 403, 404) },
});

export const me = createRoute({
  operationId: 'getMe',
  method: 'get', path: '/me', tags, security, summary: 'Who the token belongs to, with positions held',
  responses: { 200: jsonResponse(PersonSchema.extend({ positions: z.array(z.object({ unitId: uuid(), position: z.enum(ALL_POSITIONS) })) }), 'The caller'), ...errors(401) },
});

export const assignPosition = createRoute({
  operationId: 'assignPosition',
  method: 'put', path: '/units/{unitId}/positions/{position}', tags, security,
  summary: 'Appoint a position holder 任命岗位; pending reviews pass to the successor; the outgoing holder and the unit\'s secretary are told',
  request: {
    params: z.object({ unitId: uuidParam('unitId'), position: z.enum(ALL_POSITIONS).openapi({ param: { name: 'position', in: 'path' }, description: 'A review level, or an office incident reports go to (deputy_secretary 副书记, dean 院长, deputy_dean 分管院长)' }) }),
    ...jsonBody(z.strictObject({ personId: uuid() })),
  },
  responses: {
    200: jsonResponse(z.object({
      unitId: uuid(), position: z.enum(ALL_POSITIONS), personId: uuid(), since: z.string(), handedOver: z.number().int(),
      changed: z.boolean().openapi({ description: 'false when the person already held the position (nothing was changed)' }),
      warnings: z.array(z.object({
        code: z.literal('holds_two_levels'), personId: uuid(), levels: z.array(z.enum(POSITIONS)), message: z.string(),
      })).openapi({ description: 'The appointment stands, but the person now holds these levels of the unit\'s chain: nobody signs two levels of one draft, so each draft\'s later one of them reaches this person only to be handed on (转交) until someone else holds one of them or the chain leaves it out' }),
    }), 'The new term'),
    ...errors(400, 401, 403, 404),
  },
});

/** How a person is notified: the API's body, and the settings page's form checked by the same rules. */
export const NotificationsBody = z.strictObject({
  channels: z.array(z.enum(ROUTES)).max(ROUTES.length).refine((c) => new Set(c).size === c.length, said('通知渠道不能重复', 'channels must not repeat')),
  phone: phone.nullable().optional(),
  wecomUserId: line(64).nullable().optional(),
  dingtalkUserId: line(64).nullable().optional(),
});

export const setNotifications = createRoute({
  operationId: 'setNotifications',
  method: 'put', path: '/people/{personId}/notifications', tags, security,
  summary: 'How a person is notified 通知方式: channels in order of preference, phone and robot ids (self or admin; publicity reads them on GET /people/{personId})',
  description: 'An admin changing another person\'s preferences is audited as the person\'s own change is (`person.notifications_set`, the admin as actor). Anyone else gets 403.',
  request: {
    params: z.object({ personId: uuidParam('personId') }),
    ...jsonBody(NotificationsBody),
  },
  responses: { 200: jsonResponse(PersonSchema, 'The person'), ...errors(400, 401, 403, 404, 409) },
});

export const setRobots = createRoute({
  operationId: 'setRobots',
  method: 'put', path: '/units/{unitId}/robots', tags, security,
  summary: "Set the unit's group robots 群机器人 (WeCom, DingTalk, Feishu) and webhook (admin; publicity reads which are set on GET /units); answers which are set, never the keys",
  description: 'URLs must be https:// (http:// only with ALLOW_HTTP_WEBHOOKS=true) and must not name a loopback, private, link-local or reserved address (400 naming the field); host names are checked again after DNS resolution when sending. None of these receives sign-off links.',
  request: {
    params: z.object({ unitId: uuidParam('unitId') }),
    ...jsonBody(UnitRobotsSchema),
  },
  responses: { 200: jsonResponse(z.object({ unitId: uuid(), robots: RobotsSummarySchema }), 'Which robots are set'), ...errors(400, 401, 403, 404) },
});

const page = {
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: 'At most this many items (1–200, default 50)' }),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};
const Holder = z.object({ position: z.enum(ALL_POSITIONS), personId: uuid(), name: z.string(), since: z.string() });

export const PersonListItem = z.object({
  id: uuid(), name: z.string(), email: z.string(), roles: z.array(z.enum(ROLES)), unitId: uuid().nullable(), unitName: z.string().nullable(), deactivatedAt: z.string().nullable(),
  positions: z.array(z.object({ unitId: uuid(), unitName: z.string(), position: z.enum(ALL_POSITIONS), since: z.string() })),
}).openapi('PersonListItem');

export const listPeople = createRoute({
  operationId: 'listPeople',
  method: 'get', path: '/people', tags, security, summary: 'People 人员 (admin, publicity): search by name or e-mail, filter by role or unit, paginated',
  request: { query: z.object({ q: text(100).optional(), role: z.enum(ROLES).optional(), unitId: uuid().optional(), ...page }) },
  responses: { 200: jsonResponse(z.object({ items: z.array(PersonListItem), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }), 'People'), ...errors(400, 401, 403) },
});

export const listUnits = createRoute({
  operationId: 'listUnits',
  method: 'get', path: '/units', tags, security, summary: 'Units 单位 (admin, publicity): search by name or code, with chain, SLAs, position holders and robots; paginated',
  request: { query: z.object({ q: text(100).optional(), ...page }) },
  responses: {
    200: jsonResponse(z.object({ items: z.array(UnitSchema.extend({ positions: z.array(Holder) })), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }), 'Units'),
    ...errors(400, 401, 403),
  },
});

const personParams = z.object({ personId: uuidParam('personId') });

export const deactivatePerson = createRoute({
  operationId: 'deactivatePerson',
  method: 'post', path: '/people/{personId}/deactivate', tags, security,
  summary: 'A person leaves 停用 (admin): tokens revoked and sessions ended at once, sign-in refused; 409 while they still hold a position (appoint a successor first)',
  request: { params: personParams },
  responses: { 200: jsonResponse(z.object({ person: PersonSchema, tokensRevoked: z.number().int(), sessionsEnded: z.number().int(), reviewsReturned: z.number().int().openapi({ description: 'Pending reviews transferred to the person, handed back to the holder of their level' }), accountRolesEnded: z.number().int().openapi({ description: 'Account roles (owner’s team, administrator, commentator…) the person held, ended now' }) }), 'The deactivated person'), ...errors(400, 401, 403, 404, 409) },
});

export const reactivatePerson = createRoute({
  operationId: 'reactivatePerson',
  method: 'post', path: '/people/{personId}/reactivate', tags, security, summary: 'Reactivate 恢复 a deactivated person (admin); old tokens stay revoked',
  request: { params: personParams },
  responses: { 200: jsonResponse(PersonSchema, 'The person'), ...errors(400, 401, 403, 404, 409) },
});

export const PickablePersonSchema = z.object({ id: uuid(), name: z.string(), email: z.string(), unitName: z.string().nullable() }).openapi('PickablePerson');

export const searchPeople = createRoute({
  operationId: 'searchPeople',
  method: 'get', path: '/directory/people', tags, security,
  summary: 'The people picker’s search 选人 (any signed-in person): active people by name or e-mail, at most 20, only those the caller may see',
  description: 'Publicity and admin staff find everyone; others find the people of the units they act in (members and position holders). '
    + 'Session-authenticated pages call it too (the application form’s type-ahead).',
  request: { query: z.object({ q: text(100).openapi({ description: 'Part of a name or e-mail (at least one character)' }), limit: z.coerce.number().int().min(1).max(PICKER_MAX).default(10) }) },
  responses: { 200: jsonResponse(z.object({ items: z.array(PickablePersonSchema) }), 'Matching people, by name'), ...errors(400, 401) },
});
