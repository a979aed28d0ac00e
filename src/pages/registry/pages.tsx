import type { Child } from 'hono/jsx';
import { ACCOUNT_STATUSES, ACCOUNT_TIERS } from '../../../db/schema';
import { CODE_STATES, commentatorCover, isInService, termLapsed, type AccountCommand, type AccountRole, type CodeState } from '../../domain/account-lifecycle';
import { PLATFORMS } from '../../domain/inspection-code';
import { registryLabel, type RegistryLabelGroup } from '../../domain/registry-labels';
import { listed, type Locale } from '../../lib/i18n';
import type { getAccountView } from '../../services/accounts';
import { blockReason, type PublishBlock } from '../../services/publish-gate';
import { t, type PageCtx } from '../components/context';
import { userLang, UserText } from '../components/user-text';
import {
  Button, Card, ErrorSummary, Facts, fieldId, LinkButton, Notice, PostForm, Select, Table, Tag, TextArea, TextField, Time, Timeline,
  type FieldErrors, type TimelineItem, type Tone,
} from '../components/ui';
import { cstDateValue, type FormData } from '../console/forms';
import { DEFAULT_RECTIFY_DAYS } from '../../domain/inspection';
import { PeoplePicker, type PickerState } from '../console/picker';
import { ADD_STUDENT, LEADERS, rowLapsed, STUDENT_ROLES, STUDENT_ROWS, studentField, studentRows } from './people-form';

/** 第一责任人 and 分管领导, named on the account page beside the owner. */
const LEADER_ROLES = LEADERS.map(([, role]) => role);

export const rl = (group: RegistryLabelGroup, key: string, l: Locale) => registryLabel(group, key, l);

const ACCOUNT_TONE: Record<string, Tone> = { pending: 'info', registered: 'ok', suspended: 'bad', rectifying: 'warn', shut_down: 'bad', deregistered: 'grey' };
const CODE_TONE: Record<string, Tone> = { valid: 'ok', revoked: 'bad', expired: 'grey', none: 'grey' };
/** The status as people read it: an application refused (deregistered, never registered) is not a closed-down account. */
export const shownStatus = (a: { status: string; registrationNo?: string | null }) => (a.status === 'deregistered' && a.registrationNo === null ? 'rejected' : a.status);
export const AccountStatusTag = ({ status, registrationNo, l }: { status: string; registrationNo?: string | null; l: Locale }) => {
  const shown = shownStatus({ status, registrationNo });
  return <Tag tone={ACCOUNT_TONE[shown] ?? 'grey'}>{rl('accountStatus', shown, l)}</Tag>;
};
export const codeStateLabel = (state: CodeState, l: Locale) => (state === 'none' ? t(l, '无编码', 'no code') : rl('codeStatus', state, l));
export const CodeTag = ({ state, l }: { state: CodeState; l: Locale }) => <Tag tone={CODE_TONE[state]}>{codeStateLabel(state, l)}</Tag>;

type Unit = { id: string; name: string };

export interface RegistryRow {
  id: string; name: string; platform: string; platformId: string; unitName: string; ownerName: string; status: string; registrationNo: string | null;
  code: { code: string; year: number; state: CodeState } | null; dormant: boolean;
}

export interface RegistryFilter { unitId?: string; platform?: string; status?: string; code?: string; q?: string }

const any = (l: Locale): [string, string] => ['', t(l, '全部', 'All')];

