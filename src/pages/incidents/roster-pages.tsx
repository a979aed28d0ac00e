import type { Locale } from '../../lib/i18n';
import type { dutyNow, RosterRow } from '../../services/duty-roster';
import { t, type PageCtx } from '../components/context';
import { Button, Card, ErrorSummary, Notice, PostForm, Table, Tag, TextField, Time, type FieldErrors } from '../components/ui';
import type { FormData } from '../console/forms';
import { PeoplePicker, type PickerState } from '../console/picker';
import { lang } from './pages';

/**
 * The duty roster pages (值班表): the university's roster with who is on duty now in each unit, and
 * one unit's roster. Publicity and admins add and take off entries; the others read. Times are
 * typed and shown in Beijing time.
 */

type Overview = Awaited<ReturnType<typeof dutyNow>>;

/** Where a roster's page and forms live: the university's at /incidents/roster, a unit's below it. */
export const rosterPath = (unitId: string | null) => (unitId ? `/incidents/roster/${unitId}` : '/incidents/roster');

const names = (rows: { name: string }[], l: Locale) => rows.map((r) => r.name).join(t(l, '、', ', '));

export interface RosterProps {
  ctx: PageCtx;
  unitId: string | null;
  entries: RosterRow[];
  now: Date;
  canEdit: boolean;
  picker: PickerState;
  values: FormData;
  errors: FieldErrors;
}

/** Who is on duty now: the roster's people, else (a unit) the university's, who then receive its reports. */
function OnDutyNow({ own, fallback, unit, l }: { own: { name: string }[]; fallback: { name: string }[]; unit: boolean; l: Locale }) {
  if (own.length) return <p data-on-duty>{names(own, l)}</p>;
  if (!unit) return <p data-on-duty class="muted">{t(l, '当前无人值班。', 'Nobody is on duty now.')}</p>;
  return (
    <p data-on-duty class="muted">
      {t(l, '本单位当前无人值班；新报告送达学校值班人员', 'Nobody of the unit is on duty now; new reports reach the university’s duty: ')}
      {fallback.length ? <strong>{names(fallback, l)}</strong> : t(l, '（学校当前也无人值班）', '(nobody there either)')}
      {t(l, '。', '.')}
    </p>
  );
}

/** The roster's current and coming entries, each with 移除 for those who may change it, and the form to add one. */
function RosterEntries(p: RosterProps) {
  const l = p.ctx.locale;
  const base = rosterPath(p.unitId);
  const v = (n: string) => (typeof p.values[n] === 'string' ? (p.values[n] as string) : '');
  const upcoming = p.entries.filter((e) => e.to > p.now);
  const head = [t(l, '值班人员', 'On duty'), t(l, '开始', 'From'), t(l, '结束', 'To'), t(l, '状态', 'State'), ...(p.canEdit ? [t(l, '操作', 'Change')] : [])];
  const title = (zh: string, en: string) => (p.unitId ? t(l, zh, en) : t(l, `学校${zh}`, `The university: ${en.toLowerCase()}`));
  return (
    <>
      <Card id="entries" title={title('值班安排（当前及今后）', 'Current and coming duty')}>
        {p.errors.entryId ? <div id="f-entryId"><Notice tone="bad">{p.errors.entryId}</Notice></div> : null}
        <Table
          head={head}
          empty={t(l, '没有当前或今后的值班安排。', 'No current or coming duty.')}
          rows={upcoming.map((e) => [
            <span data-roster-person={e.name}>{e.name}</span>,
            <Time at={e.from} l={l} />,
            <Time at={e.to} l={l} />,
            e.from <= p.now ? <Tag tone="ok">{t(l, '正在值班', 'on duty now')}</Tag> : <Tag>{t(l, '待值班', 'coming')}</Tag>,
            ...(p.canEdit
              ? [
                <PostForm action={`${base}/entries/end${lang(p.ctx)}`} csrf={p.ctx.csrf}
                  confirm={e.from <= p.now ? t(l, `现在结束 ${e.name} 的值班？`, `End ${e.name}'s duty now?`) : t(l, `移除 ${e.name} 的这次值班？`, `Remove this duty of ${e.name}?`)}>
                  <input type="hidden" name="entryId" value={e.id} />
                  <Button kind="secondary">{e.from <= p.now ? t(l, '现在结束', 'End now') : t(l, '移除', 'Remove')}</Button>
                </PostForm>,
              ]
              : []),
          ])}
        />
      </Card>
      {p.canEdit ? (
        <Card id="add" title={title('安排值班', 'Add a duty')}>
          <PostForm action={`${base}/entries${lang(p.ctx)}`} csrf={p.ctx.csrf}>
            <PeoplePicker name="personId" single legend={t(l, '值班人员', 'Person on duty')} state={p.picker} error={p.errors.personId} l={l} />
            <TextField name="from" type="datetime-local" label={t(l, '开始时间（北京时间）', 'From (Beijing time)')} value={v('from')} error={p.errors.from} required />
            <TextField name="to" type="datetime-local" label={t(l, '结束时间（北京时间）', 'To (Beijing time)')} value={v('to')} error={p.errors.to}
              hint={t(l, '同一人员的值班时间不能重叠。', 'One person’s duties may not overlap.')} required />
            <div class="actions"><Button>{t(l, '添加到值班表', 'Add to the roster')}</Button></div>
          </PostForm>
        </Card>
      ) : null}
    </>
  );
}

