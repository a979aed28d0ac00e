import { raw } from 'hono/html';
import { POSITIONS, type Position } from '../../../db/schema';
import { pageHeadings } from '../../domain/html';
import { FINDING_KIND_LABELS } from '../../domain/prescreen';
import { registryLabel } from '../../domain/registry-labels';
import { fileKind, fileSize } from '../../domain/files';
import { dutyConflictWords } from '../../domain/signoff';
import { aside, label, listed, type Locale } from '../../lib/i18n';
import type { DiffAskProblem, DraftPageData, TimelineEvent, viewDiff } from '../../services/draft-page';
import { blockedAccount } from '../../services/publish-gate';
import { t, type PageCtx } from '../components/context';
import { VersionChanges } from '../components/diff';
import { Layout } from '../components/Layout';
import { Mixed, userLang, UserText } from '../components/user-text';
import {
  Button, Card, ErrorSummary, Facts, fieldId, LinkButton, Notice, PostForm, Select, StatusTag, Table, Tag, TextArea, TextField, Time, Timeline,
  type FieldErrors, type TimelineItem, type Tone,
} from '../components/ui';
import { Ticks } from '../signoff/components';
import { WORKSPACE_CSS_URL } from './css';

type Diff = ReturnType<typeof viewDiff>;

const SEVERITY: Record<string, [string, string, Tone]> = { high: ['高', 'high', 'bad'], medium: ['中', 'medium', 'warn'], low: ['低', 'low', 'grey'] };

/** Messages a page action redirects back with (`?done=`). */
export const DONE: Record<string, [string, string]> = {
  saved: ['已保存。', 'Saved.'],
  submitted: ['已提交审核，第一级审核人已收到审核链接。', 'Submitted: the first reviewer has been sent a sign-off link.'],
  withdrawn: ['稿件已撤回，未用的审核链接已失效。', 'Withdrawn: the open sign-off links no longer work.'],
  urged: ['已催办，审核人已收到新的审核链接。', 'Urged: the reviewer has been sent a fresh link.'],
  retracted: ['已撤销发布。', 'Retracted.'],
  published: ['已登记发布。', 'The publication is recorded.'],
};

const nameOf = (d: DraftPageData, id: unknown, l: Locale) => (typeof id === 'string' ? (d.names.get(id) ?? t(l, '（未知）', '(unknown)')) : t(l, '系统', 'the system'));
const levelOf = (v: unknown, l: Locale) => (typeof v === 'string' ? label('level', v, l) : '');
const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

/** A separation-of-duties refusal as recorded: a code (and the level already signed), said in the reader's language; older events kept the English sentence itself. */
function refusalOf(data: Record<string, unknown>, l: Locale): string | null {
  if (data.reason === 'own_draft') return dutyConflictWords({ reason: 'own_draft' }).in(l);
  if (data.reason === 'signed_other_level' && (POSITIONS as readonly unknown[]).includes(data.signedAs)) return dutyConflictWords({ reason: 'signed_other_level', signedAs: data.signedAs as Position }).in(l);
  return str(data.reason);
}

/** A reviewer's comment (意见), or the reason someone gave for an act (原因: a withdrawal, a transfer, a refusal). */
const Comment = ({ text, l, reason = false }: { text: string | null; l: Locale; reason?: boolean }) =>
  text ? <p class="comment">{reason ? t(l, '原因：', 'Reason: ') : t(l, '意见：', 'Comment: ')}<UserText l={l}>{text}</UserText></p> : null;

/** The file a version was made to add (an upload with attach=true), by the name it was given. */
const AddedFile = ({ data, l }: { data: Record<string, unknown>; l: Locale }) =>
  str(data.fileName) ? <div class="muted">{t(l, '添加文件：', 'added ')}<UserText l={l}>{str(data.fileName)}</UserText></div> : null;