/** GET /registry: every account the person may see, filtered and searched, with this year's code. */
export function RegistryListPage({ ctx, rows, units, filter, canExport, csvHref }: { ctx: PageCtx; rows: RegistryRow[]; units: Unit[]; filter: RegistryFilter; canExport: boolean; csvHref: string }) {
  const l = ctx.locale;
  return (
    <>
      <div class="page-head">
        <h1>{t(l, '账号登记备案', 'Account registry')}</h1>
        <div class="actions">
          <LinkButton href="/registry/apply">{t(l, '申请登记', 'Apply to register')}</LinkButton>
          {canExport ? <a class="btn secondary" href={csvHref} download>{t(l, '下载 CSV', 'Download CSV')}</a> : null}
        </div>
      </div>
      <Card>
        <form method="get" action="/registry" class="filters" role="search" aria-label={t(l, '筛选账号', 'Filter accounts')}>
          <TextField name="q" label={t(l, '搜索名称或平台账号', 'Search name or platform id')} type="search" value={filter.q} />
          <Select name="unitId" label={t(l, '单位', 'Unit')} l={l} value={filter.unitId} options={[any(l), ...units.map((u): [string, string] => [u.id, u.name])]} />
          <Select name="platform" label={t(l, '平台', 'Platform')} value={filter.platform} options={[any(l), ...PLATFORMS.map((p): [string, string] => [p, rl('platform', p, l)])]} />
          <Select name="status" label={t(l, '状态', 'Status')} value={filter.status} options={[any(l), ...ACCOUNT_STATUSES.map((s): [string, string] => [s, rl('accountStatus', s, l)])]} />
          <Select name="code" label={t(l, '审查合格编码', 'Pass code')} value={filter.code} options={[any(l), ...CODE_STATES.map((s): [string, string] => [s, codeStateLabel(s, l)])]} />
          <div class="actions">
            <Button>{t(l, '筛选', 'Filter')}</Button>
            <a href="/registry">{t(l, '清除', 'Clear')}</a>
          </div>
        </form>
      </Card>
      <Card title={t(l, `共 ${rows.length} 个账号`, `${rows.length} account${rows.length === 1 ? '' : 's'}`)}>
        <Table
          head={[t(l, '账号', 'Account'), t(l, '平台', 'Platform'), t(l, '单位', 'Unit'), t(l, '负责人', 'Owner'), t(l, '状态', 'Status'), t(l, '审查合格编码', 'Pass code')]}
          empty={t(l, '没有符合条件的账号', 'No account matches')}
          rows={rows.map((a) => [
            <>
              <a href={`/registry/${a.id}`} lang={userLang(l, a.name)}>{a.name}</a>
              <div class="meta"><UserText l={l}>{a.registrationNo ?? t(l, '未登记', 'not registered')}</UserText></div>
            </>,
            <>
              {rl('platform', a.platform, l)}
              <div class="meta mono">{a.platformId}</div>
            </>,
            <UserText l={l}>{a.unitName}</UserText>,
            <UserText l={l}>{a.ownerName}</UserText>,
            <>
              <AccountStatusTag status={a.status} registrationNo={a.registrationNo} l={l} />
              {a.dormant ? <> <Tag tone="warn">{t(l, '休眠', 'dormant')}</Tag></> : null}
            </>,
            a.code ? (
              <>
                <span class="mono">{a.code.code}</span> <CodeTag state={a.code.state} l={l} />
                <div class="meta">{t(l, `${a.code.year} 年度`, `year ${a.code.year}`)}</div>
              </>
            ) : <CodeTag state="none" l={l} />,
          ])}
        />
      </Card>
    </>
  );
}

export type AccountView = Awaited<ReturnType<typeof getAccountView>>;

const EVENT_LABELS: Record<string, [string, string]> = {
  applied: ['提交登记申请', 'applied'], changed: ['变更', 'changed'], dormant_flagged: ['标记为休眠', 'flagged dormant'], dormant_cleared: ['解除休眠', 'no longer dormant'],
};
const eventLabel = (type: string, l: Locale) => (EVENT_LABELS[type] ? t(l, ...EVENT_LABELS[type]!) : rl('accountCommand', type, l));
const EVENT_TONE: Record<string, TimelineItem['tone']> = { approve: 'ok', reinstate: 'ok', reject: 'bad', suspend: 'bad', shut_down: 'bad', deregister: 'bad', rectify: 'warn', dormant_flagged: 'warn' };

/** The lifecycle moves publicity staff make from this page; each but approve asks for the reason, as the API does. */
const MOVES: { command: Exclude<AccountCommand, 'change'>; kind: 'ok' | 'danger' | 'warn' | 'primary'; zh: string; en: string }[] = [
  { command: 'approve', kind: 'ok', zh: '批准登记', en: 'Approve registration' },
  { command: 'reject', kind: 'danger', zh: '驳回申请', en: 'Refuse the application' },
  { command: 'rectify', kind: 'warn', zh: '责令整改', en: 'Order rectification' },
  { command: 'suspend', kind: 'danger', zh: '暂停', en: 'Suspend' },
  { command: 'reinstate', kind: 'ok', zh: '恢复', en: 'Reinstate' },
  { command: 'shut_down', kind: 'danger', zh: '关停', en: 'Shut down' },
  { command: 'deregister', kind: 'danger', zh: '注销', en: 'Deregister' },
];
export const reasonField = (command: string) => `${command}Reason`;

