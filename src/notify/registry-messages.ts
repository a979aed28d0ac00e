import { html } from 'hono/html';
import type { AccountStatus } from '../domain/account-lifecycle';
import { AUTO_FAIL_LABELS, type AutoFailItem, type GradeResult } from '../domain/inspection';
import type { Platform } from '../domain/inspection-code';
import { registryLabel } from '../domain/registry-labels';
import { cstDate, cstMinute, cstReadable } from '../domain/cst';

/**
 * Texts of the registry and annual-inspection messages, zh-CN first with the English beneath, so
 * one message serves both readers. Pure: given the facts, the words. None carries a capability:
 * the links point at the API and the public verify page.
 */

export const cst = (d: Date) => `${cstMinute(d)}（北京时间）`;

export interface AccountFacts { recipientName: string; accountName: string; platform: Platform; unitName: string }
const named = (a: AccountFacts) => `${a.unitName}「${a.accountName}」（${registryLabel('platform', a.platform)}）`;

/** One message: a greeting, Chinese paragraphs, one link, and the English version below. */
export function message(f: { to: string; subject: string; zh: string[]; en: string; link?: { url: string; zh: string; en: string } }) {
  const text = [
    `${f.to}，您好：`, ...f.zh, ...(f.link ? [`${f.link.zh}：${f.link.url}`] : []), '', f.en, ...(f.link ? [`${f.link.en}: ${f.link.url}`] : []),
  ].join('\n');
  const body = html`<p>${f.to}，您好：</p>
${f.zh.map((p) => html`<p>${p}</p>`)}
${f.link ? html`<p><a href="${f.link.url}">${f.link.zh} / ${f.link.en}</a></p>` : ''}
<p style="color:#666;font-size:12px">${f.en}</p>`;
  return { subject: f.subject, text, html: String(body) };
}

export function accountStatusMessage(f: AccountFacts & { from: AccountStatus; to: AccountStatus; reason: string | null; url: string }) {
  const toZh = registryLabel('accountStatus', f.to);
  return message({
    to: f.recipientName,
    subject: `【账号状态变更】${f.accountName}：${toZh}`,
    zh: [
      `${named(f)}的登记状态由“${registryLabel('accountStatus', f.from)}”变更为“${toZh}”。`,
      ...(f.reason ? [`原因：${f.reason}`] : []),
      ...(f.to === 'registered' ? [] : ['在恢复为“已登记备案”之前，该账号的稿件不能提交审核或发布。']),
    ],
    en: `The registry status of "${f.accountName}" changed from ${registryLabel('accountStatus', f.from, 'en')} to ${registryLabel('accountStatus', f.to, 'en')}.${f.reason ? ` Reason: ${f.reason}` : ''}`,
    link: { url: f.url, zh: '账号详情', en: 'Account' },
  });
}

export function dormantMessage(f: AccountFacts & { days: number; url: string }) {
  return message({
    to: f.recipientName,
    subject: `【账号休眠提示】${f.accountName} 已 ${f.days} 天无审核通过的发布`,
    zh: [`${named(f)}已连续 ${f.days} 天没有经审核通过的发布，已标记为休眠账号。`, '请恢复正常更新，或申请注销不再使用的账号。'],
    en: `"${f.accountName}" has had nothing approved for publication in ${f.days} days and is flagged dormant. Resume publishing or apply to deregister it.`,
    link: { url: f.url, zh: '账号详情', en: 'Account' },
  });
}

/** The campaign opened (n = 0) or the n-th reminder before the self-report deadline. */
export function selfReportDueMessage(f: AccountFacts & { year: number; deadline: Date; reminder: number; url: string }) {
  const opened = f.reminder === 0;
  return message({
    to: f.recipientName,
    subject: opened ? `【年度检查】${f.year} 年度年检已开始：${f.accountName}` : `【年检提醒】请于 ${cstDate(f.deadline)} 前提交 ${f.accountName} 的自查报告`,
    zh: [
      opened ? `${f.year} 年度新媒体账号年度检查已开始，${named(f)}在检查之列。` : `${named(f)}的 ${f.year} 年度自查报告尚未提交。`,
      `请于 ${cst(f.deadline)} 前提交自查报告（更新频次、重大事件、运营团队、网络评论员配备、先审后发执行情况）。本系统已根据审核记录预填部分内容。`,
    ],
    en: `${opened ? `The ${f.year} annual inspection has opened for "${f.accountName}".` : `Reminder: the ${f.year} self-report for "${f.accountName}" is still missing.`} File it by ${cstReadable(f.deadline, 'en')}; what this system knows from its sign-off records is prefilled.`,
    link: { url: f.url, zh: '年检详情及预填内容', en: 'Inspection and prefilled report' },
  });
}

