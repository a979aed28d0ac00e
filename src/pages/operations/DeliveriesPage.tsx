import { CHANNEL_NAMES, DELIVERY_STATUSES } from '../../../db/schema';
import { label } from '../../lib/i18n';
import type { listDeliveries } from '../../services/notifications';
import { t, type PageCtx } from '../components/context';
import { Button, Card, ErrorSummary, Notice, PostForm, Select, Table, Tag, Time, type FieldErrors, type Tone } from '../components/ui';

type Rows = Awaited<ReturnType<typeof listDeliveries>>;
export interface DeliveryFilterValues { status?: string; channel?: string; offset: number }

const TONE: Record<string, Tone> = { sent: 'ok', failed: 'bad', retrying: 'warn', sending: 'info' };

/** GET /deliveries: notification sends by status and channel (failed first), the last error; 重新发送 for admins. */
export function DeliveriesPage(p: { ctx: PageCtx; rows: Rows; more: boolean; filter: DeliveryFilterValues; limit: number; canResend: boolean; errors?: FieldErrors; done?: string }) {
  const l = p.ctx.locale;
  const query = (offset: number) => {
    const q = new URLSearchParams({ status: p.filter.status ?? '', ...(p.filter.channel ? { channel: p.filter.channel } : {}) });
    if (offset) q.set('offset', String(offset));
    return q.toString();
  };
  return (
    <>
      <h1>{t(l, '消息发送记录', 'Notification deliveries')}</h1>
      {p.done ? <Notice tone="ok">{p.done}</Notice> : null}
      <ErrorSummary errors={p.errors ?? {}} l={l} />
      <Card>
        <p class="hint">{p.canResend
          ? t(l, '每条通知经每个渠道发送一次；多次尝试仍失败的列为「发送失败」。修正单位的群机器人设置或收件人的通知方式后，可重新发送。', 'Each message goes once over each channel; one that kept failing is listed as failed. Fix the unit’s robots or the person’s channels, then send it again.')
          : t(l, '每条通知经每个渠道发送一次；多次尝试仍失败的列为「发送失败」。修正原因后由管理员重新发送。', 'Each message goes once over each channel; one that kept failing is listed as failed. Once the cause is fixed, an admin sends it again.')}</p>
        <form method="get" action="/deliveries" class="filters" role="search" aria-label={t(l, '筛选发送记录', 'Filter deliveries')}>
          <Select name="status" label={t(l, '状态', 'Status')} value={p.filter.status ?? ''} options={[['', t(l, '全部', 'All')], ...DELIVERY_STATUSES.map((s): [string, string] => [s, label('deliveryStatus', s, l)])]} />
          {/* The memory channel is the tests' own: never a deployment's. */}
          <Select name="channel" label={t(l, '渠道', 'Channel')} value={p.filter.channel ?? ''} options={[['', t(l, '全部', 'All')], ...CHANNEL_NAMES.filter((c) => c !== 'memory').map((c): [string, string] => [c, label('channel', c, l)])]} />
          <div class="actions"><Button>{t(l, '筛选', 'Filter')}</Button></div>
        </form>
      </Card>
      <Card title={t(l, '发送记录（最新在前）', 'Deliveries, newest first')} id="f-deliveries">
        <Table
          head={[t(l, '时间', 'Time'), t(l, '收件人', 'To'), t(l, '渠道', 'Channel'), t(l, '消息', 'Message'), t(l, '状态', 'Status'), t(l, '最近错误', 'Last error'), ...(p.canResend ? [t(l, '操作', 'Action')] : [])]}
          empty={t(l, '没有符合条件的发送记录', 'No delivery matches')}
          rows={p.rows.map((d) => [
            <Time at={d.createdAt} l={l} />,
            d.personName ?? t(l, '（对接系统）', '(hand-off endpoint)'),
            label('channel', d.channel, l),
            <>
              {label('deliveryKind', d.kind, l)}
              {d.draftId ? <div><a href={`/drafts/${d.draftId}`}>{d.draftTitle ?? t(l, '稿件', 'Draft')}</a></div> : null}
            </>,
            <>
              <Tag tone={TONE[d.status] ?? 'grey'}>{label('deliveryStatus', d.status, l)}</Tag>
              <div class="meta">{t(l, `尝试 ${d.attempts} 次`, `${d.attempts} attempts`)}</div>
            </>,
            d.lastError ? <span class="mono hash">{d.lastError}</span> : '—',
            ...(p.canResend ? [d.status === 'failed' && d.outboxId !== null ? (
              <PostForm action={`/deliveries/${d.id}/resend?${query(p.filter.offset)}`} csrf={p.ctx.csrf} class="inline">
                <Button kind="secondary">{t(l, '重新发送', 'Send again')}</Button>
              </PostForm>
            ) : '—'] : []),
          ])}
        />
        <div class="actions">
          {p.filter.offset > 0 ? <a href={`/deliveries?${query(Math.max(0, p.filter.offset - p.limit))}`}>{t(l, '上一页', 'Previous')}</a> : null}
          {p.more ? <a href={`/deliveries?${query(p.filter.offset + p.limit)}`} rel="next">{t(l, '下一页', 'Next')}</a> : null}
        </div>
      </Card>
    </>
  );
}