export interface AccountPageProps {
  ctx: PageCtx;
  account: AccountView;
  ownerName: string;
  names: Map<string, string>;
  /** Publicity or admin: may approve, move, revoke and reissue. */
  canAct: boolean;
  /** The inspection whose revoked code may be reissued. */
  reissueInspectionId: string | null;
  errors?: FieldErrors;
  values?: FormData;
  done?: string;
  now: Date;
}

/** GET /registry/{accountId}: facts, dated roles, history, inspections and code, and the moves its state allows. */
export function AccountPage(p: AccountPageProps) {
  const { ctx, account: a, names } = p;
  const l = ctx.locale;
  const current = a.roles.filter((r) => r.current);
  const past = a.roles.filter((r) => !r.current);
  const cover = commentatorCover(a.roles.map((r) => ({ personId: r.personId, role: r.role, kind: r.kind, endsAt: r.endsAt ? new Date(r.endsAt) : null, endedAt: r.endedAt ? new Date(r.endedAt) : null })), p.now);
  // A term that ran out (a student graduated) with nobody relieving them: flagged until a change renews or ends it.
  const lapsed = a.roles.filter((r) => termLapsed(r, p.now));
  const roleRows = (rows: typeof a.roles) => rows.map((r) => [
    rl('role', r.role, l), r.name, r.kind === 'student' ? t(l, '学生', 'student') : t(l, '教师', 'teacher'),
    <Time at={r.startedAt} l={l} />,
    r.endedAt ? <Time at={r.endedAt} l={l} /> : r.endsAt ? <><Time at={r.endsAt} l={l} />{termLapsed(r, p.now) ? <> <Tag tone="warn">{t(l, '已到期', 'term over')}</Tag></> : null}</> : t(l, '长期', 'open-ended'),
  ]);
  const moves = p.canAct ? MOVES.filter((m) => a.allowedActions.includes(m.command)) : [];
  const value = (name: string) => (typeof p.values?.[name] === 'string' ? (p.values[name] as string) : '');
  return (
    <>
      <div class="page-head">
        <h1>{a.name} <AccountStatusTag status={a.status} registrationNo={a.registrationNo} l={l} /></h1>
        <div class="actions">
          {a.allowedActions.includes('change') ? <LinkButton href={`/registry/${a.id}/change`} kind="secondary">{t(l, '变更', 'Change')}</LinkButton> : null}
          {/* Offered where the poster is served: a valid code on a registered account, as /verify has it. */}
          {a.inspectionCode && a.inspectionCodeStatus === 'valid' && isInService(a.status) ? <LinkButton href={`/registry/${a.id}/poster`} kind="secondary">{t(l, '编码海报', 'Code poster')}</LinkButton> : null}
        </div>
      </div>
      {p.done ? <Notice tone="ok">{t(l, `已完成：${p.done}`, `Done: ${p.done}`)}</Notice> : null}
      <ErrorSummary errors={p.errors ?? {}} l={l} />
      <div class="grid2">
        <Card title={t(l, '账号信息', 'Account')}>
          <Facts rows={[
            [t(l, '平台', 'Platform'), rl('platform', a.platform, l)],
            [t(l, '平台账号', 'Platform id'), <span class="mono">{a.platformId}</span>],
            [t(l, '网址', 'URL'), a.url ? <a href={a.url} rel="noopener noreferrer">{a.url}</a> : '—'],
            [t(l, '单位', 'Unit'), a.unitName],
            [t(l, '级别', 'Tier'), rl('tier', a.tier, l)],
            [t(l, '负责人', 'Owner'), p.ownerName],
            ...LEADER_ROLES.map((role): [string, Child] => [rl('role', role, l), listed(current.filter((r) => r.role === role).map((r) => r.name), l) || <span class="muted">{t(l, '未指定', 'not named')}</span>]),
            [t(l, '登记号', 'Registration no.'), a.registrationNo ?? '—'],
            [t(l, '登记时间', 'Registered'), <Time at={a.registeredAt} l={l} />],
            // A status that blocks is named as the tag names it (a refused application, not 已注销).
            [t(l, '可否发布', 'May publish'), a.publishable ? <Tag tone="ok">{t(l, '可以发布', 'yes')}</Tag> : <Tag tone="bad">{`${t(l, '不可发布', 'no')}${t(l, '（', ' (')}${blockReason((a.publishBlock === a.status ? shownStatus(a) : a.publishBlock) as PublishBlock | null, l)}${t(l, '）', ')')}`}</Tag>],
            ...(a.status === 'rectifying' && a.rectifyDeadline ? [[t(l, '整改期限', 'Rectify by'), <Time at={a.rectifyDeadline} l={l} />] as [string, Child]] : []),
            [t(l, '休眠', 'Dormant'), a.dormantSince ? <><Tag tone="warn">{t(l, '休眠', 'dormant')}</Tag> <Time at={a.dormantSince} l={l} /></> : t(l, '否', 'no')],
          ]} />
        </Card>
        <Card title={t(l, '审查合格编码', 'Inspection pass code')}>
          {a.inspectionCode ? (
            <Facts rows={[
              [t(l, '编码', 'Code'), <span class="mono">{a.inspectionCode}</span>],
              [t(l, '年度', 'Year'), String(a.inspectionCodeYear)],
              [t(l, '状态', 'Status'), <CodeTag state={a.inspectionCodeStatus ?? 'none'} l={l} />],
              [t(l, '公开查验', 'Public check'), <a href={`/verify/${encodeURIComponent(a.inspectionCode)}`}>{t(l, '查验页面', 'verify page')}</a>],
            ]} />
          ) : <p class="empty">{t(l, '尚无审查合格编码（年检合格后发放）', 'No pass code yet (issued when an inspection passes)')}</p>}
          {p.canAct && a.inspectionCode && a.inspectionCodeStatus === 'valid' ? (
            <PostForm action={`/registry/${a.id}/code/revoke`} csrf={ctx.csrf} confirm={t(l, '确定撤销此编码？', 'Revoke this code?')}>
              <TextArea name="revokeReason" rows={2} label={t(l, '撤销理由', 'Reason for revoking')} value={value('revokeReason')} error={p.errors?.revokeReason} required />
              <Button kind="danger">{t(l, '撤销编码', 'Revoke the code')}</Button>
            </PostForm>
          ) : null}
          {p.canAct && p.reissueInspectionId ? (
            <PostForm action={`/registry/${a.id}/code/reissue`} csrf={ctx.csrf}>
              <input type="hidden" name="inspectionId" value={p.reissueInspectionId} />
              <div class="actions"><Button kind="ok" id="f-reissue">{t(l, '补发编码', 'Reissue the code')}</Button></div>
            </PostForm>
          ) : null}
        </Card>
      </div>
      <Card title={t(l, '人员（按任期）', 'People (dated roles)')}>
        <p class="hint">{t(l, '规则：每个账号任何时候至少须有一名网络评论员；须有一名教师担任管理员。', 'Rule: an account must have at least one network commentator at all times, and a teacher as administrator.')}</p>
        {cover.state === 'none' ? <Notice tone="bad">{t(l, '当前没有在任的网络评论员，请立即增补。', 'There is no network commentator now: add one at once.')}</Notice> : null}
        {!current.some((r) => r.role === 'admin' && r.kind === 'teacher') ? <Notice tone="bad">{t(l, '当前没有在任的教师管理员（须有一名教师担任管理员），请立即增补。', 'There is no teacher administrator now (a teacher must be one): add one at once.')}</Notice> : null}
        {cover.state === 'lapsing' ? (
          <Notice tone="warn">
            {t(l, `网络评论员${cover.ending.map((id) => names.get(id) ?? '').join('、')}的任期将于`, `The term of network commentator ${cover.ending.map((id) => names.get(id) ?? '').join(', ')} ends on `)}
            <Time at={cover.lapsesAt} l={l} />
            {t(l, '结束，届时账号将没有网络评论员。请在此之前增补。', '; the account will then have none. Add one before then.')}
          </Notice>
        ) : null}
        {lapsed.length ? (
          <Notice tone="warn">
            {t(l, `任期已结束：${listed(lapsed.map((r) => `${r.name}（${rl('role', r.role, l)}）`), l)}。请通过「变更」续期（填写新的结束日期）或增补他人。`, `Term over: ${listed(lapsed.map((r) => `${r.name} (${rl('role', r.role, l)})`), l)}. Renew it (a new end date) or name someone else through “Change”.`)}
          </Notice>
        ) : null}
        <Table head={[t(l, '角色', 'Role'), t(l, '姓名', 'Name'), t(l, '身份', 'Kind'), t(l, '起', 'From'), t(l, '止', 'Until')]} rows={roleRows(current)} empty={t(l, '无在任人员', 'Nobody holds a role')} caption={t(l, '在任', 'Current')} />
        {past.length ? <Table head={[t(l, '角色', 'Role'), t(l, '姓名', 'Name'), t(l, '身份', 'Kind'), t(l, '起', 'From'), t(l, '止', 'Until')]} rows={roleRows(past)} empty="" caption={t(l, '已卸任', 'Past')} /> : null}
      </Card>
      {moves.length ? (
        <Card title={t(l, '登记管理操作', 'Registry actions')} id="actions">
          <div class="forms">
            {moves.map((m) => (
              <PostForm action={`/registry/${a.id}/actions/${m.command}`} csrf={ctx.csrf} confirm={m.kind === 'danger' || m.kind === 'warn' ? t(l, `确定${m.zh}？`, `${m.en}?`) : undefined}>
                <h3>{t(l, m.zh, m.en)}</h3>
                <TextArea
                  name={reasonField(m.command)} rows={2} value={value(reasonField(m.command))} error={p.errors?.[reasonField(m.command)]}
                  label={m.command === 'approve' ? t(l, '意见（可选）', 'Note (optional)') : t(l, `${m.zh}理由`, `Reason`)}
                  required={m.command !== 'approve'}
                />
                {m.command === 'rectify' ? (
                  <TextField
                    name="rectifyDeadline" type="date" required min={cstDateValue(p.now)} value={value('rectifyDeadline') || cstDateValue(new Date(p.now.getTime() + DEFAULT_RECTIFY_DAYS * 86_400_000))}
                    label={t(l, '整改期限（北京时间，当日 24 时前）', 'Rectify by (Beijing time, end of that day)')} hint={t(l, `默认 ${DEFAULT_RECTIFY_DAYS} 天；逾期未恢复的账号将被暂停`, `Default ${DEFAULT_RECTIFY_DAYS} days; past it the account is suspended`)}
                    error={p.errors?.rectifyDeadline}
                  />
                ) : null}
                <Button kind={m.kind === 'primary' ? undefined : m.kind}>{t(l, m.zh, m.en)}</Button>
              </PostForm>
            ))}
          </div>
        </Card>
      ) : null}
      <Card title={t(l, '年度检查', 'Annual inspections')}>
        <Table
          head={[t(l, '年度', 'Year'), t(l, '状态', 'Status'), t(l, '结论', 'Result'), t(l, '整改期限', 'Rectify by')]}
          empty={t(l, '尚无年检', 'No inspection yet')}
          rows={a.inspections.map((i) => [
            <a href={`/inspections/${i.id}`}>{t(l, `${i.year} 年度`, `${i.year}`)}</a>, rl('inspectionStatus', i.status, l), i.result ? rl('result', i.result, l) : '—', <Time at={i.rectifyDeadline} l={l} />,
          ])}
        />
      </Card>
      <Card title={t(l, '登记备案记录', 'Lifecycle history')}>
        <Timeline l={l} items={[...a.events].reverse().map((e) => ({
          tone: EVENT_TONE[e.type],
          at: e.at,
          title: (
            <>
              <strong>{eventLabel(e.type, l)}</strong>
              {e.from && e.to && e.from !== e.to ? ` · ${rl('accountStatus', e.from, l)} → ${rl('accountStatus', e.type === 'reject' ? 'rejected' : e.to, l)}` : ''}
              {e.actorId ? <span class="meta"> · {names.get(e.actorId) ?? ''}</span> : null}
            </>
          ),
          children: e.reason || e.type === 'changed' ? <>{e.type === 'changed' ? <ChangedFields e={e} names={names} l={l} /> : null}{e.reason ? <div class="report">{e.reason}</div> : null}</> : undefined,
        }))} />
      </Card>
    </>
  );
}

