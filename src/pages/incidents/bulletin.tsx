import type { Child } from 'hono/jsx';
import { cstFields, cstYear } from '../../domain/cst';
import { RECORD_OF, type DeadlineRecord, type DeadlineRecords } from '../../domain/incident-reports';
import type { IncidentDeadlines } from '../../domain/incidents';
import { label, translator, type Locale } from '../../lib/i18n';
import type { incidentBulletin } from '../../services/incident-reports';
import { PrintButton } from '../components/print';
import { Time } from '../components/ui';
import { DEADLINE_NAMES } from './pages';

/**
 * The 舆情要报: one incident as an internal bulletin is laid out on paper — the red masthead with its
 * number, the issuing unit and date; 一、基本情况 (时间、地点、人员、事态发展情况, source, group,
 * severity, class, stage); 二、处置经过, every dated step, each reply with who approved its text;
 * 三、时限执行情况, each deadline and whether it was kept; 四、总结评估 once closed.
 */

type Bulletin = Awaited<ReturnType<typeof incidentBulletin>>;
type Entry = Bulletin['entries'][number];

export const BULLETIN_CSS = `
.bulletin{max-width:860px;margin:0 auto}
.bulletin-head{text-align:center;border-bottom:3px solid #c00;padding-bottom:6px;margin-bottom:14px}
.bulletin-head h1{color:#c00;font:700 44px/1.25 "Noto Serif CJK SC","Source Han Serif SC","Songti SC",SimSun,serif;letter-spacing:.35em;text-indent:.35em;margin:4px 0}
.bulletin-head .issue{margin:0 0 10px;font-size:15px}
.bulletin-head .issuer{display:flex;justify-content:space-between;flex-wrap:wrap;gap:4px 12px;font-size:15px;margin:0}
.bulletin-head .mark{display:inline-block;border:1px solid #c00;color:#c00;padding:0 8px;margin:0 0 8px;font-size:14px}
.bulletin h2.bulletin-title{text-align:center;font-size:20px;line-height:1.4;margin:6px 0 12px}
.bulletin h3{font-size:16px;margin:14px 0 6px}
table.bulletin-record{table-layout:fixed}.bulletin-record .c-at{width:9.5em}.bulletin-record .c-kind{width:6.5em}.bulletin-record .c-who{width:6.5em}
ul.approvals{margin:4px 0 0;padding-left:1.2em}
.bulletin td.text{white-space:pre-wrap;word-break:break-word}
.outcome-missed{color:#9b1c1c;font-weight:700}.outcome-met{color:#1f5131}
@media (max-width:640px){
  .bulletin-head h1{font-size:34px}
  table.bulletin-record{table-layout:auto}.bulletin-record colgroup{display:none}
}
@media print{
  .bulletin{max-width:none}
  .bulletin-head h1{font-size:30pt;-webkit-print-color-adjust:exact;print-color-adjust:exact}
  .bulletin-head .issue,.bulletin-head .issuer{font-size:11pt}
  .bulletin h2.bulletin-title{font-size:15pt}.bulletin h3{font-size:12pt}
}
`;

/** A date as it stands on a Chinese document: 2026年12月4日. */
function dateWords(at: Date, l: Locale): string {
  const f = cstFields(at);
  return l === 'en' ? f.toISOString().slice(0, 10) : `${f.getUTCFullYear()}年${f.getUTCMonth() + 1}月${f.getUTCDate()}日`;
}

const DEADLINE_WORDS = (kind: string, l: Locale) => {
  const pair = DEADLINE_NAMES[kind as keyof IncidentDeadlines];
  return pair ? translator(l)(...pair) : kind;
};

/** Who the record says was told, by name. */
function told(b: Bulletin, ids: unknown, l: Locale): string {
  const t = translator(l);
  const names = Array.isArray(ids) ? ids.map((id) => b.names.get(String(id)) ?? t('（已删除人员）', '(removed)')) : [];
  return names.join(t('、', ', '));
}

/** A reply: the approved draft, by title and version, and who approved its text at which level and when. */
function Reply({ b, e, l }: { b: Bulletin; e: Entry; l: Locale }) {
  const t = translator(l);
  const facts = e.draftId ? b.replies.get(e.draftId) : undefined;
  const data = (e.data ?? {}) as { promisedBy?: string | null };
  return (
    <>
      {facts ? (
        <div class="reply">
          {t('回复稿', 'Reply')}《{facts.title}》{t(`（第 ${facts.version} 版，${label('status', facts.status, l)}）`, ` (version ${facts.version}, ${label('status', facts.status, l)})`)}
          <ul class="approvals">
            {facts.entries.filter((x) => x.decision === 'approve').map((x) => (
              <li>{label('level', x.level, l)} <b class="approver">{x.reviewer}</b> {t('审核同意', 'approved')} · <Time at={x.at} l={l} /></li>
            ))}
          </ul>
        </div>
      ) : null}
      {data.promisedBy ? <div>{t('承诺于 ', 'Result promised by ')}<Time at={data.promisedBy} l={l} />{t(' 前告知结果', '')}</div> : null}
      {e.text ? <div class="comment">{e.text}</div> : null}
    </>
  );
}

