import { periodWords } from '../../domain/duties';
import { DRAFT_STATUSES } from '../../../db/schema';
import { label } from '../../lib/i18n';
import type { ObligationSummary } from '../../services/duties';
import type { Workspace } from '../../services/workspace';
import { t, type PageCtx } from '../components/context';
import { Layout } from '../components/Layout';
import { Mixed, userLang, UserText } from '../components/user-text';
import { WORKSPACE_CSS_URL } from './css';
import { Card, LinkButton, Notice, StatusTag, Table, Tag, Time } from '../components/ui';

/** The draft page's address, keeping an English reader in English. */
export const draftHref = (ctx: PageCtx, draftId: string) => `/drafts/${draftId}${ctx.query.get('lang') ? `?lang=${ctx.locale}` : ''}`;

const UrgentTag = ({ ctx, urgency }: { ctx: PageCtx; urgency: string }) => (urgency === 'urgent' ? <Tag tone="bad">{t(ctx, '加急', 'Urgent')}</Tag> : null);

function Due({ ctx, at, now }: { ctx: PageCtx; at: Date | null; now: Date }) {
  if (!at) return <span>—</span>;
  const late = at.getTime() < now.getTime();
  return (
    <span>
      <Time at={at} l={ctx.locale} /> {late ? <Tag tone="bad">{t(ctx, '已逾期', 'Overdue')}</Tag> : null}
    </span>
  );
}