/** What a 变更 changed, field by field, old → new (people by name); the lists of role holders as who came and went. */
function ChangedFields({ e, names, l }: { e: { oldValues: unknown; newValues: unknown }; names: Map<string, string>; l: Locale }) {
  const before = (e.oldValues ?? {}) as Record<string, unknown>;
  const after = (e.newValues ?? {}) as Record<string, unknown>;
  const shown = (field: string, v: unknown): string => {
    if (v === null || v === undefined || v === '') return '—';
    if (Array.isArray(v)) return v.map((x) => shown(field, x)).join(t(l, '、', ', ')) || '—';
    if (field === 'platform' || field === 'tier') return rl(field, String(v), l);
    return names.get(String(v)) ?? String(v);
  };
  const differs = (a: unknown, b: unknown) => JSON.stringify(a ?? null) !== JSON.stringify(b ?? null);
  // Lines of their own, not list items: inside a timeline entry an <li> is drawn as another entry.
  const line = (name: string, field: string, a: unknown, b: unknown) => <div><span class="muted">{name}</span>{t(l, '：', ': ')}{shown(field, a)} → {shown(field, b)}</div>;
  const fields = Object.keys(after).filter((k) => k in ACCOUNT_FIELD_LABELS && k !== 'reason' && differs(before[k], after[k]));
  // Role holders are recorded per role (管理员, 网络评论员, …), as lists of people.
  const rolesBefore = (before.roles ?? {}) as Record<string, unknown>;
  const rolesAfter = (after.roles ?? {}) as Record<string, unknown>;
  const roles = [...new Set([...Object.keys(rolesBefore), ...Object.keys(rolesAfter)])].filter((r) => differs(rolesBefore[r], rolesAfter[r]));
  if (!fields.length && !roles.length) return null;
  return (
    <div class="changes">
      {fields.map((k) => line(lab(k, l), k, before[k], after[k]))}
      {roles.map((r) => line(rl('role', r, l), 'roles', rolesBefore[r], rolesAfter[r]))}
    </div>
  );
}