/** One audited event as a line of the timeline, in the reader's language. */
function eventItem(d: DraftPageData, e: TimelineEvent, l: Locale): TimelineItem {
  const who = nameOf(d, e.actorId, l);
  const data = e.data;
  const version = typeof data.version === 'number' ? data.version : null;
  switch (e.action) {
    case 'draft.created':
      return { tone: 'info', at: e.at, title: t(l, `${who} 起草（第 1 版）`, `${who} wrote the draft (version 1)`) };
    case 'draft.edited':
      return { tone: 'info', at: e.at, title: t(l, `${who} 修改为第 ${version} 版`, `${who} made version ${version}`), children: <AddedFile data={data} l={l} /> };
    case 'draft.edited_in_review':
      return { tone: 'warn', at: e.at, title: t(l, `${who} 在审核中修改为第 ${version} 版，审核从第一级重新开始`, `${who} made version ${version} during review; the review restarted at the first level`), children: <AddedFile data={data} l={l} /> };
    case 'draft.publishing_changed': {
      const names = (v: unknown) => (Array.isArray(v) ? v.map((id) => d.accountNames.get(String(id)) ?? String(id)).join(t(l, '、', ', ')) : '');
      const parts = [
        Array.isArray(data.accountIds) ? t(l, `发布账号改为 ${names(data.accountIds) || '—'}`, `accounts now ${names(data.accountIds) || '—'}`) : null,
        str(data.urgency) ? t(l, `紧急程度改为「${label('urgency', String(data.urgency), l)}」`, `urgency now ${label('urgency', String(data.urgency), l)}`) : null,
      ].filter(Boolean).join(t(l, '；', '; '));
      return {
        tone: data.restartedAt ? 'warn' : 'info', at: e.at,
        title: data.restartedAt ? t(l, `${who} 在审核中更改：${parts}，审核从第一级重新开始`, `${who} changed during review: ${parts}; the review restarted at the first level`) : t(l, `${who} 更改：${parts}`, `${who} changed: ${parts}`),
      };
    }
    case 'draft.submitted':
    case 'draft.resubmitted':
      return {
        tone: 'info', at: e.at,
        title: e.action === 'draft.submitted' ? t(l, `${who} 提交审核（第 ${version} 版）`, `${who} submitted version ${version} for review`) : t(l, `${who} 重新提交（第 ${version} 版）`, `${who} resubmitted version ${version}`),
        children: str(data.level) ? <div class="muted">{t(l, `送 ${levelOf(data.level, l)} 审核`, `to the ${levelOf(data.level, l)}`)}</div> : null,
      };
    case 'draft.withdrawn':
    case 'draft.retracted':
      return {
        tone: 'bad', at: e.at,
        title: e.action === 'draft.withdrawn' ? t(l, `${who} 撤回稿件`, `${who} withdrew the draft`) : t(l, `${who} 撤销发布`, `${who} retracted the draft`),
        children: <Comment text={str(data.reason)} l={l} reason />,
      };
    case 'review.approved':
    case 'review.returned':
    case 'review.rejected': {
      const decision = e.action === 'review.approved' ? 'approve' : e.action === 'review.returned' ? 'return' : 'reject';
      const tone: Tone = decision === 'approve' ? 'ok' : decision === 'return' ? 'warn' : 'bad';
      return {
        tone, at: e.at,
        title: (
          <span class="decision" data-person={who}>
            <b>{levelOf(data.level, l)}</b> <UserText l={l}>{who}</UserText> <Tag tone={tone}>{label('decision', decision, l)}</Tag>
            {decision === 'return' && str(data.returnTo) ? <span class="muted"> → {levelOf(data.returnTo, l)}</span> : null}
            {version ? <span class="muted"> · {t(l, `第 ${version} 版`, `version ${version}`)}</span> : null}
          </span>
        ),
        children: (
          <>
            <Ticks checklist={(data.checklist as Record<string, boolean> | undefined) ?? null} locale={l} />
            <Comment text={str(data.comment)} l={l} />
          </>
        ),
      };
    }
    case 'review.reminded':
      return { tone: 'pending', at: e.at, title: t(l, `提醒 ${nameOf(d, data.assigneeId, l)}（${levelOf(data.level, l)}，第 ${data.n} 次）`, `Reminder ${data.n} to ${nameOf(d, data.assigneeId, l)} (${levelOf(data.level, l)})`) };
    case 'review.escalated': {
      const notified = Array.isArray(data.notified) ? data.notified.map((id) => nameOf(d, id, l)).join(t(l, '、', ', ')) : '';
      return {
        tone: 'bad', at: e.at,
        title: t(l, `逾期升级（第 ${data.step} 步）：${nameOf(d, data.assigneeId, l)} 未审核`, `Escalated (step ${data.step}): ${nameOf(d, data.assigneeId, l)} has not decided`),
        children: notified ? <div class="muted"><Mixed l={l} text={t(l, `已通知：${notified}`, `Told: ${notified}`)} /></div> : null,
      };
    }
    case 'review.transferred':
      return {
        tone: 'info', at: e.at,
        title: t(l, `${who} 将${levelOf(data.level, l)}审核从 ${nameOf(d, data.from, l)} 转交给 ${nameOf(d, data.to, l)}`, `${who} handed the ${levelOf(data.level, l)} review from ${nameOf(d, data.from, l)} to ${nameOf(d, data.to, l)}`),
        children: <Comment text={str(data.reason)} l={l} reason />,
      };
    case 'review.handed_over':
      return { tone: 'info', at: e.at, title: t(l, `岗位接任：${levelOf(data.position, l)}审核由 ${nameOf(d, data.from, l)} 交给 ${nameOf(d, data.to, l)}`, `Succession: the ${levelOf(data.position, l)} review passed from ${nameOf(d, data.from, l)} to ${nameOf(d, data.to, l)}`) };
    case 'review.urged':
      return { tone: 'warn', at: e.at, title: t(l, `${who} 催办${levelOf(data.level, l)}审核`, `${who} urged the ${levelOf(data.level, l)}`), children: <Comment text={str(data.comment)} l={l} /> };
    case 'review.link_resent':
      return { tone: 'pending', at: e.at, title: t(l, `${who} 重新获取了审核链接`, `${who} asked for a fresh sign-off link`) };
    case 'signoff.refused':
      return { tone: 'bad', at: e.at, title: t(l, `${who} 的审核未被接受（职责分离）`, `${who}’s decision was refused (separation of duties)`), children: <Comment text={refusalOf(data, l)} l={l} reason /> };
    case 'signoff.by_mid_review_appointee':
      return { tone: 'warn', at: e.at, title: t(l, `${who} 系审核期间任命的${levelOf(data.level, l)}`, `${who} was appointed ${levelOf(data.level, l)} while the draft was in review`) };
    case 'review.returned_to_position':
      return { tone: 'info', at: e.at, title: t(l, `${nameOf(d, data.from, l)} 已停用：${levelOf(data.level, l)}审核交回岗位，由 ${nameOf(d, data.to, l)} 负责`, `${nameOf(d, data.from, l)} was deactivated: the ${levelOf(data.level, l)} review went back to the position, now ${nameOf(d, data.to, l)}`) };
    case 'draft.file_uploaded':
      return { tone: 'info', at: e.at, title: t(l, `${who} 上传文件：${str(data.name) ?? ''}`, `${who} uploaded ${str(data.name) ?? 'a file'}`) };
    case 'draft.published':
      return {
        tone: 'ok', at: e.at,
        title: t(l, `${who} 登记已发布`, `${who} recorded the publication`),
        children: str(data.url) ? <div class="muted"><a href={str(data.url)!} rel="noopener noreferrer">{str(data.url)}</a></div> : null,
      };
    default:
      // An event this page has no words for yet: never its bare key in the text (the key rides along for whoever inspects it).
      return { tone: 'grey' as Tone, at: e.at, title: <span data-action={e.action}><Mixed l={l} text={t(l, `${who} · 其他操作`, `${who} · other action`)} /></span> };
  }
}

