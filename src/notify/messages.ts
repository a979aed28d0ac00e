import { html, raw } from 'hono/html';
import type { AnyPosition, Position } from '../../db/schema';
import { label } from '../lib/i18n';
import { cstMinute, cstReadable } from '../domain/cst';
import { handOnWords } from '../domain/signoff';

/**
 * Message texts, zh-CN first with the English beneath, so one message serves both readers.
 * Pure: given the facts, the words.
 */
export interface ReviewFacts {
  reviewerName: string;
  drafterName: string;
  unitName: string;
  title: string;
  level: Position;
  version: number;
  urgent: boolean;
  link: string;
  expiresAt: Date;
  dueAt?: Date | null;
  comment?: string | null;
  /** The review was handed on (转交) to this reviewer: by whom and why. */
  handOn?: { byName: string; reason: string } | null;
}

const cst = (d: Date) => `${cstMinute(d)}（北京时间）`;

export type ReviewMessageKind = 'assigned' | 'reminder' | 'urged' | 'escalated' | 'resent';

const HEADLINES: Record<ReviewMessageKind, [string, string]> = {
  assigned: ['待审核', 'Review requested'],
  reminder: ['审核提醒', 'Reminder'],
  urged: ['催办', 'Nudge from the drafter'],
  escalated: ['审核超时', 'Overdue review'],
  resent: ['新的审核链接', 'A fresh review link'],
};

/** The headline of an assignment that was a hand-on (转交). */
const HANDED_ON: [string, string] = ['转交审核', 'Review handed to you'];

export function reviewMessage(kind: ReviewMessageKind, f: ReviewFacts) {
  const [zhHead, enHead] = f.handOn && kind === 'assigned' ? HANDED_ON : HEADLINES[kind];
  const handOn = f.handOn ? handOnWords({ ...f.handOn, level: f.level }) : null;
  const urgent = f.urgent ? '【加急·当日回复】' : '';
  const subject = `${urgent}【${zhHead}】《${f.title}》— ${label('level', f.level)}`;
  const lines = [
    `${f.reviewerName}，您好：`,
    ...(handOn ? [`${handOn.zh}。`] : []),
    `${f.unitName} ${f.drafterName} 撰写的稿件《${f.title}》（第 ${f.version} 版）需要您以“${label('level', f.level)}”身份审核。`,
    ...(f.comment ? [`留言：${f.comment}`] : []),
    ...(f.dueAt ? [`请于 ${cst(f.dueAt)} 前处理。`] : []),
    `审核链接（仅限本人使用一次，${cst(f.expiresAt)} 前有效）：`,
    f.link,
    '',
    `${enHead}: "${f.title}" (version ${f.version}) awaits your review as ${label('level', f.level, 'en')}. Open the link above to decide; it works once.`,
    ...(handOn ? [handOn.en] : []),
  ];
  const body = html`<p>${f.reviewerName}，您好：</p>
${handOn ? html`<p><strong>${handOn.zh}。</strong><br><span style="color:#666">${handOn.en}</span></p>` : ''}
<p>${f.unitName} ${f.drafterName} 撰写的稿件《<strong>${f.title}</strong>》（第 ${f.version} 版）需要您以“${label('level', f.level)}”身份审核。${f.urgent ? raw('<strong style="color:#b00">加急，请当日回复。</strong>') : ''}</p>
${f.comment ? html`<p>留言：${f.comment}</p>` : ''}
<p><a href="${f.link}" style="display:inline-block;padding:10px 18px;background:#b22;color:#fff;text-decoration:none;border-radius:4px">打开审核页面 / Review now</a></p>
<p style="color:#666;font-size:12px">此链接仅限本人使用一次，${cst(f.expiresAt)} 前有效。<br>${enHead}: the link works once and expires at ${cstReadable(f.expiresAt, 'en')}.</p>`;
  return { subject, text: lines.join('\n'), html: String(body) };
}