export const ACCOUNT_FIELD_LABELS: Record<string, [string, string]> = {
  name: ['账号名称', 'account name'], platform: ['平台', 'platform'], platformId: ['平台账号', 'platform id'], url: ['网址', 'URL'], unitId: ['单位', 'unit'],
  tier: ['级别', 'tier'], ownerId: ['负责人', 'owner'], responsibleLeaderId: ['第一责任人', 'responsible leader'], leaderInChargeId: ['分管领导', 'leader in charge'],
  adminIds: ['管理员', 'administrators'], commentatorIds: ['网络评论员', 'network commentators'], operatorIds: ['运营人员', 'operators'], reviewerIds: ['审核人员', 'reviewers'],
  members: ['学生成员', 'students'], reason: ['变更理由', 'reason'],
};
const lab = (name: string, l: Locale) => t(l, ...ACCOUNT_FIELD_LABELS[name]!);

/** The application (GET /registry/apply) and change (GET /registry/{id}/change) forms: people picked by name. */
export function AccountFormPage(p: {
  ctx: PageCtx; mode: 'apply' | 'change'; action: string; units: Unit[]; pickers: Record<string, PickerState>; values: FormData; errors?: FieldErrors; title: string; back: string;
  /** Name, URL and tier are the publicity department's to change (a registered account, changed by its unit): shown, not offered. */
  locked?: boolean;
  now: Date;
}) {
  const l = p.ctx.locale;
  const v = (name: string) => (typeof p.values[name] === 'string' ? (p.values[name] as string) : '');
  const e = p.errors ?? {};
  return (
    <>
      <h1>{p.title}</h1>
      <ErrorSummary errors={e} l={l} />
      <PostForm action={p.action} csrf={p.ctx.csrf}>
        <Card title={t(l, '账号', 'Account')}>
          {p.locked ? (
            <>
              <Notice tone="info">{t(l, '已登记账号的名称、网址和级别由宣传部门办理变更登记；如需变更，请联系宣传部门。此处可变更人员。', 'A registered account’s name, URL and tier are changed by the publicity department (变更登记): ask them. The people can be changed here.')}</Notice>
              <Facts rows={[[lab('name', l), v('name')], [lab('url', l), v('url') || '—'], [lab('tier', l), rl('tier', v('tier') || 'unit', l)]]} />
            </>
          ) : <TextField name="name" label={lab('name', l)} value={v('name')} error={e.name} required />}
          {p.mode === 'apply' ? (
            <>
              <Select name="platform" label={lab('platform', l)} value={v('platform')} error={e.platform} options={[['', t(l, '请选择', 'Choose…')], ...PLATFORMS.map((x): [string, string] => [x, rl('platform', x, l)])]} />
              <TextField name="platformId" label={lab('platformId', l)} hint={t(l, '如微信公众号原始 ID（gh_…）、微博 UID 或网站域名', 'e.g. the WeChat original id (gh_…), Weibo UID or site domain')} value={v('platformId')} error={e.platformId} required />
              <Select name="unitId" label={lab('unitId', l)} value={v('unitId')} error={e.unitId} options={[['', t(l, '请选择', 'Choose…')], ...p.units.map((u): [string, string] => [u.id, u.name])]} />
            </>
          ) : null}
          {p.locked ? null : (
            <>
              <TextField name="url" type="url" label={`${lab('url', l)}${t(l, '（可选）', ' (optional)')}`} value={v('url')} error={e.url} />
              <Select name="tier" label={lab('tier', l)} value={v('tier') || 'unit'} error={e.tier} options={ACCOUNT_TIERS.map((x): [string, string] => [x, rl('tier', x, l)])} />
            </>
          )}
        </Card>
        <Card title={t(l, '人员', 'People')}>
          <PeoplePicker name="ownerId" single legend={lab('ownerId', l)} state={p.pickers.ownerId!} error={e.ownerId} l={l} />
          <PeoplePicker name="responsibleLeaderId" single legend={lab('responsibleLeaderId', l)} hint={t(l, '单位党组织书记或主要负责人，对账号负领导责任', 'The unit’s party secretary or head, answerable for the account')} state={p.pickers.responsibleLeaderId!} error={e.responsibleLeaderId} l={l} />
          <PeoplePicker name="leaderInChargeId" single legend={lab('leaderInChargeId', l)} hint={t(l, '分管宣传工作的领导（直接责任人）', 'The leader in charge of publicity (directly answerable)')} state={p.pickers.leaderInChargeId!} error={e.leaderInChargeId} l={l} />
          <p class="hint">{t(l, '以下岗位按姓名选择教职工；学生请在下方“学生成员”中填写，并注明结束日期。', 'Pick staff for the roles below by name; students go under “Students” below, with an end date.')}</p>
          <PeoplePicker name="adminIds" legend={lab('adminIds', l)} hint={t(l, '须有一名教师担任管理员', 'A teacher must be an administrator')} state={p.pickers.adminIds!} error={e.adminIds} l={l} />
          <PeoplePicker name="commentatorIds" legend={lab('commentatorIds', l)} hint={t(l, '至少一名网络评论员（教师或学生）', 'At least one network commentator (staff or student)')} state={p.pickers.commentatorIds!} error={e.commentatorIds} l={l} />
          <PeoplePicker name="operatorIds" legend={`${lab('operatorIds', l)}${t(l, '（可选）', ' (optional)')}`} state={p.pickers.operatorIds!} error={e.operatorIds} l={l} />
          <PeoplePicker name="reviewerIds" legend={`${lab('reviewerIds', l)}${t(l, '（可选）', ' (optional)')}`} state={p.pickers.reviewerIds!} error={e.reviewerIds} l={l} />
          <StudentRows pickers={p.pickers} values={p.values} errors={e} now={p.now} l={l} />
          {p.mode === 'change' ? <TextArea name="reason" rows={2} label={`${lab('reason', l)}${t(l, '（可选）', ' (optional)')}`} value={v('reason')} error={e.reason} /> : null}
          <div class="actions">
            <Button>{p.mode === 'apply' ? t(l, '提交登记申请', 'Submit the application') : t(l, '保存变更', 'Save the change')}</Button>
            <a href={p.back}>{t(l, '取消', 'Cancel')}</a>
          </div>
        </Card>
      </PostForm>
    </>
  );
}