/** What the page says of versions its address asked to compare and the draft does not have, and which it compares instead. */
function DiffAskNotice({ problems, diff, d, l }: { problems: DiffAskProblem[]; diff: Diff | null; d: DraftPageData; l: Locale }) {
  if (!problems.length) return null;
  const n = d.view.currentVersion;
  const side = (field: 'from' | 'to') => (field === 'from' ? t(l, '旧版本', 'from') : t(l, '新版本', 'to'));
  return (
    <Notice tone="warn">
      <ul class="plain diff-ask">
        {problems.map((p) => (
          <li data-field={p.field}>
            {p.numeric
              ? t(l, `对比的${side(p.field)}第 ${p.asked} 版（${p.field}=${p.asked}）不存在：本稿件共 ${n} 版。`, `There is no version ${p.asked} to compare ${side(p.field)} (${p.field}=${p.asked}): this draft has ${n} version${n === 1 ? '' : 's'}.`)
              : t(l, `对比的${side(p.field)}（${p.field}=${p.asked}）不是版本号，应为 1 至 ${n} 的整数。`, `${p.field}=${p.asked} is not a version number to compare ${side(p.field)}: it should be a whole number from 1 to ${n}.`)}
          </li>
        ))}
      </ul>
      <p>{diff ? t(l, `下面显示第 ${diff.from} 版与第 ${diff.to} 版的对比。`, `Shown below: version ${diff.from} against version ${diff.to}.`) : t(l, '本稿件只有一个版本，没有可对比的内容。', 'This draft has a single version: there is nothing to compare.')}</p>
    </Notice>
  );
}

