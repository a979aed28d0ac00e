import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { cstReadable } from '../domain/cst';

export type Locale = 'zh-CN' | 'en';

/** The cookie that remembers a page visitor's language switch (`?lang=`). */
export const LANG_COOKIE = 'imp_lang';

export const parseLocale = (value: string): Locale => (value.toLowerCase().startsWith('en') ? 'en' : 'zh-CN');

/**
 * zh-CN first: English only when the caller asks for it — `?lang=en`, then the language a page
 * visitor chose before (cookie), then an Accept-Language preferring en.
 */
export function localeOf(c: Context): Locale {
  const lang = c.req.query('lang');
  if (lang) return parseLocale(lang);
  const remembered = getCookie(c, LANG_COOKIE);
  if (remembered) return parseLocale(remembered);
  return preferredLocale(c.req.header('accept-language') ?? '');
}

/**
 * The Accept-Language entry of ours with the highest weight (`q`), the first listed on a tie;
 * zh-CN when the browser names neither. `fr, en;q=0.8` is English; `en;q=0.5, zh-CN;q=0.9` is not.
 */
export function preferredLocale(header: string): Locale {
  let best: Locale = 'zh-CN';
  let bestWeight = 0;
  for (const entry of header.split(',')) {
    const [tag = '', ...params] = entry.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    const locale: Locale | null = tag.startsWith('en') ? 'en' : tag.startsWith('zh') ? 'zh-CN' : null;
    if (locale && weight > bestWeight) [best, bestWeight] = [locale, weight];
  }
  return best;
}

/**
 * Words in both languages, of which an answer shows the caller's: an error's parameters (`what`,
 * `reason`) and the messages inside its `details` are made of these, so a Chinese answer never
 * carries English words and an English one never carries Chinese.
 */
export class Words {
  constructor(readonly zh: string, readonly en: string) {}
  in(locale: Locale): string {
    return locale === 'en' ? this.en : this.zh;
  }
  toJSON(): string {
    return this.zh;
  }
}

/** A remark after a name, in the reader's punctuation: 「名称（备注）」, "name (remark)". */
export const aside = (text: string, locale: Locale) => (locale === 'en' ? ` (${text})` : `（${text}）`);

/** A label and what it labels, in the reader's punctuation: 「审核：标题」, "Review: title". */
export const labelled = (label: string, text: string, locale: Locale) => `${label}${locale === 'en' ? ': ' : '：'}${text}`;

/** A list in the reader's punctuation: 「甲、乙」, "a, b". */
export const listed = (items: string[], locale: Locale) => items.join(locale === 'en' ? ', ' : '、');

/** `words('稿件', 'draft')`. */
export const words = (zh: string, en: string) => new Words(zh, en);

/** A time in both languages, Beijing time said out loud: 「2026年11月30日 02:55（北京时间）」. */
export const readableTime = (d: Date) => words(cstReadable(d), cstReadable(d, 'en'));

