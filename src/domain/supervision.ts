/**
 * The yearly 专项督查 of every unit (seed 004 第六条: 每年要对网络意识形态工作进行一次专题督查，督查结果向校党委报告;
 * seed 002: 检查督导 · 督查网络意识形态工作责任制落实情况 · 每年开展): a checklist of the responsibility
 * items of seeds 002 and 004, scored by the publicity department, with findings and a rectification
 * deadline, like the accounts' annual inspection. Pure: the items, the score rules, the states.
 */

export interface SupervisionItem {
  key: string;
  title: string;
  /** What the checker looks at, quoted from the seed where it says so. */
  check: string;
  source: string;
  max: number;
}

export const SUPERVISION_ITEMS: SupervisionItem[] = [
  { key: 'leadership', title: '领导责任', check: '把网络意识形态工作纳入党建工作责任制，纳入领导班子、领导干部目标管理，与业务工作同部署、同落实、同检查、同考核', source: '《重点任务清单》：领导责任；《实施细则》第三条', max: 15 },
  { key: 'committee_study', title: '专题研究', check: '党委会议每年专题研究意识形态工作不少于2次', source: '《重点任务清单》（半年一次）；《实施细则》第四条（二）', max: 15 },
  { key: 'opinion_analysis', title: '舆情研判', check: '定期分析研判网络意识形态领域新情况新问题新趋势（每季度一次），每半年报送研判报告', source: '《重点任务清单》：舆情研判；《实施细则》第七条', max: 15 },
  { key: 'platforms', title: '阵地建设', check: '建好、管好、用好网络新媒体；官方新媒体登记备案并接受年度检查审核', source: '《重点任务清单》：阵地建设；《实施细则》第四条（四）', max: 15 },
  { key: 'commentators', title: '网络评论', check: '建立本单位网络评论员队伍和管理制度', source: '《重点任务清单》：网络评论', max: 10 },
  { key: 'security', title: '网络意识形态安全', check: '加强管控系统建设，做好本单位重点宣传媒体防护措施和安全保障工作', source: '《重点任务清单》：网络意识形态安全', max: 10 },
  { key: 'team', title: '队伍建设', check: '领导干部网络意识形态教育培训；“6+1”队伍建设', source: '《重点任务清单》：队伍建设', max: 10 },
  { key: 'reporting', title: '情况通报', check: '及时向上级党委报告网络意识形态领域的重大舆情动态并提出建设性意见；每季度报告重要情况', source: '《重点任务清单》：情况通报；《实施细则》第六条', max: 10 },
];

/** open → scored (no findings) | rectifying (findings, a deadline); the unit reports its rectification and the department scores again. */
export const SUPERVISION_STATUSES = ['open', 'scored', 'rectifying'] as const;
export type SupervisionStatus = (typeof SUPERVISION_STATUSES)[number];

/**
 * Where a unit stands, as the pages and the API say it: not started (open), scored (no findings),
 * rectifying (findings, the unit still owes its report), rectified (reported; the department re-checks).
 */
export const SUPERVISION_STAGES = ['not_started', 'scored', 'rectifying', 'rectified'] as const;
export type SupervisionStage = (typeof SUPERVISION_STAGES)[number];

export function supervisionStage(s: { status: SupervisionStatus; rectifiedAt: Date | null }): SupervisionStage {
  if (s.status === 'open') return 'not_started';
  if (s.status === 'scored') return 'scored';
  return s.rectifiedAt ? 'rectified' : 'rectifying';
}

/** The department scores a unit not yet scored, and re-checks one that has reported its rectification. */
export const mayBeScored = (stage: SupervisionStage) => stage === 'not_started' || stage === 'rectified';

export interface ItemScore { key: string; score: number; finding?: string | null }

/** What is wrong with a scoring, as field paths and messages (empty when sound). */
export function scoringProblems(scores: ItemScore[], rectifyDeadline: Date | null, now: Date): { path: string; message: string; zh: string }[] {
  const problems: { path: string; message: string; zh: string }[] = [];
  const byKey = new Map(SUPERVISION_ITEMS.map((i) => [i.key, i]));
  scores.forEach((s, n) => {
    const item = byKey.get(s.key);
    if (!item) problems.push({ path: `items.${n}.key`, message: `unknown item ${s.key}`, zh: `没有这一检查项：${s.key}` });
    else if (!Number.isInteger(s.score) || s.score < 0 || s.score > item.max) problems.push({ path: `items.${n}.score`, message: `an integer from 0 to ${item.max}`, zh: `须为 0 到 ${item.max} 的整数` });
    // Marks taken off need a reason on the record.
    else if (s.score < item.max && !s.finding?.trim()) problems.push({ path: `items.${n}.finding`, message: 'a finding is required when marks are taken off', zh: '扣分须写明发现的问题' });
  });
  for (const item of SUPERVISION_ITEMS) if (!scores.some((s) => s.key === item.key)) problems.push({ path: 'items', message: `item ${item.key} is not scored`, zh: `检查项 ${item.key} 未评分` });
  if (new Set(scores.map((s) => s.key)).size !== scores.length) problems.push({ path: 'items', message: 'an item is scored twice', zh: '有检查项重复评分' });
  const findings = scores.some((s) => s.finding?.trim());
  if (findings && !rectifyDeadline) problems.push({ path: 'rectifyDeadline', message: 'findings need a rectification deadline', zh: '有问题时须规定整改期限' });
  if (rectifyDeadline && rectifyDeadline <= now) problems.push({ path: 'rectifyDeadline', message: 'must be in the future', zh: '整改期限须晚于现在' });
  return problems;
}

export const totalScore = (scores: ItemScore[]) => scores.reduce((sum, s) => sum + s.score, 0);

/** Scoring with findings puts the unit under rectification; without, the supervision is done. */
export const statusAfterScoring = (scores: ItemScore[]): SupervisionStatus => (scores.some((s) => s.finding?.trim()) ? 'rectifying' : 'scored');
