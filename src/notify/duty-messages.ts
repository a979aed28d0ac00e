import { cstReadable } from '../domain/cst';
import { periodWords } from '../domain/duties';
import { label } from '../lib/i18n';
import { cst, message } from './registry-messages';

/**
 * Texts of the duty messages (responsibility system), zh-CN first with the English beneath. Pure.
 * None carries a capability: the link opens the duty page, which asks the reader to sign in.
 */

export interface DutyFacts {
  recipientName: string;
  title: string;
  unitName: string;
  period: string;
  dueAt: Date;
  url: string;
}

const what = (f: DutyFacts) => `${f.unitName}「${f.title}」（${zhPeriod(f)}）`;
/** The period and the due time as people say them (「2026年第四季度」, "Q4 2026"; Beijing time). */
const zhPeriod = (f: DutyFacts) => periodWords(f.period).zh;
const enPeriod = (f: DutyFacts) => periodWords(f.period).en;
const enDue = (f: DutyFacts) => cstReadable(f.dueAt, 'en');
const link = (f: DutyFacts) => ({ url: f.url, zh: '查看职责事项', en: 'Open the duty' });

/** The period's obligation was created (n = 0) or the n-th reminder before the due day. */
export function dutyDueMessage(f: DutyFacts & { content: string; evidence: string[]; reminder: number }) {
  const evidenceZh = f.evidence.map((e) => label('evidence', e)).join('、');
  const evidenceEn = f.evidence.map((e) => label('evidence', e, 'en')).join(', ');
  return message({
    to: f.recipientName,
    subject: f.reminder ? `【职责提醒】${f.title}（${zhPeriod(f)}）将于 ${cst(f.dueAt)} 到期` : `【职责事项】${f.title}（${zhPeriod(f)}）`,
    zh: [
      f.reminder ? `${what(f)}将于 ${cst(f.dueAt)} 到期，尚未提交。` : `${what(f)}已列入本期职责，截止时间 ${cst(f.dueAt)}。`,
      `工作内容：${f.content}`,
      `需提交：${evidenceZh}（附说明），由审核人确认后完成。`,
    ],
    en: `${f.unitName}: "${f.title}" for ${enPeriod(f)} is due by ${enDue(f)} (${evidenceEn}).${f.reminder ? ' It has not been submitted yet.' : ''}`,
    link: link(f),
  });
}

/** Past the due day: to the holder, then (step 1) the unit's secretary and publicity officer, (step 2) the publicity department. */
export function dutyOverdueMessage(f: DutyFacts & { step: number; holderName: string | null; toHolder: boolean }) {
  return message({
    to: f.recipientName,
    subject: `【职责逾期】${f.unitName}「${f.title}」（${zhPeriod(f)}）已超过截止时间`,
    zh: [
      `${what(f)}已超过截止时间 ${cst(f.dueAt)}，尚未提交或未获通过。`,
      f.toHolder ? '请尽快提交材料。' : `责任人：${f.holderName ?? '（岗位空缺）'}。${f.step === 1 ? '请督促落实。' : '已报党委宣传部。'}`,
      '本提醒只作督办，系统不会代为提交或确认完成。',
    ],
    en: `${f.unitName}: "${f.title}" for ${enPeriod(f)} was due by ${enDue(f)} and has not been done (escalation step ${f.step}). Nothing is submitted or marked done on anyone's behalf.`,
    link: link(f),
  });
}

/** A submission waits for its reviewer. */
export function dutySubmittedMessage(f: DutyFacts & { submitterName: string; round: number; note: string }) {
  return message({
    to: f.recipientName,
    subject: `【待审核】${f.unitName}「${f.title}」（${zhPeriod(f)}）${f.round > 1 ? '重新提交' : '已提交'}`,
    zh: [`${f.submitterName} 提交了${what(f)}的材料（第 ${f.round} 次）。`, ...(f.note ? [`说明：${f.note}`] : []), '请审核：通过，或填写意见后退回。'],
    en: `${f.submitterName} submitted "${f.title}" for ${enPeriod(f)} (${f.unitName}, round ${f.round}). Accept it or return it with a comment.`,
    link: link(f),
  });
}

export function dutyDecidedMessage(f: DutyFacts & { decision: 'accept' | 'return'; comment: string | null; deciderName: string }) {
  const accepted = f.decision === 'accept';
  return message({
    to: f.recipientName,
    subject: `【${accepted ? '已通过' : '已退回'}】${f.title}（${zhPeriod(f)}）`,
    zh: [
      `${what(f)}的材料已由 ${f.deciderName} ${accepted ? '审核通过，本期职责完成。' : '退回。'}`,
      ...(f.comment ? [`意见：${f.comment}`] : []),
      ...(accepted ? [] : [`请修改后重新提交（截止时间 ${cst(f.dueAt)}）。`]),
    ],
    en: `"${f.title}" for ${enPeriod(f)} (${f.unitName}) was ${accepted ? 'accepted' : 'returned'} by ${f.deciderName}.${f.comment ? ` Comment: ${f.comment}` : ''}`,
    link: link(f),
  });
}

/** The 专项督查 result (step 'scored') or its rectification past the deadline ('overdue'). */
export function supervisionMessage(f: { recipientName: string; unitName: string; year: number; total: number | null; findings: string[]; rectifyDeadline: Date | null; overdue: boolean; url: string }) {
  return message({
    to: f.recipientName,
    subject: f.overdue ? `【整改逾期】${f.unitName} ${f.year} 年度专项督查整改已超过期限` : `【专项督查结果】${f.unitName} ${f.year} 年度：${f.total ?? '—'} 分`,
    zh: f.overdue
      ? [`${f.unitName} ${f.year} 年度网络意识形态工作专项督查的整改期限（${f.rectifyDeadline ? cst(f.rectifyDeadline) : '—'}）已过，尚未报告整改情况。`]
      : [
          `${f.unitName} ${f.year} 年度网络意识形态工作专项督查得分：${f.total ?? '—'} 分。`,
          ...(f.findings.length ? [`发现的问题：${f.findings.join('；')}`, `请于 ${f.rectifyDeadline ? cst(f.rectifyDeadline) : '—'} 前完成整改并报告。`] : ['未发现需整改的问题。']),
        ],
    en: f.overdue
      ? `The rectification after ${f.unitName}'s ${f.year} supervision was due by ${f.rectifyDeadline?.toISOString() ?? '—'} and has not been reported.`
      : `${f.unitName}'s ${f.year} supervision scored ${f.total ?? '—'}.${f.findings.length ? ` Findings: ${f.findings.join('; ')}. Rectify by ${f.rectifyDeadline?.toISOString() ?? '—'}.` : ''}`,
    link: { url: f.url, zh: '查看督查', en: 'Open the supervision' },
  });
}