/**
 * Students on an account, a row each: who (picked by name), in which role, until when (required:
 * a student's role ends, e.g. at graduation). A row whose end date has passed is flagged, to renew
 * or remove. Another row is added by posting the form back, so it works without script.
 */
function StudentRows({ pickers, values, errors: e, now, l }: { pickers: Record<string, PickerState>; values: FormData; errors: FieldErrors; now: Date; l: Locale }) {
  const rows = studentRows(values);
  const id = fieldId('members');
  return (
    <div class={e.members ? 'field has-error' : 'field'}>
      <fieldset id={id} class="students" aria-describedby={`${id}-hint${e.members ? ` ${id}-error` : ''}`}>
        <legend>{lab('members', l)}</legend>
        <span class="hint" id={`${id}-hint`}>{t(l, '学生担任的岗位须填写结束日期（如毕业日期；北京时间当日 24 时止），到期即卸任。', 'A student’s role needs an end date (e.g. graduation; the end of that day, Beijing time); it ends then.')}</span>
        {e.members ? <span class="error-message" id={`${id}-error`}>{e.members}</span> : null}
        {rows.map((r) => {
          const over = r.personId !== '' && rowLapsed(r, now);
          const roles = STUDENT_ROLES.includes(r.role as AccountRole) ? STUDENT_ROLES : [...STUDENT_ROLES, r.role];
          return (
            <div class={over ? 'student-row lapsed' : 'student-row'}>
              <PeoplePicker name={studentField(r.row)} single legend={t(l, `第 ${r.row + 1} 名学生`, `Student ${r.row + 1}`)} state={pickers[studentField(r.row)]!} error={e[studentField(r.row)]} l={l} />
              {over ? <Notice tone="warn">{t(l, `任期已于 ${r.endsAt} 结束：请填写新的结束日期续期，或移除此学生。`, `The term ended on ${r.endsAt}: enter a new end date to renew it, or remove the student.`)}</Notice> : null}
              <div class="pair">
                <Select name={studentField(r.row, 'Role')} label={t(l, '岗位', 'Role')} value={r.role} error={e[studentField(r.row, 'Role')]} options={roles.map((x): [string, string] => [x, rl('role', x, l)])} />
                <TextField
                  name={studentField(r.row, 'EndsAt')} type="date" label={t(l, '结束日期', 'End date')} value={r.endsAt} error={e[studentField(r.row, 'EndsAt')]}
                  // A term already over keeps its date (unchanged, it is sent back as it is); a new one starts today at the earliest.
                  min={over ? undefined : cstDateValue(now)}
                />
              </div>
              {r.personId ? (
                <label class="choice" for={`${fieldId(studentField(r.row, 'Remove'))}`}>
                  <input type="checkbox" id={fieldId(studentField(r.row, 'Remove'))} name={studentField(r.row, 'Remove')} value="1" checked={r.remove} />
                  <span>{t(l, '移除此学生（卸任）', 'Remove this student (relieve them)')}</span>
                </label>
              ) : null}
            </div>
          );
        })}
        <input type="hidden" name={STUDENT_ROWS} value={String(rows.length)} />
        <button type="submit" class="btn secondary" name={ADD_STUDENT} value="1" formnovalidate>{t(l, '再添加一名学生', 'Add another student')}</button>
      </fieldset>
    </div>
  );
}