function DiffCard({ ctx, d, diff, problems }: { ctx: PageCtx; d: DraftPageData; diff: Diff | null; problems: DiffAskProblem[] }) {
  const l = ctx.locale;
  const versions = d.view.versions.map((v) => [String(v.no), t(l, `第 ${v.no} 版`, `Version ${v.no}`)] as [string, string]);
  return (
    <Card id="versions" title={t(l, '版本与修改对比', 'Versions and what changed')}>
      <Table
        head={[t(l, '版本', 'Version'), t(l, '标题', 'Title'), t(l, '修改人', 'By'), t(l, '时间', 'When'), t(l, '内容哈希', 'Content hash')]}
        empty=""
        rows={[...d.view.versions].reverse().map((v) => [
          t(l, `第 ${v.no} 版`, `v${v.no}`), <UserText l={l}>{v.title}</UserText>, <UserText l={l}>{d.names.get(v.createdBy) ?? '—'}</UserText>, <Time at={v.createdAt} l={l} />, <code class="hash">{v.contentSha256.slice(0, 16)}…</code>,
        ])}
      />
      {versions.length > 1 ? (
        <>
          <form method="get" action={`/drafts/${d.view.id}#diff`} class="diff-form">
            {ctx.query.get('lang') ? <input type="hidden" name="lang" value={l} /> : null}
            <Select name="from" label={t(l, '对比：旧版本', 'Compare: from')} value={String(diff?.from ?? '')} options={versions} />
            <Select name="to" label={t(l, '新版本', 'to')} value={String(diff?.to ?? '')} options={versions} />
            <Button kind="secondary">{t(l, '对比', 'Compare')}</Button>
          </form>
          <div id="diff">
            <DiffAskNotice problems={problems} diff={diff} d={d} l={l} />
            {diff ? <VersionChanges diff={diff} l={l} /> : null}
          </div>
        </>
      ) : (
        <div id="diff">
          <DiffAskNotice problems={problems} diff={null} d={d} l={l} />
          <p class="muted">{t(l, '只有一个版本。', 'There is only one version.')}</p>
        </div>
      )}
    </Card>
  );
}