export function closedMessage(f: { drafterName: string; title: string; status: 'approved' | 'returned' | 'rejected'; level: Position; comment: string | null; url: string }) {
  const statusZh = label('status', f.status);
  const subject = `【审核结果】《${f.title}》${statusZh}`;
  const text = [
    `${f.drafterName}，您好：`,
    `您的稿件《${f.title}》${f.status === 'approved' ? '已通过全部审核，可以发布。' : `被“${label('level', f.level)}”${statusZh}。`}`,
    ...(f.comment ? [`意见：${f.comment}`] : []),
    `详情：${f.url}`,
    '',
    `Your draft "${f.title}" was ${label('status', f.status, 'en')}.`,
  ].join('\n');
  const body = html`<p>${f.drafterName}，您好：</p><p>您的稿件《${f.title}》${f.status === 'approved' ? '已通过全部审核，可以发布。' : `被“${label('level', f.level)}”${statusZh}。`}</p>${f.comment ? html`<p>意见：${f.comment}</p>` : ''}<p><a href="${f.url}">查看详情</a></p>`;
  return { subject, text, html: String(body) };
}

/** A retraction after approval: to the drafter and the unit's publicity officer, who take the item down where it went live. */
export function retractedMessage(f: { recipientName: string; title: string; byName: string; reason: string | null; at: Date; url: string }) {
  const subject = `【撤销发布】《${f.title}》`;
  const text = [
    `${f.recipientName}，您好：`,
    `已审核通过的稿件《${f.title}》已于 ${cst(f.at)} 由 ${f.byName} 撤销发布，请从已发布的平台撤下。`,
    ...(f.reason ? [`原因：${f.reason}`] : []),
    `详情：${f.url}`,
    '',
    `The approved draft "${f.title}" was retracted by ${f.byName}${f.reason ? ` (${f.reason})` : ''}; take it down wherever it was published.`,
  ].join('\n');
  const body = html`<p>${f.recipientName}，您好：</p><p>已审核通过的稿件《<strong>${f.title}</strong>》已于 ${cst(f.at)} 由 ${f.byName} 撤销发布，请从已发布的平台撤下。</p>${f.reason ? html`<p>原因：${f.reason}</p>` : ''}<p><a href="${f.url}">查看详情</a></p>
<p style="color:#666;font-size:12px">The approved draft was retracted; take it down wherever it was published.</p>`;
  return { subject, text, html: String(body) };
}

/** To the people an overdue review is escalated to: facts only, no link (they may not decide for the assignee). */
export function overdueMessage(f: { recipientName: string; assigneeName: string; unitName: string; title: string; level: Position; assignedAt: Date; dueAt: Date | null; reminders: number; step: number; url: string }) {
  const subject = `【审核超时·${f.step === 1 ? '提请督办' : '宣传部督办'}】《${f.title}》— ${label('level', f.level)} ${f.assigneeName}`;
  const lines = [
    `${f.recipientName}，您好：`,
    `${f.unitName} 的稿件《${f.title}》自 ${cst(f.assignedAt)} 起待 ${f.assigneeName}（${label('level', f.level)}）审核${f.dueAt ? `，已超过处理期限 ${cst(f.dueAt)}` : ''}，已提醒 ${f.reminders} 次。`,
    '请督促其尽快处理。本通知不代替审核，系统不会代为审批。',
    `详情：${f.url}`,
    '',
    `Overdue: "${f.title}" has waited for ${f.assigneeName} (${label('level', f.level, 'en')}) since ${cstReadable(f.assignedAt, 'en')}; ${f.reminders} reminders sent. Please follow up; nothing is approved on anyone's behalf.`,
  ];
  const body = html`<p>${f.recipientName}，您好：</p>
<p>${f.unitName} 的稿件《<strong>${f.title}</strong>》自 ${cst(f.assignedAt)} 起待 ${f.assigneeName}（${label('level', f.level)}）审核，已提醒 ${f.reminders} 次。</p>
<p>请督促其尽快处理。本通知不代替审核，系统不会代为审批。</p><p><a href="${f.url}">查看详情</a></p>
<p style="color:#666;font-size:12px">Overdue review: please follow up. Nothing is approved on anyone's behalf.</p>`;
  return { subject, text: lines.join('\n'), html: String(body) };
}

