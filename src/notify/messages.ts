import { html, raw } from 'hono/html';
import type { Position } from '../../db/schema';
import { label } from '../lib/i18n';

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
}

const cst = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') + '（北京时间）';

export type ReviewMessageKind = 'assigned' | 'reminder' | 'urged' | 'escalated';

const HEADLINES: Record<ReviewMessageKind, [string, string]> = {
  assigned: ['待审核', 'Review requested'],
  reminder: ['审核提醒', 'Reminder'],
  urged: ['催办', 'Nudge from the drafter'],
  escalated: ['审核超时', 'Overdue review'],
};

export function reviewMessage(kind: ReviewMessageKind, f: ReviewFacts) {
  const [zhHead, enHead] = HEADLINES[kind];
  const urgent = f.urgent ? '【加急·当日回复】' : '';
  const subject = `${urgent}【${zhHead}】《${f.title}》— ${label('level', f.level)}`;
  const lines = [
    `${f.reviewerName}，您好：`,
    `${f.unitName} ${f.drafterName} 撰写的稿件《${f.title}》（第 ${f.version} 版）需要您以“${label('level', f.level)}”身份审核。`,
    ...(f.comment ? [`留言：${f.comment}`] : []),
    ...(f.dueAt ? [`请于 ${cst(f.dueAt)} 前处理。`] : []),
    `审核链接（仅限本人使用一次，${cst(f.expiresAt)} 前有效）：`,
    f.link,
    '',
    `${enHead}: "${f.title}" (version ${f.version}) awaits your review as ${label('level', f.level, 'en')}. Open the link above to decide; it works once.`,
  ];
  const body = html`<p>${f.reviewerName}，您好：</p>
<p>${f.unitName} ${f.drafterName} 撰写的稿件《<strong>${f.title}</strong>》（第 ${f.version} 版）需要您以“${label('level', f.level)}”身份审核。${f.urgent ? raw('<strong style="color:#b00">加急，请当日回复。</strong>') : ''}</p>
${f.comment ? html`<p>留言：${f.comment}</p>` : ''}
<p><a href="${f.link}" style="display:inline-block;padding:10px 18px;background:#b22;color:#fff;text-decoration:none;border-radius:4px">打开审核页面 / Review now</a></p>
<p style="color:#666;font-size:12px">此链接仅限本人使用一次，${cst(f.expiresAt)} 前有效。<br>${enHead}: the link works once and expires at ${f.expiresAt.toISOString()}.</p>`;
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