/** What one dated step says on paper. */
function entryText(b: Bulletin, e: Entry, l: Locale): Child {
  const t = translator(l);
  const data = (e.data ?? {}) as Record<string, unknown>;
  const text = e.text ? <div class="comment">{e.text}</div> : null;
  switch (e.kind) {
    case 'reported':
      return (
        <>
          {data.urgent ? <div><b>{t('特别紧急，越级上报', 'Especially urgent: reported past the levels')}</b></div> : null}
          {text}
          {told(b, data.notified, l) ? <div>{t('报送：', 'Told: ')}{told(b, data.notified, l)}</div> : null}
          {told(b, data.skippedInformed, l) ? <div>{t('知会（被越过的层级）：', 'Informed (skipped level): ')}{told(b, data.skippedInformed, l)}</div> : null}
        </>
      );
    case 'reported_up':
      return (
        <>
          {data.to === 'leading_group' ? <div>{t('重大、特别重大舆情，报学校舆情工作领导小组', 'Major: reported to the university’s leading group')}</div> : null}
          <div>{t('上报：', 'Reported to: ')}{told(b, data.notified, l) || t('（无人在岗）', '(nobody in post)')}</div>
        </>
      );
    case 'assessed':
      return (
        <>
          <div>{t('严重程度：', 'Severity: ')}{label('severity', String(data.severity), l)}{t('；处置类别：', '; class: ')}{label('incidentClass', String(data.class), l)}</div>
          {text}
        </>
      );
    case 'reply':
      return <Reply b={b} e={e} l={l} />;
    case 'follow_up':
      return <>{text}{data.result ? <div><b>{t('（承诺的结果）', '(the promised result)')}</b></div> : null}</>;
    case 'evidence':
      return <>{Array.isArray(data.files) ? <div>{(data.files as { name: string }[]).map((f) => f.name).join(t('、', ', '))}</div> : null}{text}</>;
    case 'reminder':
    case 'escalated':
      return (
        <>
          <div>{DEADLINE_WORDS(String(data.deadline), l)}{t('，应于 ', ', due ')}<Time at={String(data.due)} l={l} /></div>
          {told(b, data.notified, l) ? <div>{t('通知：', 'Told: ')}{told(b, data.notified, l)}</div> : null}
        </>
      );
    case 'closed':
      return <div>{t('见“四、总结评估”。', 'See “4. Closing review”.')}</div>;
    default:
      return text;
  }
}

function Outcome({ r, l }: { r: DeadlineRecord; l: Locale }) {
  return <span class={`outcome-${r.outcome}`} data-outcome={r.outcome}>{label('deadlineOutcome', r.outcome, l)}</span>;
}

