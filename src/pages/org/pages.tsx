import { ALL_POSITIONS, ROLES } from '../../../db/schema';
import { doubledHolderWords, doubledHolders } from '../../domain/signoff';
import { label, labelled, type Locale } from '../../lib/i18n';
import type { getUnit, listPeople, listUnits } from '../../services/org';
import { t, type PageCtx } from '../components/context';
import { Button, Card, Choices, ErrorSummary, Facts, Notice, PostForm, Select, Table, Tag, TextField, Time, type FieldErrors } from '../components/ui';
import type { FormData } from '../console/forms';
import { PeoplePicker, type PickerState } from '../console/picker';

const ROLE_NAMES: Record<string, [string, string]> = { staff: ['员工', 'staff'], publicity: ['宣传部', 'publicity'], admin: ['管理员', 'admin'] };
export const positionName = (p: string, l: Locale) => label('level', p, l);

type PeopleList = Awaited<ReturnType<typeof listPeople>>;
type Unit = { id: string; name: string };

export const PERSON_FIELD_LABELS: Record<string, [string, string]> = { name: ['姓名', 'name'], email: ['邮箱', 'e-mail'], roles: ['角色', 'roles'], homeUnitId: ['所属单位', 'unit'], personId: ['人员', 'person'], positions: ['岗位', 'positions'] };

/** GET /people: who is who (search, role, unit), their positions; add a person; admins deactivate and reactivate. */
export function PeoplePage(p: {
  ctx: PageCtx; list: PeopleList; units: Unit[]; filter: { q?: string; role?: string; unitId?: string; offset: number }; limit: number; isAdmin: boolean;
  values?: FormData; errors?: FieldErrors; done?: string;
}) {
  const l = p.ctx.locale;
  const e = p.errors ?? {};
  const v = (n: string) => (typeof p.values?.[n] === 'string' ? (p.values[n] as string) : '');
  const roles = (() => { const x = p.values?.roles; return Array.isArray(x) ? x : x ? [x] : ['staff']; })();
  const page = (offset: number) => {
    const q = new URLSearchParams(Object.entries({ q: p.filter.q, role: p.filter.role, unitId: p.filter.unitId }).filter(([, x]) => x) as [string, string][]);
    if (offset) q.set('offset', String(offset));
    return `/people${q.size ? `?${q}` : ''}`;
  };
  return (
    <>
      <h1>{t(l, '人员', 'People')}</h1>
      {p.done ? <Notice tone="ok">{p.done}</Notice> : null}
      <ErrorSummary errors={e} l={l} />
      <Card>
        <form method="get" action="/people" class="filters" role="search" aria-label={t(l, '筛选人员', 'Filter people')}>
          <TextField name="q" type="search" label={t(l, '搜索姓名或邮箱', 'Search name or e-mail')} value={p.filter.q} />
          <Select name="role" label={t(l, '角色', 'Role')} value={p.filter.role} options={[['', t(l, '全部', 'All')], ...ROLES.map((r): [string, string] => [r, t(l, ...ROLE_NAMES[r]!)])]} />
          <Select name="unitId" label={t(l, '单位', 'Unit')} value={p.filter.unitId} options={[['', t(l, '全部', 'All')], ...p.units.map((u): [string, string] => [u.id, u.name])]} />
          <div class="actions"><Button>{t(l, '筛选', 'Filter')}</Button></div>
        </form>
      </Card>
      <Card title={t(l, `共 ${p.list.total} 人`, `${p.list.total} people`)}>
        <Table
          head={[t(l, '姓名', 'Name'), t(l, '角色', 'Roles'), t(l, '单位', 'Unit'), t(l, '岗位', 'Positions'), t(l, '状态', 'State')]}
          empty={t(l, '没有符合条件的人员', 'Nobody matches')}
          rows={p.list.items.map((x) => [
            <>{x.name}<div class="meta">{x.email}</div><div class="meta"><a href={`/people/${x.id}/notifications`} aria-label={t(l, `${x.name}的通知方式`, `${x.name}’s notifications`)}>{t(l, '通知方式', 'Notifications')}</a></div></>,
            x.roles.map((r) => t(l, ...(ROLE_NAMES[r] ?? [r, r]))).join('、'),
            x.unitName ?? '—',
            x.positions.length ? <ul>{x.positions.map((pos) => <li><a href={`/units/${pos.unitId}#position-${pos.position}`}>{`${pos.unitName} · ${positionName(pos.position, l)}`}</a></li>)}</ul> : '—',
            <>
              {x.deactivatedAt ? <><Tag tone="grey">{t(l, '已停用', 'deactivated')}</Tag> <Time at={x.deactivatedAt} l={l} /></> : <Tag tone="ok">{t(l, '在职', 'active')}</Tag>}
              {p.isAdmin && x.id !== p.ctx.person?.id ? (
                x.deactivatedAt ? (
                  <PostForm action={`/people/${x.id}/reactivate`} csrf={p.ctx.csrf}><Button kind="secondary">{t(l, `恢复 ${x.name}`, `Reactivate ${x.name}`)}</Button></PostForm>
                ) : (
                  <PostForm action={`/people/${x.id}/deactivate`} csrf={p.ctx.csrf} confirm={t(l, `停用 ${x.name}？其令牌和登录会话将立即失效。`, `Deactivate ${x.name}? Their tokens and sessions end at once.`)}>
                    <Button kind="danger">{t(l, `停用 ${x.name}`, `Deactivate ${x.name}`)}</Button>
                  </PostForm>
                )
              ) : null}
            </>,
          ])}
        />
        <div class="actions">
          {p.filter.offset > 0 ? <a href={page(Math.max(0, p.filter.offset - p.limit))}>{t(l, '上一页', 'Previous')}</a> : null}
          {p.filter.offset + p.limit < p.list.total ? <a href={page(p.filter.offset + p.limit)}>{t(l, '下一页', 'Next')}</a> : null}
        </div>
      </Card>
      <Card title={t(l, '新增人员', 'Add a person')} id="add">
        <p class="hint">{t(l, '新人员会收到欢迎邮件，用本人邮箱登录；系统不发放任何人的凭据。', 'The new person is welcomed by e-mail and signs in with their own address; nobody is given a credential.')}</p>
        <PostForm action="/people" csrf={p.ctx.csrf}>
          <div class="filters">
            <TextField name="name" label={t(l, '姓名', 'Name')} value={v('name')} error={e.name} required />
            <TextField name="email" type="email" label={t(l, '邮箱', 'E-mail')} value={v('email')} error={e.email} autocomplete="off" required />
            <Select name="homeUnitId" label={t(l, '所属单位', 'Unit')} value={v('homeUnitId')} error={e.homeUnitId} options={[['', t(l, '无', 'None')], ...p.units.map((u): [string, string] => [u.id, u.name])]} />
          </div>
          <Choices name="roles" legend={t(l, '角色', 'Roles')} error={e.roles} choices={ROLES.map((r) => ({
            value: r, label: t(l, ...ROLE_NAMES[r]!), checked: roles.includes(r),
            disabled: r === 'admin' && !p.isAdmin, hint: r === 'admin' && !p.isAdmin ? t(l, '仅管理员可授予', 'only an admin may grant it') : undefined,
          }))} />
          <Button>{t(l, '新增', 'Add')}</Button>
        </PostForm>
      </Card>
    </>
  );
}