/** The printable poster: the code, the account, the year and the QR to the public verify page. */
export function PosterPage({ ctx, account, code, year, verifyUrl, qr }: { ctx: PageCtx; account: AccountView; code: string; year: number; verifyUrl: string; qr: string }) {
  const l = ctx.locale;
  return (
    <>
      <div class="actions no-print">
        <button type="button" class="btn" data-print="" hidden>{t(l, '打印', 'Print')}</button>
        <a href={`/registry/${account.id}`}>{t(l, '返回账号', 'Back to the account')}</a>
      </div>
      <section class="poster" aria-label={t(l, '审查合格编码海报', 'Pass code poster')}>
        <h1>{t(l, `${year} 年度审查合格`, `Passed the ${year} inspection`)}</h1>
        <div>{t(l, '经登记备案的官方账号', 'A registered official account')}</div>
        <div class="code">{code}</div>
        <div class="qr" role="img" aria-label={t(l, '扫码查验', 'Scan to verify')} dangerouslySetInnerHTML={{ __html: qr }}></div>
        <div>{t(l, '扫码查验此编码', 'Scan to check this code')}</div>
        <div class="url">{verifyUrl}</div>
        <Facts rows={[
          [t(l, '账号', 'Account'), account.name],
          [t(l, '平台', 'Platform'), `${rl('platform', account.platform, l)} · ${account.platformId}`],
          [t(l, '单位', 'Unit'), account.unitName],
          [t(l, '登记号', 'Registration no.'), account.registrationNo ?? '—'],
        ]} />
      </section>
    </>
  );
}

export type { Child };