function ActionsCard({ ctx, d, errors, input }: { ctx: PageCtx; d: DraftPageData; errors: FieldErrors; input: Record<string, string> }) {
  const l = ctx.locale;
  const a = d.actions;
  const id = d.view.id;
  const lang = ctx.query.get('lang') ? `?lang=${l}` : '';
  const any = a.submit || a.edit || a.withdraw || a.urge || a.retract || a.publish || a.myReviewId;
  // 登记发布 is on an account the gate lets through now; the others are named with the reason, not offered.
  const gate = new Map(d.publishTo.map((p) => [p.id, p]));
  const usable = d.accounts.filter((x) => gate.get(x.id)?.ok);
  const blocked = d.accounts.filter((x) => gate.has(x.id) && !gate.get(x.id)!.ok);
  const blockedText = (lang: Locale) => listed(blocked.map((x) => blockedAccount(gate.get(x.id)!, lang)), lang);
  return (
    <Card id={fieldId('actions')} title={t(l, '操作', 'Actions')}>
      {!any ? <p class="muted">{t(l, '此稿件当前没有您可以进行的操作。', 'There is nothing you can do on this draft now.')}</p> : null}
      <div class="actions">
        {a.myReviewId ? <LinkButton href={`/reviews/${a.myReviewId}/open${lang}`}>{t(l, '审核此稿件', 'Review this draft')}</LinkButton> : null}
        {a.edit ? <LinkButton href={`/drafts/${id}/edit${lang}`} kind="secondary">{t(l, '编辑', 'Edit')}</LinkButton> : null}
        <LinkButton href={`/drafts/${id}/sheet${lang}`} kind="secondary">{t(l, '审核单', 'Approval sheet')}</LinkButton>
      </div>
      <div class="action-forms">
        {a.submit ? (
          <PostForm action={`/drafts/${id}/submit${lang}`} csrf={ctx.csrf}>
            <h3>{t(l, '提交审核', 'Submit for review')}</h3>
            <p class="muted">{t(l, '提交后第一级审核人会收到审核链接。', 'The first reviewer is sent a sign-off link.')}</p>
            <Button>{t(l, '提交审核', 'Submit for review')}</Button>
          </PostForm>
        ) : null}
        {a.urge ? (
          <PostForm action={`/drafts/${id}/urge${lang}`} csrf={ctx.csrf} id="urge">
            <h3>{t(l, '催办', 'Urge the reviewer')}</h3>
            <TextArea name="comment" rows={2} value={input.comment} error={errors.comment} label={t(l, '催办留言（可选）', 'Message (optional)')} hint={t(l, '审核人会收到新的审核链接和这段话；每小时一次。', 'The reviewer gets a fresh link with this message; once an hour.')} />
            <Button kind="warn">{t(l, '催办', 'Urge')}</Button>
          </PostForm>
        ) : null}
        {a.withdraw ? (
          <PostForm action={`/drafts/${id}/withdraw${lang}`} csrf={ctx.csrf} confirm={t(l, '确定撤回此稿件？撤回后不能再提交。', 'Withdraw this draft? It cannot be submitted again.')}>
            <h3>{t(l, '撤回', 'Withdraw')}</h3>
            <TextArea name="reason" rows={2} value={input.reason} error={errors.reason} label={t(l, '撤回原因（可选）', 'Reason (optional)')} />
            <Button kind="danger">{t(l, '撤回稿件', 'Withdraw the draft')}</Button>
          </PostForm>
        ) : null}
        {a.publish ? (
          <PostForm action={`/drafts/${id}/publish${lang}`} csrf={ctx.csrf} id="publish">
            <h3>{t(l, '登记发布', 'Record the publication')}</h3>
            <p class="muted">{t(l, '发布后登记网址和时间，供年度检查和日后查证。', 'Once it is live, record where and when, for the annual inspection and for later.')}</p>
            {blocked.length ? (
              <Notice tone={usable.length ? 'warn' : 'bad'}>
                {t(l, `以下账号当前不能发布，不能在其上登记发布：${blockedText('zh-CN')}`, `These accounts cannot be published on now, so no publication is recorded on them: ${blockedText('en')}`)}
              </Notice>
            ) : null}
            {errors.accountId && !usable.length ? <p class="error-message" id={fieldId('accountId')}>{errors.accountId}</p> : null}
            {usable.length || !d.accounts.length ? (
              <>
                <TextField name="url" type="url" label={t(l, '发布网址', 'Address (URL)')} value={input.url} error={errors.url} required />
                <TextField name="publishedAt" type="datetime-local" label={t(l, '发布时间（北京时间，可选；默认现在）', 'Published at (Beijing time; optional, now if empty)')} value={input.publishedAt} error={errors.publishedAt} />
                {d.accounts.length > 1 ? (
                  <Select name="accountId" label={t(l, '发布账号（可选）', 'Account (optional)')} l={l} value={input.accountId} error={errors.accountId}
                    options={[['', t(l, '未指定', 'Not given')], ...usable.map((x): [string, string] => [x.id, x.name])]} />
                ) : usable[0] ? <input type="hidden" name="accountId" value={usable[0].id} /> : null}
                <Button kind="ok">{t(l, '登记发布', 'Record')}</Button>
              </>
            ) : null}
          </PostForm>
        ) : null}
        {a.retract ? (
          <PostForm action={`/drafts/${id}/retract${lang}`} csrf={ctx.csrf} confirm={t(l, '确定撤销发布？', 'Retract this draft?')}>
            <h3>{t(l, '撤销发布', 'Retract')}</h3>
            <TextArea name="reason" rows={2} value={input.reason} error={errors.reason} label={t(l, '撤销原因', 'Reason')} />
            <Button kind="danger">{t(l, '撤销发布', 'Retract')}</Button>
          </PostForm>
        ) : null}
      </div>
    </Card>
  );
}