type UnitList = Awaited<ReturnType<typeof listUnits>>;

const ROBOTS = [['wecom', '企业微信群机器人', 'WeCom robot'], ['dingtalk', '钉钉群机器人', 'DingTalk robot'], ['feishu', '飞书群机器人', 'Feishu robot'], ['webhook', 'Webhook', 'Webhook']] as const;

/** GET /units: units with their chain, holders and robots. */
export function UnitsPage({ ctx, list, q }: { ctx: PageCtx; list: UnitList; q?: string }) {
  const l = ctx.locale;
  return (
    <>
      <h1>{t(l, '单位', 'Units')}</h1>
      <Card>
        <form method="get" action="/units" class="filters" role="search" aria-label={t(l, '筛选单位', 'Filter units')}>
          <TextField name="q" type="search" label={t(l, '搜索名称或代码', 'Search name or code')} value={q} />
          <div class="actions"><Button>{t(l, '搜索', 'Search')}</Button></div>
        </form>
      </Card>
      <Card title={t(l, `共 ${list.total} 个单位`, `${list.total} units`)}>
        <Table
          head={[t(l, '单位', 'Unit'), t(l, '审核链', 'Chain'), t(l, '岗位人员', 'Position holders'), t(l, '群机器人', 'Robots')]}
          empty={t(l, '没有符合条件的单位', 'No unit matches')}
          rows={list.items.map((u) => {
            const robots = (u.robots ?? {}) as Record<string, unknown>;
            return [
              <><a href={`/units/${u.id}`}>{u.name}</a><div class="meta mono">{u.code}</div></>,
              u.chain.levels.map((x) => positionName(x, l)).join(' → '),
              u.positions.length ? u.positions.map((h) => labelled(positionName(h.position, l), h.name, l)).join(t(l, '；', '; ')) : '—',
              ROBOTS.filter(([k]) => robots[k]).map(([, zh, en]) => t(l, zh, en)).join('、') || '—',
            ];
          })}
        />
      </Card>
    </>
  );
}

