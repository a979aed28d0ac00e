import { Hono, type Context } from 'hono';
import { z } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/http';
import { localeOf, translator } from '../../lib/i18n';
import { text } from '../../lib/text';
import { hasRole } from '../../services/auth';
import { calendarYear, calendarYears, loadCalendarYear } from '../../services/calendar';
import { errorPage } from '../components/render';
import { Button, Card, ErrorSummary, Facts, Notice, PostForm, Select, Table, Tag, TextArea, TextField, Time, type FieldErrors } from '../components/ui';
import { t, type PageCtx } from '../components/context';
import { one, optional, readForm, type FormData } from '../console/forms';
import { consolePage, requirePageRole } from '../console/page';
import { requirePage } from '../sessions';
import { festivalLines, parseFestivalLines } from './lines';

type C = Context<AppEnv>;
const Year = z.coerce.number().int().min(2000).max(2100);
const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];
const EN_WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const dayLabel = (date: string, l: string) => { const d = new Date(`${date}T00:00:00Z`).getUTCDay(); return `${date} ${l === 'en' ? EN_WEEKDAYS[d] : `周${WEEKDAYS[d]}`}`; };

type Years = Awaited<ReturnType<typeof calendarYears>>;
type YearView = Awaited<ReturnType<typeof calendarYear>>;

function CalendarPage(p: { ctx: PageCtx; years: Years; year: YearView; isAdmin: boolean; values: FormData; errors: FieldErrors; done?: string }) {
  const l = p.ctx.locale;
  const y = p.year;
  const v = (n: string, d = '') => (typeof p.values[n] === 'string' ? (p.values[n] as string) : d);
  const source = (s: string) => (s === 'loaded' ? t(l, '管理员载入', 'loaded by an admin') : s === 'shipped' ? t(l, '系统内置', 'built in') : t(l, '无数据（按周一至周五）', 'no data (Monday–Friday)'));
  return (
    <>
      <h1>{t(l, '节假日日历', 'Holiday calendar')}</h1>
      <p class="hint">{t(l, '催办、超时与截止日期按此日历计算工作日：法定节假日不计，调休上班日计入。', 'Reminders, timeouts and deadlines count working days by this calendar: public holidays are skipped, make-up workdays count.')}</p>
      {p.done ? <Notice tone="ok">{p.done}</Notice> : null}
      <ErrorSummary errors={p.errors} l={l} />
      <Card title={t(l, '已有年份', 'Years held')}>
        <Table
          head={[t(l, '年份', 'Year'), t(l, '来源', 'Source'), t(l, '假日', 'Holidays'), t(l, '调休上班', 'Make-up workdays'), t(l, '载入时间', 'Loaded')]}
          empty=""
          rows={p.years.map((x) => [
            <a href={`/calendar?year=${x.year}`} aria-current={x.year === y.year ? 'true' : undefined}>{String(x.year)}</a>,
            <>{source(x.source)}{x.provisional ? <> <Tag tone="warn">{t(l, '暂定', 'provisional')}</Tag></> : null}</>,
            String(x.holidays), String(x.workdays), <Time at={x.loadedAt} l={l} />,
          ])}
        />
      </Card>
      <Card title={t(l, `${y.year} 年`, `${y.year}`)} id="year">
        <Facts rows={[[t(l, '来源', 'Source'), <>{source(y.source)}{y.provisional ? <> <Tag tone="warn">{t(l, '暂定', 'provisional')}</Tag></> : null}</>], [t(l, '载入时间', 'Loaded'), <Time at={y.loadedAt} l={l} />]]} />
        <div class="grid2">
          <Table caption={t(l, '法定节假日', 'Public holidays')} head={[t(l, '日期', 'Date'), t(l, '节日', 'Festival')]} empty={t(l, '无', 'None')} rows={y.holidays.map((h) => [dayLabel(h.date, l), h.name])} />
          <Table caption={t(l, '调休上班日', 'Make-up workdays')} head={[t(l, '日期', 'Date'), t(l, '说明', 'For')]} empty={t(l, '无', 'None')} rows={y.workdays.map((w) => [dayLabel(w.date, l), w.name])} />
        </div>
      </Card>
      {p.isAdmin ? (
        <Card title={t(l, '载入或替换一年', 'Load or replace a year')} id="load">
          <p class="hint">{t(l, '依国务院办公厅节假日安排通知，每行一个节日：名称 首日 末日 调休上班日…（日期格式 YYYY-MM-DD；只放假一天且无调休时只写一个日期）。', "From the State Council notice, one festival a line: name, first day, last day, make-up workdays… (YYYY-MM-DD; a one-day holiday without make-up days gives one date).")}</p>
          <PostForm action="/calendar" csrf={p.ctx.csrf}>
            <TextField name="year" type="number" inputmode="numeric" label={t(l, '年份', 'Year')} value={v('year', String(y.year))} error={p.errors.year} required />
            <TextField name="notice" label={t(l, '通知文号（可选）', 'Notice reference (optional)')} value={v('notice')} error={p.errors.notice} />
            <TextArea name="festivals" rows={9} label={t(l, '节日安排', 'Festivals')} hint={t(l, '例：春节 2027-02-05 2027-02-12 2027-01-31 2027-02-20', 'e.g. 春节 2027-02-05 2027-02-12 2027-01-31 2027-02-20')}
              value={v('festivals', festivalLines(y))} error={p.errors.festivals} required />
            <Button>{t(l, '载入（替换该年）', 'Load (replaces that year)')}</Button>
          </PostForm>
        </Card>
      ) : null}
    </>
  );
}