/** The morning digest: every review waiting for one approver, each with its own link. */
export function digestMessage(f: { reviewerName: string; items: { title: string; unitName: string; level: Position; urgent: boolean; dueAt: Date | null; link: string }[] }) {
  const subject = `【每日待审汇总】您有 ${f.items.length} 篇稿件待审核`;
  const lines = [
    `${f.reviewerName}，早上好：`,
    `您有 ${f.items.length} 篇稿件待审核：`,
    ...f.items.flatMap((i, n) => [
      `${n + 1}. ${i.urgent ? '【加急】' : ''}《${i.title}》（${i.unitName}，${label('level', i.level)}${i.dueAt ? `，${cst(i.dueAt)} 前` : ''}）`,
      `   ${i.link}`,
    ]),
    '',
    `Daily digest: ${f.items.length} drafts await your review. Each link works once.`,
  ];
  const body = html`<p>${f.reviewerName}，早上好：</p><p>您有 ${f.items.length} 篇稿件待审核：</p>
<ol>${f.items.map((i) => html`<li>${i.urgent ? raw('<strong style="color:#b00">【加急】</strong>') : ''}《${i.title}》（${i.unitName}，${label('level', i.level)}${i.dueAt ? `，${cst(i.dueAt)} 前` : ''}） <a href="${i.link}">审核 / Review</a></li>`)}</ol>
<p style="color:#666;font-size:12px">Daily digest: each link works once.</p>`;
  return { subject, text: lines.join('\n'), html: String(body) };
}

/**
 * To a person added through the API, at their own address: how to sign in. Never a credential:
 * the sign-in page mails a one-time link to the address typed in, so only this mailbox gets in.
 */
export function welcomeMessage(f: { name: string; email: string; byName: string | null; unitName: string | null; roles: string[]; loginUrl: string }) {
  const where = f.unitName ? `（${f.unitName}）` : '';
  const by = f.byName ? `${f.byName} 已` : '已';
  const subject = '【账号开通】您已加入网络信息审核系统 / Your Imprimatur account';
  const lines = [
    `${f.name}，您好：`,
    `${by}将您添加为网络信息审核系统（先审后发）的用户${where}。`,
    `登录方法：打开 ${f.loginUrl} ，输入本邮箱地址 ${f.email}，系统会把一次性登录链接发到本邮箱。`,
    '如果您并不知道此事，请勿登录，并立即联系本单位书记或宣传部。',
    '',
    `${f.byName ?? 'Someone'} added you to Imprimatur, the pre-publication review service${f.unitName ? ` (${f.unitName})` : ''}.`,
    `To sign in, open ${f.loginUrl} and enter ${f.email}; a one-time sign-in link is mailed to this address. If you did not expect this, do not sign in and tell your unit's secretary or the publicity department.`,
  ];
  const body = html`<p>${f.name}，您好：</p>
<p>${by}将您添加为网络信息审核系统（先审后发）的用户${where}。</p>
<p>登录方法：打开 <a href="${f.loginUrl}">${f.loginUrl}</a>，输入本邮箱地址 ${f.email}，系统会把一次性登录链接发到本邮箱。</p>
<p>如果您并不知道此事，请勿登录，并立即联系本单位书记或宣传部。</p>
<p style="color:#666;font-size:12px">${f.byName ?? 'Someone'} added you to Imprimatur. To sign in, open ${f.loginUrl} and enter ${f.email}; a one-time sign-in link is mailed to this address. If you did not expect this, do not sign in and tell your unit's secretary or the publicity department.</p>`;
  return { subject, text: lines.join('\n'), html: String(body) };
}

/** A one-time sign-in link, to the address it was asked for (never to a robot or webhook). */
export function signInMessage(f: { name: string; link: string; expiresAt: Date }) {
  const subject = '【登录链接】网络信息审核系统 / Your sign-in link';
  const lines = [
    `${f.name}，您好：`,
    `请打开以下链接，在打开的页面上点击“登录”（${cst(f.expiresAt)}前有效，只能使用一次）：`,
    f.link,
    '如果这不是您本人的操作，请忽略本邮件；不在该页面上点击“登录”，就不会有人登录。',
    '',
    `Open this link and press Sign in on its page to sign in to Imprimatur (it works once, until ${f.expiresAt.toISOString()}): ${f.link}`,
    'If you did not ask for it, ignore this mail: nobody is signed in unless Sign in is pressed on the link’s page.',
  ];
  const body = html`<p>${f.name}，您好：</p>
<p>请点击下面的按钮打开登录页面，再在页面上点击“登录”（${cst(f.expiresAt)}前有效，只能使用一次）：</p>
<p><a href="${f.link}" style="display:inline-block;padding:10px 18px;background:#a61b29;color:#fff;text-decoration:none;border-radius:4px">登录 / Sign in</a></p>
<p style="color:#666;font-size:12px">${f.link}</p>
<p>如果这不是您本人的操作，请忽略本邮件；不在该页面上点击“登录”，就不会有人登录。</p>
<p style="color:#666;font-size:12px">Open the link and press Sign in on its page to sign in to Imprimatur (it works once, until ${f.expiresAt.toISOString()}). If you did not ask for it, ignore this mail.</p>`;
  return { subject, text: lines.join('\n'), html: String(body) };
}