/** To the publicity department (and the owner): the deadline passed without a self-report. */
export function selfReportOverdueMessage(f: AccountFacts & { year: number; deadline: Date; graceUntil: Date; url: string }) {
  return message({
    to: f.recipientName,
    subject: `【年检逾期】${f.accountName} 未按期提交 ${f.year} 年度自查报告`,
    zh: [
      `${named(f)}未在 ${cst(f.deadline)} 前提交 ${f.year} 年度自查报告。`,
      `宽限期至 ${cst(f.graceUntil)}；宽限期结束后，无有效审查合格编码的账号不能发布。`,
    ],
    en: `"${f.accountName}" missed the ${f.year} self-report deadline (${cstReadable(f.deadline, 'en')}). Publishing stops when the grace period ends (${cstReadable(f.graceUntil, 'en')}) unless it holds a valid pass code.`,
    link: { url: f.url, zh: '年检详情', en: 'Inspection' },
  });
}

export function gradedMessage(f: AccountFacts & {
  year: number; result: GradeResult; findings: string | null; autoFailItems: AutoFailItem[]; rectifyDeadline: Date | null;
  code: string | null; verifyUrl: string | null; accountStatus: AccountStatus; url: string;
}) {
  const resultZh = registryLabel('result', f.result);
  const zh = [`${named(f)}的 ${f.year} 年度检查结论：${resultZh}。`];
  if (f.findings) zh.push(`检查意见：${f.findings}`);
  if (f.autoFailItems.length) zh.push(`一票否决项：${f.autoFailItems.map((i) => AUTO_FAIL_LABELS[i][0]).join('、')}`);
  if (f.result === 'pass' && f.code) zh.push(`审查合格编码：${f.code}。请将编码或查验二维码公示于账号简介，公众可据此查验。`);
  if (f.result === 'rectify') zh.push(`请于 ${f.rectifyDeadline ? cst(f.rectifyDeadline) : '规定期限'} 前完成整改并重新提交自查报告，以便复查。整改期间账号不能发布。`);
  if (f.result === 'fail') zh.push(`账号已${registryLabel('accountStatus', f.accountStatus)}，不能发布。`);
  const en = `The ${f.year} inspection of "${f.accountName}": ${registryLabel('result', f.result, 'en')}.`
    + (f.code ? ` Pass code ${f.code}; show it (or its QR code) on the account.` : '')
    + (f.result === 'rectify' ? ` Put things right by ${f.rectifyDeadline ? cstReadable(f.rectifyDeadline, 'en') : 'the deadline'} and file the self-report again for re-inspection.` : '')
    + (f.result === 'fail' ? ` The account is ${registryLabel('accountStatus', f.accountStatus, 'en')}.` : '');
  return message({
    to: f.recipientName,
    subject: `【年检结果】${f.accountName}：${f.year} 年度${resultZh}${f.code ? `（${f.code}）` : ''}`,
    zh, en,
    link: f.verifyUrl ? { url: f.verifyUrl, zh: '公开查验页面', en: 'Public verification page' } : { url: f.url, zh: '年检详情', en: 'Inspection' },
  });
}

/** To the publicity department: a rectification ran past its deadline without a re-inspection. */
export function rectificationOverdueMessage(f: AccountFacts & { year: number; rectifyDeadline: Date; url: string }) {
  return message({
    to: f.recipientName,
    subject: `【整改逾期·宣传部督办】${f.accountName}`,
    zh: [
      `${named(f)}的 ${f.year} 年度整改期限 ${cst(f.rectifyDeadline)} 已过，尚未复查合格。`,
      '请督促整改，或依规暂停、关停该账号（系统不会自动作出处理决定）。',
    ],
    en: `The rectification of "${f.accountName}" (${f.year}) passed its deadline (${cstReadable(f.rectifyDeadline, 'en')}) without a re-inspection. Follow up, or suspend or shut the account down; nothing is decided automatically.`,
    link: { url: f.url, zh: '年检详情', en: 'Inspection' },
  });
}

export function codeRevokedMessage(f: AccountFacts & { code: string; reason: string; verifyUrl: string }) {
  return message({
    to: f.recipientName,
    subject: `【审查合格编码撤销】${f.accountName}：${f.code}`,
    zh: [`${named(f)}的审查合格编码 ${f.code} 已被撤销。`, `原因：${f.reason}`, '在取得新的有效编码之前，该账号不能发布。'],
    en: `The inspection pass code ${f.code} of "${f.accountName}" was revoked. Reason: ${f.reason}. The account cannot publish until it holds a valid code again.`,
    link: { url: f.verifyUrl, zh: '公开查验页面', en: 'Public verification page' },
  });
}

export function codeIssuedMessage(f: AccountFacts & { code: string; verifyUrl: string }) {
  return message({
    to: f.recipientName,
    subject: `【审查合格编码补发】${f.accountName}：${f.code}`,
    zh: [`${named(f)}已补发审查合格编码 ${f.code}，原编码作废。请更新账号简介中公示的编码或二维码。`],
    en: `A new inspection pass code ${f.code} was issued to "${f.accountName}"; the earlier one stays revoked. Update the code or QR code shown on the account.`,
    link: { url: f.verifyUrl, zh: '公开查验页面', en: 'Public verification page' },
  });
}