type UnitView = Awaited<ReturnType<typeof getUnit>>;

/** GET /units/{id}: the chain and SLAs, who holds each position, robots; appoint a holder from a picker. */
export function UnitPage(p: { ctx: PageCtx; unit: UnitView; robots: Record<string, { configured: boolean; signed: boolean }>; pickers: Record<string, PickerState>; canAssign: boolean; canSetRobots: boolean; errors?: FieldErrors; done?: string }) {
  const l = p.ctx.locale;
  const u = p.unit;
  return (
    <>
      <h1>{u.name} <span class="meta mono">{u.code}</span></h1>
      {p.done ? <Notice tone="ok">{p.done}</Notice> : null}
      <ErrorSummary errors={p.errors ?? {}} l={l} />
      {/* Allowed (small units have one person in two posts), but said wherever the unit is looked at: each draft's later level of his must be handed on meanwhile. */}
      {doubledHolders(u.chain.levels, u.positions).map((d) => (
        <div class="doubled-holder"><Notice tone="warn">{doubledHolderWords(u.positions.find((h) => h.personId === d.personId)!.name, d.levels).in(l)}</Notice></div>
      ))}
      <Card title={t(l, '审核链与时限', 'Chain and service levels')}>
        <Table
          head={[t(l, '级别', 'Level'), t(l, '普通（工作小时）', 'Normal (working hours)'), t(l, '加急（小时）', 'Urgent (hours)')]}
          empty=""
          rows={u.chain.levels.map((x) => [positionName(x, l), String(u.chain.sla[x]?.normalHours ?? '—'), String(u.chain.sla[x]?.urgentHours ?? '—')])}
        />
      </Card>
      <Card title={t(l, '群机器人', 'Robots')} actions={<a href={`/units/${u.id}/robots`}>{p.canSetRobots ? t(l, '设置群机器人', 'Set up the robots') : t(l, '查看群机器人', 'See the robots')}</a>}>
        <Facts rows={ROBOTS.map(([k, zh, en]) => [t(l, zh, en), p.robots[k]?.configured ? <Tag tone="ok">{p.robots[k]?.signed ? t(l, '已配置（签名）', 'set (signed)') : t(l, '已配置', 'set')}</Tag> : <Tag>{t(l, '未配置', 'not set')}</Tag>])} />
      </Card>
      {ALL_POSITIONS.map((pos) => {
        const holder = u.positions.find((h) => h.position === pos);
        return (
          <Card title={positionName(pos, l)} id={`position-${pos}`}>
            <p>{holder ? <>{t(l, '现任：', 'Holder: ')}<strong>{holder.name}</strong>{t(l, '，自', ', since ')}<Time at={holder.since} l={l} /></> : t(l, '空缺', 'Vacant')}
              {(u.chain.levels as string[]).includes(pos) ? null : <span class="meta">{t(l, '（不在本单位审核链中）', ' (not in this unit’s chain)')}</span>}</p>
            {p.canAssign ? (
              <PostForm action={`/units/${u.id}/positions/${pos}`} csrf={p.ctx.csrf}>
                <PeoplePicker name={`holder-${pos}`} single legend={t(l, `任命${positionName(pos, l)}`, `Appoint the ${positionName(pos, l)}`)}
                  hint={t(l, '原任者的待审稿件将转交接任者，旧链接失效、新链接随即发出', 'Pending reviews pass to the successor: old links die, new ones are sent')}
                  state={p.pickers[`holder-${pos}`]!} error={p.errors?.[`holder-${pos}`]} l={l} />
                <Button>{t(l, '任命', 'Appoint')}</Button>
              </PostForm>
            ) : null}
          </Card>
        );
      })}
    </>
  );
}