/** Labels shown to people; the API itself speaks in the enum values. */
export const LABELS = {
  status: {
    draft: ['草稿', 'draft'],
    in_review: ['审核中', 'in review'],
    returned: ['已退回', 'returned'],
    rejected: ['不予通过', 'rejected'],
    approved: ['已批准', 'approved'],
    withdrawn: ['已撤回', 'withdrawn'],
    retracted: ['已撤销发布', 'retracted'],
  },
  level: {
    drafter: ['撰写人', 'drafter'],
    section_head: ['系室负责人', 'section head'],
    deputy_leader: ['分管院领导', 'deputy leader in charge'],
    publicity_officer: ['宣传员', 'publicity officer'],
    secretary: ['学院书记', 'secretary'],
    deputy_secretary: ['副书记', 'deputy secretary'],
    dean: ['院长', 'dean'],
    deputy_dean: ['分管院长', 'deputy dean in charge'],
  },
  action: {
    submit: ['提交审核', 'submitted'],
    resubmit: ['重新提交', 'resubmitted'],
    edit: ['修改', 'edited'],
    approve: ['批准', 'approved'],
    return: ['退回', 'returned'],
    reject: ['不予通过', 'rejected'],
    withdraw: ['撤回', 'withdrawn'],
    retract: ['撤销发布', 'retracted'],
    urge: ['催办', 'urged'],
    transfer: ['转交', 'transferred'],
  },
  // What was decided, as a record reads it (the buttons say 同意 / Approve themselves).
  decision: {
    approve: ['同意', 'approved'],
    return: ['退回修改', 'returned for changes'],
    reject: ['不予通过', 'rejected'],
  },
  urgency: { normal: ['普通', 'normal'], urgent: ['加急（当日回复）', 'urgent (same day)'] },
  // What a notification was (deliveries.kind), for the operators' list of sends.
  deliveryKind: {
    review_assigned: ['待审通知（审核链接）', 'review assigned (sign-off link)'], review_reminder: ['审核提醒', 'review reminder'], review_urged: ['催办', 'urged'],
    review_escalated: ['超时督办', 'overdue escalation'], review_resent: ['重发审核链接', 'sign-off link resent'], draft_closed: ['审核结果通知', 'decision notice'],
    draft_retracted: ['撤销发布通知', 'retraction notice'], digest: ['每日待审汇总', 'daily digest'], welcome: ['欢迎邮件', 'welcome'], position_assigned: ['岗位任命通知', 'appointment notice'],
    sign_in: ['登录链接', 'sign-in link'], incident: ['舆情通知', 'incident notice'], inspection: ['年检通知', 'inspection notice'], inspection_reminder: ['年检提醒', 'inspection reminder'],
    inspection_overdue: ['年检逾期', 'inspection overdue'], inspection_result: ['年检结果', 'inspection result'], inspection_code: ['审查合格编码', 'inspection code'],
    account_status: ['账号状态变更', 'account status'], account_dormant: ['账号长期未更新', 'account dormant'], duty_assigned: ['职责任务', 'duty assigned'],
    duty_reminder: ['职责提醒', 'duty reminder'], duty_escalated: ['职责督办', 'duty escalation'], duty_submitted: ['职责材料待审', 'duty submitted'], duty_decided: ['职责审核结果', 'duty decided'],
    supervision: ['专项督查', 'supervision'], robot_test: ['群机器人测试消息', 'robot test message'], 'draft.approved': ['发布交接（已批准稿件）', 'hand-off of an approved draft'], 'draft.retracted': ['发布交接（撤销）', 'hand-off of a retraction'],
  },
  deliveryStatus: { sending: ['发送中', 'sending'], sent: ['已发送', 'sent'], retrying: ['待重试', 'retrying'], failed: ['发送失败', 'failed'] },
  channel: { email: ['电子邮件', 'e-mail'], wecom: ['企业微信群机器人', 'WeCom robot'], dingtalk: ['钉钉群机器人', 'DingTalk robot'], feishu: ['飞书群机器人', 'Feishu robot'], webhook: ['Webhook', 'webhook'], log: ['日志（未配置邮件）', 'log (no mail configured)'], memory: ['内存（测试）', 'memory (tests)'] },
  // Duties of the responsibility system (src/domain/duties.ts).
  dutyStatus: { open: ['待提交', 'open'], submitted: ['待审核', 'submitted'], returned: ['已退回', 'returned'], accepted: ['已通过', 'accepted'], withdrawn: ['已撤销', 'withdrawn'] },
  standing: { pending: ['未到期', 'not yet due'], in_review: ['审核中', 'in review'], done: ['按时完成', 'done'], late: ['逾期完成', 'late'], missing: ['逾期未交', 'missing'], withdrawn: ['不再承担', 'not owed'] },
  // Who answers for or reviews a duty besides a unit's positions (`publicity`: the department itself).
  dutyParty: { publicity: ['党委宣传部', 'the publicity department'] },
  recurrence: { quarterly: ['每季度', 'quarterly'], half_yearly: ['每半年', 'half-yearly'], yearly: ['每年', 'yearly'], dates: ['规定日期', 'set dates'] },
  evidence: { report: ['报告文件', 'report'], minutes: ['会议纪要', 'minutes'], form: ['表格', 'form'] },
  supervisionStatus: { open: ['待督查', 'open'], scored: ['已评分', 'scored'], rectifying: ['整改中', 'rectifying'] },
  supervisionStage: { not_started: ['未开始', 'not started'], scored: ['已评分', 'scored'], rectifying: ['整改中', 'rectifying'], rectified: ['已整改待复查', 'rectified, to re-check'] },
  // 舆情 incidents (src/domain/incidents.ts): the five stages of seed 003, 第八条, severity, the four classes of handling.
  incidentStage: { reported: ['舆情报告', 'reported'], acknowledged: ['舆情研判（已接报）', 'acknowledged, to assess'], handling: ['分类处置', 'handling'], reviewing: ['总结评估', 'closing review'], closed: ['已结束', 'closed'] },
  severity: { ordinary: ['一般', 'ordinary'], significant: ['较大', 'significant'], major: ['重大', 'major'], especially_major: ['特别重大', 'especially major'] },
  incidentClass: { inquiry: ['询问、置疑、诉求', 'questions, doubts, claims'], hyping: ['恶意传播、炒作', 'malicious spreading or hyping'], fabrication: ['造谣、诽谤、煽动', 'fabrication, defamation, incitement'], suggestion: ['建设性意见', 'constructive suggestions'] },
  group: { students: ['学生', 'students'], teachers: ['教师', 'teachers'], other: ['其他', 'other'] },
  entryKind: {
    reported: ['报告', 'reported'], acknowledged: ['确认接报', 'acknowledged'], reported_up: ['上报', 'reported up'], assessed: ['研判', 'assessed'], reply: ['回复', 'reply'],
    follow_up: ['跟进', 'follow-up'], evidence: ['证据材料', 'evidence'], note: ['备注', 'note'], reminder: ['提醒', 'reminder'], escalated: ['超时督办', 'escalated'], handling_done: ['处置完毕', 'handling done'], closed: ['总结评估，结束', 'closed'],
  },
  // What an audit event is about (audit_events.subject_type), as the audit log shows it.
  subjectType: {
    draft: ['稿件', 'draft'], review: ['审核', 'review'], person: ['人员', 'person'], unit: ['单位', 'unit'], session: ['登录会话', 'session'],
    account: ['账号', 'account'], campaign: ['年检活动', 'campaign'], inspection: ['年检', 'inspection'], inspection_code: ['审查合格编码', 'pass code'],
    duty_template: ['职责模板', 'duty template'], duty_obligation: ['职责事项', 'duty'], supervision: ['专项督查', 'supervision'], incident: ['舆情', 'incident'],
    prescreen_word: ['自查词', 'pre-screen word'], setting: ['设置', 'setting'], delivery: ['消息投递', 'delivery'], calendar: ['工作日历', 'calendar'],
  },
  // A deadline looked back on (src/domain/incident-reports.ts): the bulletin and the monthly summary.
  deadlineOutcome: { met: ['按时', 'met'], missed: ['超时', 'missed'], pending: ['未到期', 'not yet due'], not_applicable: ['不适用', 'not applicable'] },
} as const;

export function label<G extends keyof typeof LABELS>(group: G, key: string, locale: Locale = 'zh-CN'): string {
  const pair = (LABELS[group] as Record<string, readonly [string, string]>)[key];
  return pair ? pair[locale === 'en' ? 1 : 0] : key;
}

/** Who answers for or reviews a duty: the publicity department, or a position of the unit. */
export const dutyPartyLabel = (party: string, locale: Locale = 'zh-CN'): string => (party === 'publicity' ? label('dutyParty', party, locale) : label('level', party, locale));

/** For pages written in both languages: `t('同意', 'Approve')` says the one the reader asked for. */
export const translator = (locale: Locale) => (zh: string, en: string): string => (locale === 'en' ? en : zh);
