import { label } from '../../lib/i18n';
import { verificationSaid, type AuditVerification } from '../../services/audit';
import type { listAuditEvents } from '../../services/audit-log';
import { t, type PageCtx } from '../components/context';
import { Button, Card, ErrorSummary, Notice, PostForm, Select, Table, TextField, Time, type FieldErrors } from '../components/ui';
import type { PickablePerson } from '../console/picker';

type Events = Awaited<ReturnType<typeof listAuditEvents>>;
export interface AuditFilterValues { draftId?: string; actorId?: string; action?: string; from?: string; to?: string }

export const AUDIT_FIELD_LABELS: Record<string, [string, string]> = {
  draftId: ['稿件编号', 'draft id'], actorId: ['人员', 'person'], action: ['动作', 'action'], from: ['起始日期', 'from'], to: ['截止日期', 'to'], before: ['翻页位置', 'page cursor'],
};

export function VerificationNotice({ result, l }: { result: AuditVerification; l: PageCtx['locale'] }) {
  return <Notice tone={result.ok ? 'ok' : 'bad'}>{verificationSaid(result).in(l)}</Notice>;
}

/** GET /audit: the audit log, filtered and keyset-paged, each event with its chain position and hash; the chain check. */
export function AuditPage(p: { ctx: PageCtx; events: Events; people: PickablePerson[]; filter: AuditFilterValues; errors?: FieldErrors; verification?: AuditVerification }) {
  const l = p.ctx.locale;
  const e = p.errors ?? {};
  const query = (extra: Record<string, string>) => {
    const q = new URLSearchParams(Object.entries({ ...p.filter, ...extra }).filter(([, v]) => v) as [string, string][]);
    return `/audit${q.size ? `?${q}` : ''}`;
  };
  const pos = (person: PickablePerson): [string, string] => [person.id, `${person.name} · ${person.email}`];
  return (
    <>
      <h1>{t(l, '审计日志', 'Audit log')}</h1>
      <ErrorSummary errors={e} l={l} />
      <Card title={t(l, '审计链校验', 'Check the audit chain')} id="verify">
        <p class="hint">{t(l, '逐一重算每个事件的哈希并核对前后衔接，与命令 npm run cli -- audit:verify 所做的相同。', 'Recomputes every event’s hash and its link to the one before, as npm run cli -- audit:verify does.')}</p>
        {p.verification ? <VerificationNotice result={p.verification} l={l} /> : null}
        <PostForm action="/audit/verify" csrf={p.ctx.csrf}><Button kind="secondary">{t(l, '校验审计链', 'Check the chain')}</Button></PostForm>
      </Card>
      <Card>
        <form method="get" action="/audit" class="filters" role="search" aria-label={t(l, '筛选审计事件', 'Filter audit events')}>
          <TextField name="draftId" label={t(l, '稿件编号', 'Draft id')} value={p.filter.draftId} error={e.draftId} spellcheck={false} />
          <Select name="actorId" label={t(l, '人员', 'Person')} value={p.filter.actorId} error={e.actorId} options={[['', t(l, '全部', 'Anyone')], ...p.people.map(pos)]} />
          <TextField name="action" label={t(l, '动作', 'Action')} hint={t(l, '如 draft.submitted；填 draft 则含全部 draft.…', 'e.g. draft.submitted; draft matches every draft.…')} value={p.filter.action} error={e.action} spellcheck={false} />
          <TextField name="from" type="date" label={t(l, '起始日期（北京时间）', 'From (Beijing time)')} value={p.filter.from} error={e.from} />
          <TextField name="to" type="date" label={t(l, '截止日期（北京时间）', 'To (Beijing time)')} value={p.filter.to} error={e.to} />
          <div class="actions"><Button>{t(l, '筛选', 'Filter')}</Button></div>
        </form>
      </Card>
      <Card title={t(l, '事件（最新在前）', 'Events, newest first')}>
        <Table
          head={[t(l, '链序', 'Chain #'), t(l, '时间', 'Time'), t(l, '人员', 'Person'), t(l, '动作', 'Action'), t(l, '对象', 'Subject'), t(l, '内容', 'Payload'), t(l, '哈希', 'Hash')]}
          empty={t(l, '没有符合条件的事件', 'No event matches')}
          rows={p.events.items.map((ev) => [
            <span class="mono" id={`seq-${ev.seq}`}>{ev.chainNo}</span>,
            <Time at={ev.at} l={l} />,
            ev.actorName ?? (ev.actorId ? <span class="mono">{ev.actorId}</span> : t(l, '系统', 'system')),
            <code>{ev.action}</code>,
            <>
              {ev.draftId ? <a href={`/drafts/${ev.draftId}`}>{t(l, '稿件', 'Draft')}</a> : <span>{label('subjectType', ev.subjectType, l)}</span>}
              <div class="meta mono hash">{ev.subjectId}</div>
            </>,
            Object.keys(ev.data).length ? <pre class="payload">{JSON.stringify(ev.data)}</pre> : '—',
            <div class="mono hash" title={t(l, `前一哈希 ${ev.prevHash}`, `previous hash ${ev.prevHash}`)}>{ev.hash}</div>,
          ])}
        />
        <div class="actions">
          {p.filter && p.events.next ? <a href={query({ before: String(p.events.next) })} rel="next">{t(l, '更早的事件', 'Older events')}</a> : null}
          {p.ctx.query.get('before') ? <a href={query({})}>{t(l, '回到最新', 'Back to the newest')}</a> : null}
        </div>
      </Card>
    </>
  );
}