/** `GET /incidents/{id}/bulletin`: the printable 舆情要报 of one incident. */
export function BulletinPage({ b, l, incidentUrl }: { b: Bulletin; l: Locale; incidentUrl: string }) {
  const t = translator(l);
  const i = b.incident;
  const closing = [...b.entries].reverse().find((e) => e.kind === 'closed');
  const source = [i.sourcePlatform, i.sourceUrl].filter(Boolean).join(' ');
  const unassessed = t('待研判', 'not assessed');
  const records = Object.entries(b.records) as [keyof DeadlineRecords, DeadlineRecord][];
  return (
    <article class="sheet bulletin" aria-labelledby="bulletin-name">
      <header class="bulletin-head">
        {i.urgent ? <p class="mark">{t('特急', 'Most urgent')}</p> : null}
        <h1 id="bulletin-name">{t('舆情要报', 'Incident bulletin')}</h1>
        <p class="issue">{t(`${cstYear(i.reportedAt)}年 第 ${b.issueNo} 期`, `${cstYear(i.reportedAt)}, no. ${b.issueNo}`)}</p>
        <p class="issuer"><span class="unit">{t(`${b.unitName} 编`, `Issued by ${b.unitName}`)}</span><span class="date">{dateWords(b.printedAt, l)}</span></p>
      </header>
      <h2 class="bulletin-title">{i.summary}</h2>

      <h3>{t('一、基本情况', '1. The facts')}</h3>
      <table class="sheet-facts ruled">
        <tbody>
          <tr><th scope="row">{t('时间', 'When')}</th><td><Time at={i.occurredAt} l={l} /></td></tr>
          <tr><th scope="row">{t('地点', 'Where')}</th><td class="place">{i.place}</td></tr>
          <tr><th scope="row">{t('人员', 'Who')}</th><td>{i.involved}</td></tr>
          <tr><th scope="row">{t('事态发展情况', 'Development')}</th><td class="text">{i.development}</td></tr>
          <tr><th scope="row">{t('来源', 'Source')}</th><td class="url">{source || '—'}</td></tr>
          <tr><th scope="row">{t('报告', 'Reported')}</th><td>{b.names.get(i.reporterId) ?? '—'} · <Time at={i.reportedAt} l={l} />{i.urgent ? t('（越级上报）', ' (past the levels)') : ''}</td></tr>
          <tr><th scope="row">{t('涉及群体', 'Group')}</th><td>{label('group', i.group, l)}</td></tr>
          <tr><th scope="row">{t('严重程度', 'Severity')}</th><td>{i.severity ? label('severity', i.severity, l) : unassessed}</td></tr>
          <tr><th scope="row">{t('处置类别', 'Class of handling')}</th><td>{i.class ? label('incidentClass', i.class, l) : unassessed}</td></tr>
          <tr><th scope="row">{t('当前阶段', 'Stage')}</th><td class="stage">{label('incidentStage', i.stage, l)}</td></tr>
        </tbody>
      </table>

      <h3>{t('二、处置经过', '2. What was done')}</h3>
      <table class="ruled stacked bulletin-record">
        <colgroup><col class="c-at" /><col class="c-kind" /><col class="c-who" /><col /></colgroup>
        <thead><tr><th scope="col">{t('时间（北京时间）', 'Time (Beijing)')}</th><th scope="col">{t('事项', 'Step')}</th><th scope="col">{t('经办人', 'By')}</th><th scope="col">{t('情况', 'Details')}</th></tr></thead>
        <tbody>
          {b.entries.map((e) => (
            <tr data-entry={e.kind}>
              <td data-label={t('时间（北京时间）', 'Time (Beijing)')}><Time at={e.at} l={l} zone={false} /></td>
              <td data-label={t('事项', 'Step')}>{label('entryKind', e.kind, l)}</td>
              <td data-label={t('经办人', 'By')}>{e.actorName ?? t('系统', 'the system')}</td>
              <td data-label={t('情况', 'Details')}>{entryText(b, e, l)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>{t('三、时限执行情况', '3. Deadlines')}</h3>
      <table class="ruled stacked deadlines">
        <thead><tr><th scope="col">{t('时限', 'Deadline')}</th><th scope="col">{t('应于（北京时间）', 'Due (Beijing)')}</th><th scope="col">{t('完成于（北京时间）', 'Done (Beijing)')}</th><th scope="col">{t('结果', 'Outcome')}</th></tr></thead>
        <tbody>
          {records.map(([k, r]) => (
            <tr data-deadline={k}>
              <td data-label={t('时限', 'Deadline')}>{DEADLINE_WORDS(RECORD_OF[k], l)}</td>
              <td data-label={t('应于（北京时间）', 'Due (Beijing)')}><Time at={r.due} l={l} zone={false} /></td>
              <td data-label={t('完成于（北京时间）', 'Done (Beijing)')}><Time at={r.doneAt} l={l} zone={false} /></td>
              <td data-label={t('结果', 'Outcome')}><Outcome r={r} l={l} /></td>
            </tr>
          ))}
        </tbody>
      </table>

      {closing ? (
        <>
          <h3>{t('四、总结评估', '4. Closing review')}</h3>
          <p class="comment closing">{closing.text}</p>
          <p class="meta">{closing.actorName ?? ''} · <Time at={closing.at} l={l} /></p>
        </>
      ) : null}

      <footer class="sheet-foot">
        <p>{t('本要报据系统中的处置记录生成，每一项均可在审计日志中核对。', 'Generated from the handling record; every step can be checked against the audit log.')}</p>
        <p>{t('事件地址 ', 'Incident at ')}<span class="url">{incidentUrl}</span></p>
        <p class="meta">{t('打印时间 ', 'Printed ')}<Time at={b.printedAt} l={l} /></p>
      </footer>
      <PrintButton l={l}>{t('打印', 'Print')}</PrintButton>
      <p class="no-print"><a href={`/incidents/${i.id}${l === 'en' ? '?lang=en' : ''}`}>{t('返回事件页面', 'Back to the incident')}</a></p>
    </article>
  );
}