export interface DraftPageProps {
  ctx: PageCtx;
  d: DraftPageData;
  diff: Diff | null;
  /** Versions the address asked to compare that the draft does not have (said above the diff). */
  diffProblems?: DiffAskProblem[];
  now: Date;
  done?: string;
  errors?: FieldErrors;
  input?: Record<string, string>;
}

/** `GET /drafts/{id}`: status, timeline, versions with their diff, files, pre-screen and the allowed actions. */
export function DraftPage({ ctx, d, diff, diffProblems = [], now, done, errors = {}, input = {} }: DraftPageProps) {
  const l = ctx.locale;
  const v = d.view;
  const current = v.versions.at(-1)!;
  const pendingReview = v.reviews.find((r) => r.status === 'pending');
  const items: TimelineItem[] = d.events.map((e) => eventItem(d, e, l));
  if (pendingReview) {
    const late = d.pending?.dueAt && d.pending.dueAt.getTime() < now.getTime();
    items.push({
      tone: 'pending',
      title: t(l, `等待 ${label('level', pendingReview.level)} ${pendingReview.reviewer.name} 审核`, `Waiting for the ${label('level', pendingReview.level, 'en')}, ${pendingReview.reviewer.name}`),
      children: d.pending?.dueAt ? <div class="muted">{t(l, '期限：', 'Due: ')}<Time at={d.pending.dueAt} l={l} /> {late ? <Tag tone="bad">{t(l, '已逾期', 'Overdue')}</Tag> : null}</div> : null,
    });
  }
  const title = `${Object.keys(errors).length ? t(l, '错误：', 'Error: ') : ''}${v.title}`;
  return (
    <Layout ctx={ctx} title={title} crumbs={[[t(l, '工作台', 'Workspace'), '/'], [t(l, '稿件', 'Draft')]]} head={<link rel="stylesheet" href={WORKSPACE_CSS_URL} />}>
      <ErrorSummary errors={errors} l={l} />
      {done && DONE[done] ? <Notice tone="ok">{t(l, DONE[done]![0], DONE[done]![1])}</Notice> : null}
      <div class="page-head">
        <h1 lang={userLang(l, v.title)}>{v.title}</h1>
        <span><StatusTag status={v.status} l={l} /> {v.urgency === 'urgent' ? <Tag tone="bad">{label('urgency', 'urgent', l)}</Tag> : null}</span>
      </div>
      <Card title={t(l, '概况', 'Summary')}>
        <Facts
          rows={[
            [t(l, '状态', 'Status'), <span id="draft-status" data-status={v.status}>{label('status', v.status, l)}{pendingReview ? <Mixed l={l} text={t(l, `（${label('level', pendingReview.level)} ${pendingReview.reviewer.name}）`, ` (${label('level', pendingReview.level, 'en')}, ${pendingReview.reviewer.name})`)} /> : ''}</span>],
            [t(l, '单位', 'Unit'), <UserText l={l}>{d.unitName}</UserText>],
            [t(l, '撰写人', 'Drafter'), <UserText l={l}>{d.names.get(v.drafterId) ?? '—'}</UserText>],
            [t(l, '发布账号', 'Target accounts'), d.accounts.length ? <Mixed l={l} text={listed(d.accounts.map((a) => a.name + aside(registryLabel('platform', a.platform, l), l)), l)} /> : '—'],
            [t(l, '当前版本', 'Current version'), <span>{t(l, `第 ${v.currentVersion} 版`, `version ${v.currentVersion}`)} · <code class="hash">{v.contentSha256}</code></span>],
            [t(l, '最后更新', 'Updated'), <Time at={v.updatedAt} l={l} />],
          ]}
        />
      </Card>
      <ActionsCard ctx={ctx} d={d} errors={errors} input={input} />
      {d.publications.length ? (
        <Card id="publications" title={t(l, '发布登记', 'Publications')}>
          <Table
            head={[t(l, '网址', 'Address'), t(l, '账号', 'Account'), t(l, '发布时间', 'Published'), t(l, '登记人', 'Recorded by')]}
            empty=""
            rows={d.publications.map((p) => [
              <a href={p.url} rel="noopener noreferrer" target="_blank">{p.url}</a>,
              <UserText l={l}>{d.accounts.find((x) => x.id === p.accountId)?.name ?? '—'}</UserText>, <Time at={p.publishedAt} l={l} />, <UserText l={l}>{p.recordedBy.name ?? '—'}</UserText>,
            ])}
          />
        </Card>
      ) : null}
      <Card id="timeline" title={t(l, '审核进程', 'Timeline')}>
        <Timeline items={items} l={l} />
      </Card>
      <Card id="content" title={t(l, `正文（第 ${current.no} 版）`, `Text (version ${current.no})`)}>
        <div class="content" lang={userLang(l, v.bodyHtml)}>{raw(pageHeadings(v.bodyHtml))}</div>
      </Card>
      <Card id="files" title={t(l, '本版本的文件', 'Files of this version')}>
        <Table
          head={[t(l, '文件名', 'Name'), t(l, '类型', 'Type'), t(l, '大小', 'Size')]}
          empty={t(l, '本版本没有文件。', 'This version has no files.')}
          rows={v.files.map((f) => [<a href={f.url} download={f.name} lang={userLang(l, f.name)}>{f.name}</a>, fileKind(f.type, l), fileSize(f.size)])}
        />
      </Card>
      <Card id="prescreen" title={t(l, '发布前自查提示', 'Pre-screen findings')}>
        {v.prescreen.length ? (
          <ul class="findings">
            {v.prescreen.map((f) => {
              const sev = SEVERITY[f.severity] ?? ['', f.severity, 'grey' as Tone];
              return (
                <li>
                  <Tag tone={sev[2]}>{t(l, `${sev[0]}风险`, `${sev[1]} risk`)}</Tag> {t(l, ...FINDING_KIND_LABELS[f.kind])}
                  {f.word ? <Mixed l={l} text={`「${f.word}」`} /> : ''} · {f.field === 'title' ? t(l, '标题', 'title') : t(l, '正文', 'body')}{t(l, '：', ': ')}<q lang={userLang(l, f.excerpt)}>{f.excerpt}</q>
                </li>
              );
            })}
          </ul>
        ) : <p class="muted">{t(l, '未发现需要注意的内容（自查仅供参考）。', 'Nothing found (the pre-screen is advisory).')}</p>}
      </Card>
      <DiffCard ctx={ctx} d={d} diff={diff} problems={diffProblems} />
    </Layout>
  );
}