const INTRO: [string, string] = [
  '24小时舆情报送值班：新报告立即送达正在值班的人员（不受免打扰时段限制）；单位当前无人值班时，送达学校值班人员。时间均为北京时间。',
  '24-hour duty: a new report reaches whoever is on duty at once (quiet hours do not apply); when nobody of a unit is on duty, the university’s duty receives it. Times are Beijing time.',
];

/** `GET /incidents/roster`: the university's roster, and who is on duty now in each unit the person may see. */
export function RosterOverviewPage(p: RosterProps & { overview: Overview; done?: string }) {
  const l = p.ctx.locale;
  return (
    <>
      <div class="page-head"><h1>{t(l, '值班表', 'Duty roster')}</h1></div>
      <p class="muted">{t(l, ...INTRO)}</p>
      {p.done ? <Notice tone="ok">{p.done}</Notice> : null}
      <ErrorSummary errors={p.errors} l={l} />
      <Card id="university-now" title={t(l, '学校值班：正在值班', 'University: on duty now')}>
        <OnDutyNow own={p.overview.university} fallback={[]} unit={false} l={l} />
      </Card>
      <RosterEntries {...p} />
      <Card id="units" title={t(l, '各单位正在值班', 'On duty now, by unit')}>
        <Table
          head={[t(l, '单位', 'Unit'), t(l, '正在值班', 'On duty now')]}
          empty={t(l, '没有可查看的单位。', 'No unit to show.')}
          rows={p.overview.units.map((u) => [
            <a href={`${rosterPath(u.id)}${lang(p.ctx)}`}>{u.name}</a>,
            <span data-unit-on-duty={u.id}>
              {u.fallback
                ? <><Tag tone="warn">{t(l, '无人值班', 'nobody')}</Tag> {t(l, '由学校值班人员接报', 'the university’s duty receives reports')}</>
                : names(u.onDuty, l)}
            </span>,
          ])}
        />
      </Card>
    </>
  );
}

/** `GET /incidents/roster/{unitId}`: one unit's roster; who is on duty now, and the current and coming entries. */
export function UnitRosterPage(p: RosterProps & { unitName: string; university: { name: string }[]; done?: string }) {
  const l = p.ctx.locale;
  const own = p.entries.filter((e) => e.from <= p.now && e.to > p.now);
  return (
    <>
      <div class="page-head"><h1>{t(l, `${p.unitName} 值班表`, `${p.unitName}: duty roster`)}</h1></div>
      <p class="muted">{t(l, ...INTRO)}</p>
      {p.done ? <Notice tone="ok">{p.done}</Notice> : null}
      <ErrorSummary errors={p.errors} l={l} />
      <Card id="now" title={t(l, '正在值班', 'On duty now')}>
        <OnDutyNow own={own} fallback={p.university} unit l={l} />
      </Card>
      <RosterEntries {...p} />
    </>
  );
}