/** `GET /`: what waits for me, my drafts by status, what is late, the latest decisions. */
export function WorkspacePage({ ctx, ws, now, notice, duties = [] }: { ctx: PageCtx; ws: Workspace; now: Date; notice?: string; duties?: ObligationSummary[] }) {
  const l = ctx.locale;
  const byStatus = DRAFT_STATUSES.map((s) => [s, ws.mine.filter((d) => d.status === s)] as const).filter(([, items]) => items.length);
  return (
    <Layout ctx={ctx} title={t(l, '工作台', 'Workspace')} head={<link rel="stylesheet" href={WORKSPACE_CSS_URL} />}>
      <div class="page-head">
        <h1><Mixed l={l} text={t(l, `${ctx.person!.name}的工作台`, `${ctx.person!.name}’s workspace`)} /></h1>
        <LinkButton href="/drafts/new">{t(l, '新建稿件', 'New draft')}</LinkButton>
      </div>
      {notice ? <Notice tone="ok">{notice}</Notice> : null}
      <nav class="stats" aria-label={t(l, '概览', 'Summary')}>
        <a class="stat" href="#awaiting"><b data-count="awaiting">{ws.awaiting.length}</b><span>{t(l, '待我审核', 'Awaiting my review')}</span></a>
        <a class={ws.overdue.length ? 'stat late' : 'stat'} href="#overdue"><b data-count="overdue">{ws.overdue.length}</b><span>{t(l, '已逾期', 'Overdue')}</span></a>
        <a class="stat" href="#mine"><b data-count="mine">{ws.mine.length}</b><span>{t(l, '我的稿件', 'My drafts')}</span></a>
      </nav>

      <Card id="awaiting" title={t(l, '待我审核', 'Awaiting my review')}>
        <Table
          caption={t(l, '点击“审核”打开审核页（与邮件中的审核链接相同）。', '“Review” opens the sign-off page (the same as the link in your mail).')}
          head={[t(l, '稿件', 'Draft'), t(l, '单位', 'Unit'), t(l, '撰写人', 'Drafter'), t(l, '审核级别', 'Level'), t(l, '送达', 'Assigned'), t(l, '期限', 'Due'), t(l, '操作', 'Action')]}
          empty={t(l, '目前没有等待您审核的稿件。', 'Nothing is waiting for your review.')}
          rows={ws.awaiting.map((a) => [
            <span><a href={draftHref(ctx, a.draftId)} lang={userLang(l, a.title)}>{a.title}</a> <UrgentTag ctx={ctx} urgency={a.urgency} /> <span class="muted">{t(l, `第 ${a.versionNo} 版`, `v${a.versionNo}`)}</span></span>,
            <UserText l={l}>{a.unitName}</UserText>,
            <UserText l={l}>{a.drafterName}</UserText>,
            label('level', a.level, l),
            <Time at={a.assignedAt} l={l} />,
            <Due ctx={ctx} at={a.dueAt} now={now} />,
            <a class="btn" href={`/reviews/${a.reviewId}/open`} aria-label={t(l, `审核《${a.title}》`, `Review “${a.title}”`)}>{t(l, '审核', 'Review')}</a>,
          ])}
        />
      </Card>

      <Card id="overdue" title={t(l, '已逾期', 'Overdue')}>
        <Table
          head={[t(l, '稿件', 'Draft'), t(l, '情况', 'What'), t(l, '期限', 'Was due')]}
          empty={t(l, '没有逾期事项。', 'Nothing is overdue.')}
          rows={ws.overdue.map((o) => [
            <a href={draftHref(ctx, o.draftId)} lang={userLang(l, o.title)}>{o.title}</a>,
            o.kind === 'mine'
              ? <span>{t(l, '等待我审核', 'Waiting for my review')} · <a href={`/reviews/${o.reviewId}/open`}>{t(l, '去审核', 'Review now')}</a></span>
              : <span><Mixed l={l} text={t(l, `等待 ${o.waitingOn ?? ''} 审核`, `Waiting for ${o.waitingOn ?? 'a reviewer'}`)} /> · <a href={`${draftHref(ctx, o.draftId)}#urge`}>{t(l, '催办', 'Urge')}</a></span>,
            <Time at={o.dueAt} l={l} />,
          ])}
        />
      </Card>

      <Card id="mine" title={t(l, '我的稿件', 'My drafts')}>
        {byStatus.length ? (
          byStatus.map(([status, items]) => (
            <section aria-labelledby={`mine-${status}`}>
              <h3 id={`mine-${status}`}>
                <StatusTag status={status} l={l} /> <span class="muted">{items.length}</span>
              </h3>
              <Table
                head={[t(l, '稿件', 'Draft'), t(l, '版本', 'Version'), t(l, '进度', 'Where it stands'), t(l, '更新', 'Updated')]}
                empty=""
                rows={items.map((d) => [
                  <span><a href={draftHref(ctx, d.draftId)} lang={userLang(l, d.title)}>{d.title}</a> <UrgentTag ctx={ctx} urgency={d.urgency} /></span>,
                  t(l, `第 ${d.versionNo} 版`, `v${d.versionNo}`),
                  d.status === 'in_review' && d.currentLevel
                    ? <span><Mixed l={l} text={t(l, `${label('level', d.currentLevel)}${d.waitingOn ? `（${d.waitingOn}）` : ''}审核中`, `With the ${label('level', d.currentLevel, 'en')}${d.waitingOn ? ` (${d.waitingOn})` : ''}`)} /> {d.dueAt ? <Due ctx={ctx} at={d.dueAt} now={now} /> : null}</span>
                    : label('status', d.status, l),
                  <Time at={d.updatedAt} l={l} />,
                ])}
              />
            </section>
          ))
        ) : (
          <p class="empty">{t(l, '您还没有稿件。', 'You have no drafts yet.')} <a href="/drafts/new">{t(l, '新建稿件', 'Write one')}</a></p>
        )}
      </Card>

      {duties.length ? (
        <Card id="duties" title={t(l, '我的职责（未完成）', 'My duties (not done)')}>
          <Table
            caption={t(l, '网络意识形态工作责任制规定的定期工作；全部职责见“我的职责”。', 'Recurring duties of the responsibility system; see My duties for all.')}
            head={[t(l, '职责', 'Duty'), t(l, '单位', 'Unit'), t(l, '期间', 'Period'), t(l, '截止', 'Due')]}
            empty=""
            rows={duties.map((o) => [<a href={`/duties/${o.id}`} lang={userLang(l, o.title)}>{o.title}</a>, <UserText l={l}>{o.unitName}</UserText>, t(l, periodWords(o.period).zh, periodWords(o.period).en), <Due ctx={ctx} at={new Date(o.dueAt)} now={now} />])}
          />
        </Card>
      ) : null}

      <Card id="decided" title={t(l, '最近的审核意见', 'Recent decisions')}>
        <Table
          head={[t(l, '稿件', 'Draft'), t(l, '级别', 'Level'), t(l, '审核人', 'Reviewer'), t(l, '结论', 'Decision'), t(l, '意见', 'Comment'), t(l, '时间', 'When')]}
          empty={t(l, '还没有审核意见。', 'No decisions yet.')}
          rows={ws.decided.map((d) => [
            <span><a href={draftHref(ctx, d.draftId)} lang={userLang(l, d.title)}>{d.title}</a> <span class="muted">{t(l, `第 ${d.versionNo} 版`, `v${d.versionNo}`)}</span></span>,
            label('level', d.level, l),
            <Mixed l={l} text={d.byMe ? t(l, `${d.by}（我）`, `${d.by} (me)`) : d.by} />,
            <Tag tone={d.decision === 'approve' ? 'ok' : d.decision === 'return' ? 'warn' : 'bad'}>{label('decision', d.decision, l)}</Tag>,
            <UserText l={l}>{d.comment ?? '—'}</UserText>,
            <Time at={d.at} l={l} />,
          ])}
        />
      </Card>
    </Layout>
  );
}
