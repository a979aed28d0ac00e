import type { DutyResponsible, DutyReviewer, EvidenceKind } from '../../db/schema/duties';
import type { DueRule, Recurrence } from './duties';

/**
 * The duties the seeds prescribe, shipped as the default templates (the publicity department may
 * edit or retire them). Seed 002's annex (重点任务清单: 项目名称 / 工作内容 / 责任单位 / 时间安排) and
 * seed 004's articles, quoted in `source`. What the seeds leave open is decided here and said in
 * the README: reports are due 15 days after their period ends (the issue's example), moved to the
 * next working day; each unit's 书记 answers for meetings and checks, its 宣传员 for reports; the
 * publicity department reviews everything, as the reports go to it (报告…党委宣传部门). What seed 004
 * asks of the university's 网络信息安全领导小组办公室 (第六条) is the publicity department's own duty
 * (`responsible: 'publicity'`), as the department stands for that office and the leading group
 * throughout; 第七条's half-yearly report is each unit's, to the department.
 */
export interface DefaultDutyTemplate {
  key: string;
  title: string;
  content: string;
  source: string;
  responsible: DutyResponsible;
  recurrence: Recurrence;
  /** For `dates`; none means 适时上报 (as needed). */
  dates?: string[];
  dueRule: DueRule;
  evidence: EvidenceKind[];
  reviewer: DutyReviewer;
}

/** 第六条 names who owes the quarterly report: the office, as the network-ideology management department. */
export const JIDU_BAOGAO_SOURCE = '《党委网络意识形态工作责任制实施细则》第六条：校网络信息安全领导小组办公室作为网络意识形态工作管理部门……每季度向校党委和党委宣传部门报告网络意识形态领域重要情况，提出建议，并报上级网络安全和信息化领导小组办公室';

const AFTER_PERIOD: DueRule = { from: 'period_end', days: 15, unit: 'calendar_days', roll: 'next_working_day' };
/** Never applied: an as-needed duty has no periods to be due after. */
const AS_NEEDED: DueRule = { from: 'period_start', days: 0, unit: 'calendar_days', roll: 'none' };

export const DEFAULT_DUTY_TEMPLATES: DefaultDutyTemplate[] = [
  {
    key: 'seed002.yuqing-yanpan',
    title: '舆情研判',
    content: '定期分析研判网络意识形态领域新情况新问题新趋势，在一定范围通报网络意识形态领域情况。',
    source: '《网络意识形态工作责任制重点任务清单》：舆情研判 · 各级党组织 · 每季度一次',
    responsible: 'publicity_officer', recurrence: 'quarterly', dueRule: AFTER_PERIOD, evidence: ['report'], reviewer: 'publicity',
  },
  {
    key: 'seed002.dangwei-zhuanti',
    title: '党委会议专题研究意识形态工作',
    content: '党委会议每年专题研究意识形态工作不少于2次。按要求对上级党委关于意识形态工作的文件、通报、讲话精神进行及时传达学习，结合实际抓好落实。',
    source: '《网络意识形态工作责任制重点任务清单》：领导责任 · 半年一次；《党委网络意识形态工作责任制实施细则》第四条（二）：每年两次重点研究网络意识形态工作',
    responsible: 'secretary', recurrence: 'half_yearly', dueRule: AFTER_PERIOD, evidence: ['minutes'], reviewer: 'publicity',
  },
  {
    key: 'seed002.jiancha-dudao',
    title: '检查督导',
    content: '督查网络意识形态工作责任制落实情况。',
    source: '《网络意识形态工作责任制重点任务清单》：检查督导 · 各级党组织 · 每年开展',
    responsible: 'secretary', recurrence: 'yearly', dueRule: AFTER_PERIOD, evidence: ['form', 'report'], reviewer: 'publicity',
  },
  {
    key: 'seed002.qingkuang-tongbao',
    title: '情况通报',
    content: '及时向上级党委报告网络意识形态领域的重大舆情动态并提出建设性意见。',
    source: '《网络意识形态工作责任制重点任务清单》：情况通报 · 各级党组织 · 适时上报',
    responsible: 'secretary', recurrence: 'dates', dates: [], dueRule: AS_NEEDED, evidence: ['report'], reviewer: 'publicity',
  },
  {
    key: 'seed004.jidu-baogao',
    title: '网络意识形态领域重要情况季度报告',
    content: '每季度向校党委和党委宣传部门报告网络意识形态领域重要情况，提出建议。',
    source: JIDU_BAOGAO_SOURCE,
    // Owed by the office that manages the work (the department here), not by every unit; migration 0028 corrects installations made under the first default.
    responsible: 'publicity', recurrence: 'quarterly', dueRule: AFTER_PERIOD, evidence: ['report'], reviewer: 'publicity',
  },
  {
    key: 'seed004.bannian-yanpan',
    title: '网络意识形态研判报告和工作情况',
    content: '每半年向同级网络安全和信息化领导小组办公室提供职责范围的网络意识形态研判报告和工作情况。',
    source: '《党委网络意识形态工作责任制实施细则》第七条：每半年向同级网络安全和信息化领导小组办公室提供职责范围的网络意识形态研判报告和工作情况',
    responsible: 'publicity_officer', recurrence: 'half_yearly', dueRule: AFTER_PERIOD, evidence: ['report'], reviewer: 'publicity',
  },
];