/** To the outgoing holder and the unit's secretary: a position changed hands (a check against appointing puppets). */
export function appointmentMessage(f: { recipientName: string; unitName: string; position: AnyPosition; newName: string; newEmail: string; previousName: string | null; byName: string; at: Date; url: string }) {
  const pos = label('level', f.position);
  const subject = `【岗位变动】${f.unitName}“${pos}”：${f.previousName ? `${f.previousName} → ` : ''}${f.newName}`;
  const lines = [
    `${f.recipientName}，您好：`,
    `${f.byName} 于 ${cst(f.at)} 任命 ${f.newName}（${f.newEmail}）为 ${f.unitName} 的“${pos}”${f.previousName ? `，接替 ${f.previousName}` : ''}。该岗位待处理的审核将由新任者负责。`,
    '如这一任命并非本单位的安排，请立即联系宣传部。',
    `打开工作台 / Open the workspace：${f.url}`,
    '',
    `${f.byName} appointed ${f.newName} (${f.newEmail}) as ${label('level', f.position, 'en')} of ${f.unitName} at ${cstReadable(f.at, 'en')}${f.previousName ? `, succeeding ${f.previousName}` : ''}. Pending reviews of the position pass to them. If your unit did not arrange this, tell the publicity department at once.`,
  ];
  const body = html`<p>${f.recipientName}，您好：</p>
<p>${f.byName} 于 ${cst(f.at)} 任命 <strong>${f.newName}</strong>（${f.newEmail}）为 ${f.unitName} 的“${pos}”${f.previousName ? `，接替 ${f.previousName}` : ''}。该岗位待处理的审核将由新任者负责。</p>
<p><strong>如这一任命并非本单位的安排，请立即联系宣传部。</strong></p><p><a href="${f.url}">打开工作台 / Open the workspace</a></p>
<p style="color:#666;font-size:12px">${f.byName} appointed ${f.newName} as ${label('level', f.position, 'en')} of ${f.unitName}. If your unit did not arrange this, tell the publicity department at once.</p>`;
  return { subject, text: lines.join('\n'), html: String(body) };
}

const ROBOT_NAMES = { wecom: '企业微信群机器人 / WeCom robot', dingtalk: '钉钉群机器人 / DingTalk robot', feishu: '飞书群机器人 / Feishu robot', webhook: 'Webhook' } as const;

/** A test message to a unit's robot, asked for on the unit's robots page: it proves the settings work. */
export function robotTestMessage(f: { unitName: string; robot: keyof typeof ROBOT_NAMES; byName: string; at: Date }) {
  const subject = `【测试消息】${f.unitName} · ${ROBOT_NAMES[f.robot]}`;
  const lines = [
    `这是网络信息审核系统（先审后发）发给${f.unitName}的测试消息，由 ${f.byName} 于 ${cst(f.at)} 发起。`,
    '收到本消息，说明该渠道设置正确，审核提醒等通知将由此送达。无需回复。',
    '',
    `A test message from Imprimatur to ${f.unitName}, asked for by ${f.byName}. If it arrived, the channel is set up correctly. No reply needed.`,
  ];
  const body = html`<p>这是网络信息审核系统（先审后发）发给${f.unitName}的测试消息，由 ${f.byName} 于 ${cst(f.at)} 发起。</p>
<p>收到本消息，说明该渠道设置正确，审核提醒等通知将由此送达。无需回复。</p>
<p style="color:#666;font-size:12px">A test message from Imprimatur to ${f.unitName}, asked for by ${f.byName}. If it arrived, the channel is set up correctly.</p>`;
  return { subject, text: lines.join('\n'), html: String(body) };
}