async function page(c: C, extra: { values?: FormData; errors?: FieldErrors; status?: 400; year?: number; done?: string } = {}) {
  const person = requirePageRole(c, 'publicity', 'admin');
  const db = c.var.deps.db;
  const years = await calendarYears(db);
  const asked = Year.safeParse(c.req.query('year'));
  const cstYearNow = new Date(c.var.deps.now().getTime() + 8 * 3_600_000).getUTCFullYear();
  const year = await calendarYear(db, extra.year ?? (asked.success ? asked.data : cstYearNow));
  return consolePage(c, { title: translator(localeOf(c))('节假日日历', 'Holiday calendar'), status: extra.status }, (ctx) => (
    <CalendarPage ctx={ctx} years={years} year={year} isAdmin={hasRole(person, 'admin')} values={extra.values ?? {}} errors={extra.errors ?? {}} done={extra.done} />
  ));
}

/** The holiday calendar: publicity staff read it; admins load or replace a year from the notice. */
export const calendarPagesRouter = new Hono<AppEnv>()
  .get('/calendar', requirePage, (c) => page(c))
  .post('/calendar', requirePage, async (c) => {
    const person = requirePageRole(c, 'admin');
    const form = await readForm(c);
    const l = localeOf(c);
    const tr = translator(l);
    const year = Year.safeParse(one(form, 'year'));
    if (!year.success) return page(c, { values: form, errors: { year: tr('年份须为 2000–2100 的整数', 'The year must be a whole number from 2000 to 2100') }, status: 400 });
    const notice = text(200, { min: 0 }).optional().safeParse(optional(form, 'notice'));
    if (!notice.success) return page(c, { values: form, errors: { notice: tr('通知文号最多 200 字', 'The notice reference is at most 200 characters') }, status: 400, year: year.data });
    const { festivals, problems } = parseFestivalLines(year.data, one(form, 'festivals'));
    if (problems.length) {
      const lines = problems.map((p) => tr(`第 ${p.line} 行：${p.zh}`, `Line ${p.line}: ${p.en}`)).join(tr('；', '; '));
      return page(c, { values: form, errors: { festivals: lines }, status: 400, year: year.data });
    }
    await loadCalendarYear(c.var.deps.db, c.var.deps, person, year.data, festivals, notice.data ?? null);
    return page(c, { year: year.data, done: tr(`已载入 ${year.data} 年节假日安排`, `${year.data} loaded`) });
  })
  .onError((err, c) => errorPage(c, err));
