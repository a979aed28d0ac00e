import { eq, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { accounts, type AccountStatus } from '../../db/schema';
import { AUTO_FAIL_LABELS } from '../domain/inspection';
import { registryLabel } from '../domain/registry-labels';
import { toCsv } from '../lib/csv';
import { codeStatus, currentCodes, registryRows } from './accounts';
import { requireRole, type Person } from './auth';
import type { ServiceDeps } from './context';
import { campaignResults } from './inspections';
import { cstDate } from '../domain/cst';

/**
 * The registry and a campaign's results as CSV for the publicity department's spreadsheets: one
 * header row in Chinese with English beside it, labels rather than enum values, dates in CST.
 */

/** A date as people on campus read it: the CST calendar day. */
const dayOf = (d: Date | null | undefined) => (d ? cstDate(d) : null);

export const REGISTRY_COLUMNS = [
  '登记编号 Registration no.', '账号名称 Name', '平台 Platform', '平台账号 Platform id', '网址 URL', '主办单位 Unit', '级别 Tier', '负责人 Owner',
  '状态 Status', '登记日期 Registered', '审查合格编码 Pass code', '编码年度 Code year', '编码状态 Code status', '休眠起始 Dormant since',
];

export async function registryCsv(db: Db, deps: Pick<ServiceDeps, 'now'>, actor: Person, filter: { status?: AccountStatus } = {}) {
  requireRole(actor, 'publicity', 'admin');
  const where: SQL[] = filter.status ? [eq(accounts.status, filter.status)] : [];
  const rows = await registryRows(db, where);
  const now = deps.now();
  const codes = await currentCodes(db, rows.map((a) => a.id), now);
  const body = toCsv(REGISTRY_COLUMNS, rows.map((a) => {
    const code = codes.get(a.id);
    return [
      a.registrationNo, a.name, registryLabel('platform', a.platform), a.platformId, a.url, a.unitName, registryLabel('tier', a.tier), a.ownerName,
      registryLabel('accountStatus', a.status), dayOf(a.registeredAt), code?.code, code?.year, code ? registryLabel('codeStatus', codeStatus(code, now)) : null,
      dayOf(a.dormantSince),
    ];
  }));
  return { body, filename: `新媒体账号登记台账-${cstDate(now)}.csv` };
}

export const CAMPAIGN_COLUMNS = [
  '年度 Year', '登记编号 Registration no.', '账号名称 Name', '平台 Platform', '主办单位 Unit', '负责人 Owner', '年检状态 Inspection status', '评定结论 Result',
  '一票否决项 Automatic-fail items', '检查发现 Findings', '自查提交 Self-reported', '评定日期 Graded', '整改期限 Rectify by', '审查合格编码 Pass code', '编码状态 Code status',
];

export async function campaignCsv(db: Db, deps: Pick<ServiceDeps, 'now'>, actor: Person, campaignId: string) {
  const { campaign, rows } = await campaignResults(db, deps, actor, campaignId);
  const body = toCsv(CAMPAIGN_COLUMNS, rows.map(({ i, a, unit, owner, code }) => [
    campaign.year, a.registrationNo, a.name, registryLabel('platform', a.platform), unit, owner, registryLabel('inspectionStatus', i.status),
    i.result ? registryLabel('result', i.result) : null, i.autoFailItems.map((x) => AUTO_FAIL_LABELS[x][0]).join('、'), i.findings,
    dayOf(i.selfReportedAt), dayOf(i.gradedAt), dayOf(i.rectifyDeadline), code?.code, code ? registryLabel('codeStatus', code.status) : null,
  ]));
  return { body, filename: `${campaign.year}年度新媒体账号年检结果-${cstDate(deps.now())}.csv` };
}
