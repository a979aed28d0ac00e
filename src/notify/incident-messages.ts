import { html } from 'hono/html';
import { cstReadable } from '../domain/cst';
import type { OutboxTopics } from '../services/outbox';

/** Incident messages, zh-CN first with the English beneath, as every message here. Pure. */
export interface IncidentFacts {
  recipientName: string;
  unitName: string;
  summary: string;
  occurredAt: Date;
  place: string;
  involved: string;
  development: string;
  reporterName: string;
  urgent: boolean;
  url: string;
}

type Reason = OutboxTopics['incident.notified']['reason'];

const DEADLINE: Record<string, [string, string]> = {
  acknowledgeBy: ['确认接报', 'acknowledge the report'],
  replyBy: ['当日回复', 'reply the same day'],
  resultBy: ['答复承诺的处理结果', 'give the promised result'],
};

function headline(reason: Reason, f: IncidentFacts, deadline?: string, due?: string): [string, string] {
  const d = deadline ? DEADLINE[deadline] ?? [deadline, deadline] : ['', ''];
  const when = due ? cstReadable(due) : '';
  const whenEn = due ? cstReadable(due, 'en') : '';
  switch (reason) {
    case 'reported': return [`${f.urgent ? '【紧急·越级上报】' : '【舆情报告】'}${f.unitName}：${f.summary}`, `${f.urgent ? 'URGENT incident report' : 'Incident report'} — ${f.unitName}: ${f.summary}`];
    case 'skipped': return [`【越级上报知会】${f.unitName}：${f.summary}`, `Escalated past you (urgent) — ${f.unitName}: ${f.summary}`];
    case 'reported_up': return [`【舆情上报】${f.unitName}：${f.summary}`, `Incident reported up — ${f.unitName}: ${f.summary}`];
    case 'grave': return [`【重大舆情】${f.unitName}：${f.summary}`, `Grave incident — ${f.unitName}: ${f.summary}`];
    case 'reminder': return [`【舆情提醒】请于 ${when} 前${d[0]}：${f.summary}`, `Reminder: ${d[1]} by ${whenEn} — ${f.summary}`];
    case 'escalated': return [`【舆情超时】未按时${d[0]}（时限 ${when}）：${f.summary}`, `Overdue: ${d[1]} (due ${whenEn}) — ${f.summary}`];
  }
}

export function incidentMessage(reason: Reason, f: IncidentFacts, deadline?: string, due?: string) {
  const [zh, en] = headline(reason, f, deadline, due);
  const facts = [
    ['时间 / When', cstReadable(f.occurredAt)],
    ['地点 / Where', f.place],
    ['人员 / Who', f.involved],
    ['事态发展 / Development', f.development],
    ['报告人 / Reported by', f.reporterName],
  ];
  const text = [`${f.recipientName}，您好：`, zh, ...facts.map(([k, v]) => `${k}：${v}`), `处理页面 / Open: ${f.url}`, '', en].join('\n');
  const body = html`<p>${f.recipientName}，您好：</p><p><strong>${zh}</strong></p>
<table>${facts.map(([k, v]) => html`<tr><th align="left">${k}</th><td>${v}</td></tr>`)}</table>
<p><a href="${f.url}">打开处理页面 / Open the incident</a></p><p style="color:#666;font-size:12px">${en}</p>`;
  return { subject: zh, text, html: String(body) };
}
