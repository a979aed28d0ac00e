import { and, asc, desc, eq, inArray, isNull, like, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { accounts, apiTokens, inspectionCodes, people, units } from '../../db/schema';
import { cstMinute, cstYear } from '../domain/cst';
import { applyForAccount, approveAccount } from './accounts';
import { campaignForYear, createCampaign, ensureInspection, fileSelfReport, gradeInspection } from './inspections';
import { AppError, words } from '../lib/errors';
import { appendAudit } from './audit';
import { issueApiToken } from './auth';
import { inTransaction, type ServiceDeps } from './context';
import { MAX_TOKENS } from './tokens';
import { assignPosition, createPerson, createUnit } from './org';
import { POSITIONS, type Position } from '../../db/schema';

/** The first admin. Refused once any admin exists, so it cannot be used to mint a second one. */
export async function bootstrapAdmin(db: Db, deps: ServiceDeps, input: { name: string; email: string }) {
  const [admin] = await db.select({ id: people.id }).from(people).where(sql`'admin' = any(${people.roles})`).limit(1);
  if (admin) throw new AppError('conflict', { reasonZh: '管理员已存在，bootstrap 只能用于创建第一位管理员', reasonEn: 'an admin already exists; bootstrap only creates the first one' });
  const person = await createPerson(db, deps, null, { name: input.name, email: input.email, roles: ['admin', 'publicity', 'staff'] }, 'operator');
  return operatorToken(db, deps, { personId: person.id });
}

/**
 * A personal access token for an existing person, minted for an operator on the server
 * (`npm run cli -- token --email E`): the only way besides the person's own mailbox to get one, and
 * never over the API. Recorded in the audit chain (without the token).
 */
/** What an operator's tokens are named by: `cli 2026-12-07 17:30`, told apart on the person's token list. */
const CLI_LABEL = 'cli';
/** An operator's token as named here (or plain `cli`, as they were named before), not one the person named. */
const OPERATOR_LABEL = /^cli( \d{4}-\d{2}-\d{2} \d{2}:\d{2}( \(\d+\))?)?$/;

export async function operatorToken(db: Db, deps: ServiceDeps, who: { email: string } | { personId: string }): Promise<{ personId: string; token: string }> {
  return inTransaction(db, deps, async (tx) => {
    const [person] = await tx
      .select({ id: people.id })
      .from(people)
      .where('email' in who ? eq(sql`lower(${people.email})`, who.email.trim().toLowerCase()) : eq(people.id, who.personId));
    if (!person) throw new AppError('not_found', { what: words('人员', 'person') }, { field: 'email' in who ? 'email' : 'personId' });
    const now = deps.now();
    // As a token the person makes: one at a time per person, within MAX_TOKENS, each with its own
    // name. At the limit the oldest operator token gives way (a demo run again mints fresh ones);
    // tokens the person named are never revoked for it.
    await tx.select({ id: people.id }).from(people).where(eq(people.id, person.id)).for('update');
    const held = await tx.select({ id: apiTokens.id, label: apiTokens.label }).from(apiTokens)
      .where(and(eq(apiTokens.personId, person.id), isNull(apiTokens.revokedAt))).orderBy(asc(apiTokens.createdAt));
    const over = held.length - MAX_TOKENS + 1;
    if (over > 0) {
      const oldest = held.filter((k) => OPERATOR_LABEL.test(k.label)).slice(0, over);
      if (oldest.length < over) throw new AppError('conflict', { reasonZh: `此人已有 ${held.length} 个个人令牌，须先撤销一个`, reasonEn: `this person holds ${held.length} personal tokens already; one must be revoked first` }, { max: MAX_TOKENS });
      for (const token of oldest) {
        await tx.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, token.id));
        await appendAudit(tx, { actorId: null, action: 'person.token_revoked', subjectType: 'person', subjectId: person.id, data: { tokenId: token.id, via: 'cli', reason: 'limit' }, at: now });
      }
    }
    const base = `${CLI_LABEL} ${cstMinute(now)}`;
    const taken = new Set(held.map((k) => k.label));
    let label = base;
    for (let n = 2; taken.has(label); n++) label = `${base} (${n})`;
    const token = await issueApiToken(tx, deps.config.appSecret, person.id, label);
    await appendAudit(tx, { actorId: null, action: 'person.token_issued', subjectType: 'person', subjectId: person.id, data: { via: 'cli', label }, at: now });
    return { personId: person.id, token };
  });
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
 * one registered official account with a current inspection pass code. Each run makes a fresh college, so it can be run again.
 */
