import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { accounts, people } from '../../db/schema';
import { AppError } from '../lib/errors';
import { appendAudit } from './audit';
import { inTransaction, type ServiceDeps } from './context';
import { assignPosition, createPerson, createUnit } from './org';
import { POSITIONS, type Position } from '../../db/schema';

/** The first admin. Refused once any admin exists, so it cannot be used to mint a second one. */
export async function bootstrapAdmin(db: Db, deps: ServiceDeps, input: { name: string; email: string }) {
  const [admin] = await db.select({ id: people.id }).from(people).where(sql`'admin' = any(${people.roles})`).limit(1);
  if (admin) throw new AppError('conflict', { reasonZh: '管理员已存在，bootstrap 只能用于创建第一位管理员', reasonEn: 'an admin already exists; bootstrap only creates the first one' });
  const person = await createPerson(db, deps, null, { name: input.name, email: input.email, roles: ['admin', 'publicity', 'staff'] });
  return { personId: person.id, token: person.token };
}

const DEMO_PEOPLE: { key: string; name: string; roles: ('staff' | 'publicity' | 'admin')[]; position?: Position; inUnit: boolean }[] = [
  { key: 'drafter', name: '李撰稿', roles: ['staff'], inUnit: true },
  { key: 'section_head', name: '王系主任', roles: ['staff'], position: 'section_head', inUnit: true },
  { key: 'deputy_leader', name: '张副院长', roles: ['staff'], position: 'deputy_leader', inUnit: true },
  { key: 'publicity_officer', name: '赵宣传员', roles: ['staff'], position: 'publicity_officer', inUnit: true },
  { key: 'secretary', name: '陈书记', roles: ['staff'], position: 'secretary', inUnit: true },
  { key: 'publicity', name: '孙宣传部', roles: ['publicity', 'staff'], inUnit: false },
  { key: 'admin', name: '周管理员', roles: ['admin', 'publicity', 'staff'], inUnit: false },
];

/**
 * A demo college: one unit with every position filled, a drafter, publicity and admin staff, and
 * one registered official account. Each run makes a fresh college, so it can be run again.
 */
export async function seedDemo(db: Db, deps: ServiceDeps) {
  const suffix = Math.random().toString(36).slice(2, 6).toUpperCase();
  const unit = await createUnit(db, deps, null, { name: `示范学院（${suffix}）`, code: `DEMO-${suffix}` });
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  for (const p of DEMO_PEOPLE) {
    const person = await createPerson(db, deps, null, { name: p.name, email: `${p.key}.${suffix.toLowerCase()}@demo.imprimatur.local`, roles: p.roles, unitId: p.inUnit ? unit.id : null });
    tokens[p.key] = person.token;
    ids[p.key] = person.id;
  }
  tokens['staff'] = tokens['drafter']!;
  const admin = { id: ids['admin']!, name: '周管理员', email: '', roles: ['admin' as const], unitId: null };
  for (const position of POSITIONS) await assignPosition(db, deps, admin, unit.id, position, ids[position]!);
  const accountId = await inTransaction(db, deps, async (tx) => {
    const [account] = await tx
      .insert(accounts)
      .values({ name: `示范学院官方微信（${suffix}）`, platform: 'wechat_official', platformId: `gh_demo_${suffix.toLowerCase()}`, unitId: unit.id, ownerId: ids['publicity_officer']!, status: 'registered', registeredAt: deps.now() })
      .returning();
    await appendAudit(tx, { actorId: admin.id, action: 'account.registered', subjectType: 'account', subjectId: account!.id, data: { demo: true }, at: deps.now() });
    return account!.id;
  });
  return { unitId: unit.id, accountId, people: ids, tokens };
}