export async function seedDemo(db: Db, deps: ServiceDeps) {
  const suffix = Math.random().toString(36).slice(2, 6).toUpperCase();
  const unit = await createUnit(db, deps, null, { name: `示范学院（${suffix}）`, code: `DEMO-${suffix}` });
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const holders: Record<string, { name: string; email: string }> = {};
  for (const p of DEMO_PEOPLE) {
    // The demo runs on the server and prints every token: operator-made people, not welcomed by mail.
    const person = await createPerson(db, deps, null, { name: p.name, email: demoEmail(p.key, suffix), roles: p.roles, unitId: p.inUnit ? unit.id : null }, 'operator');
    tokens[p.key] = (await operatorToken(db, deps, { personId: person.id })).token;
    holders[p.key] = { name: person.name, email: person.email };
    ids[p.key] = person.id;
  }
  tokens['staff'] = tokens['drafter']!;
  const admin = { id: ids['admin']!, name: '周管理员', email: '', roles: ['admin' as const, 'publicity' as const], unitId: null };
  for (const position of POSITIONS) await assignPosition(db, deps, admin, unit.id, position, ids[position]!);
  // The account goes the way every account goes: apply → approve (登记备案) → annual inspection → pass.
  const owner = { id: ids['publicity_officer']!, name: '赵宣传员', email: '', roles: ['staff' as const], unitId: unit.id };
  const applied = await applyForAccount(db, deps, owner, {
    name: `示范学院官方微信（${suffix}）`, platform: 'wechat_official', platformId: `gh_demo_${suffix.toLowerCase()}`, unitId: unit.id, ownerId: owner.id,
    adminIds: [owner.id], commentatorIds: [ids['drafter']!], responsibleLeaderId: ids['secretary']!, leaderInChargeId: ids['deputy_leader']!,
  });
  const accountId = applied.id;
  await approveAccount(db, deps, admin, accountId);
  const now = deps.now();
  const year = cstYear(now);
  const campaign = (await campaignForYear(db, year)) ?? (await createCampaign(db, deps, admin, { year, deadline: new Date(now.getTime() + 30 * 24 * 3600_000) }));
  const inspectionId = await ensureInspection(db, deps, campaign.id, accountId);
  await fileSelfReport(db, deps, owner, inspectionId, { updateFrequency: '每周 2–3 次 / 2–3 posts a week' });
  const graded = await gradeInspection(db, deps, admin, inspectionId, { result: 'pass', findings: '示范账号，年检合格' });
  const inspectionCode = graded.code!.code;
  holders['staff'] = holders['drafter']!;
  return { unitId: unit.id, unitName: unit.name, accountId, inspectionCode, people: ids, holders, tokens };
}

const demoEmail = (key: string, suffix: string) => `${key}.${suffix.toLowerCase()}@demo.imprimatur.local`;

/**
 * `npm run cli -- demo`: the demo college, made once. Run again, it makes no second college: it finds
 * the first one (unit code `DEMO-XXXX`) and mints fresh tokens for the same demo people the first run
 * printed tokens for (their earlier tokens stay valid; nobody else's credential is ever printed), so
 * the walkthrough's `demo.json` works however often it is made. A demo person since deactivated gets none.
 */
export async function demoCollege(db: Db, deps: ServiceDeps) {
  const [unit] = await db.select({ id: units.id, name: units.name, code: units.code }).from(units).where(like(units.code, 'DEMO-%')).orderBy(asc(units.createdAt)).limit(1);
  if (!unit) return { existing: false as const, ...(await seedDemo(db, deps)) };
  const suffix = unit.code.slice('DEMO-'.length);
  const found = await db
    .select({ id: people.id, name: people.name, email: people.email, deactivatedAt: people.deactivatedAt })
    .from(people)
    .where(inArray(sql`lower(${people.email})`, DEMO_PEOPLE.map((p) => demoEmail(p.key, suffix))));
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const holders: Record<string, { name: string; email: string }> = {};
  for (const p of DEMO_PEOPLE) {
    const person = found.find((f) => f.email.toLowerCase() === demoEmail(p.key, suffix));
    if (!person || person.deactivatedAt) continue;
    tokens[p.key] = (await operatorToken(db, deps, { personId: person.id })).token;
    holders[p.key] = { name: person.name, email: person.email };
    ids[p.key] = person.id;
  }
  if (tokens['drafter']) [tokens['staff'], holders['staff']] = [tokens['drafter'], holders['drafter']!];
  const [account] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.unitId, unit.id)).orderBy(asc(accounts.createdAt)).limit(1);
  // Its newest code, live or not (the walkthrough revokes it: verify then says 已撤销).
  const [code] = account
    ? await db.select({ code: inspectionCodes.code }).from(inspectionCodes).where(eq(inspectionCodes.accountId, account.id)).orderBy(desc(inspectionCodes.issuedAt)).limit(1)
    : [];
  return { existing: true as const, unitId: unit.id, unitName: unit.name, accountId: account?.id ?? null, inspectionCode: code?.code ?? null, people: ids, holders, tokens };
}
