import { AUTO_FAIL_ITEMS, AUTO_FAIL_LABELS, GRADE_RESULTS, INCIDENT_KINDS, type UnitProgress } from '../../domain/inspection';
import { fileSize } from '../../domain/files';
import { aside, labelled, listed, type Locale } from '../../lib/i18n';
import type { campaignProgress, getInspectionView } from '../../services/inspections';
import { t, type PageCtx } from '../components/context';
import {
  Button, Card, Choices, ErrorSummary, Facts, FileField, LinkButton, Notice, PostForm, Select, Table, Tag, TextArea, TextField, Time, Timeline,
  type FieldErrors, type Tone,
} from '../components/ui';
import { cstLocalValue, type FormData } from '../console/forms';
import { AccountStatusTag, CodeTag, rl } from '../registry/pages';

const INSPECTION_TONE: Record<string, Tone> = { open: 'info', self_reported: 'info', passed: 'ok', rectifying: 'warn', failed: 'bad' };
export const InspectionTag = ({ status, l }: { status: string; l: Locale }) => <Tag tone={INSPECTION_TONE[status] ?? 'grey'}>{rl('inspectionStatus', status, l)}</Tag>;

const INCIDENT_LABELS: Record<string, [string, string]> = {
  unreviewed_publication: ['未经审核发布', 'published without review'], leak: ['泄密', 'leak'], rumour: ['传播谣言', 'rumour'], commercial_promotion: ['商业推广', 'commercial promotion'],
  public_opinion: ['舆情事件', 'public-opinion incident'], account_security: ['账号安全事件', 'account security incident'], other: ['其他', 'other'],
};

type Campaign = { id: string; year: number; deadline: Date | string; graceUntil: Date | string; closedAt: Date | string | null; inspections: number; passed: number };

/** GET /inspections/campaigns: every year's campaign, and the form that opens this year's. */
export function CampaignListPage({ ctx, campaigns, values, errors }: { ctx: PageCtx; campaigns: Campaign[]; values: FormData; errors?: FieldErrors }) {
  const l = ctx.locale;
  const v = (n: string) => (typeof values[n] === 'string' ? (values[n] as string) : '');
  return (
    <>
      <h1>{t(l, '年度检查', 'Annual inspection')}</h1>
      <ErrorSummary errors={errors ?? {}} l={l} />
      <Card title={t(l, '各年度年检', 'Campaigns')}>
        <Table
          head={[t(l, '年度', 'Year'), t(l, '自查截止', 'Self-report deadline'), t(l, '宽限至', 'Grace until'), t(l, '账号数', 'Accounts'), t(l, '合格', 'Passed'), t(l, '状态', 'State')]}
          empty={t(l, '尚未开启年检', 'No campaign yet')}
          rows={campaigns.map((c) => [
            <a href={`/inspections/campaigns/${c.id}`}>{t(l, `${c.year} 年度`, String(c.year))}</a>, <Time at={c.deadline} l={l} />, <Time at={c.graceUntil} l={l} />,
            String(c.inspections), String(c.passed), c.closedAt ? <Tag tone="grey">{t(l, '已结束', 'closed')}</Tag> : <Tag tone="info">{t(l, '进行中', 'open')}</Tag>,
          ])}
        />
      </Card>
      <Card title={t(l, '开启年度检查', 'Open a campaign')}>
        <PostForm action="/inspections/campaigns" csrf={ctx.csrf} confirm={t(l, '开启后，每个已登记账号的负责人都会收到自查通知；宽限期结束时，此前年度的审查合格编码随之失效。确定开启？', 'Every registered account’s owner will be asked for a self-report, and when the grace period ends, earlier years’ pass codes expire. Open the campaign?')}>
          <div class="filters">
            <TextField name="year" label={t(l, '年度', 'Year')} inputmode="numeric" value={v('year')} error={errors?.year} required />
            <TextField name="deadline" type="datetime-local" label={t(l, '自查截止（北京时间）', 'Self-report deadline (Beijing time)')} value={v('deadline')} error={errors?.deadline} required />
            <TextField name="graceUntil" type="datetime-local" label={t(l, '宽限至（北京时间，可选）', 'Grace until (Beijing time, optional)')} hint={t(l, '默认为截止后 30 天', 'Default: 30 days after the deadline')} value={v('graceUntil')} error={errors?.graceUntil} />
          </div>
          <Button>{t(l, '开启年检', 'Open the campaign')}</Button>
        </PostForm>
      </Card>
    </>
  );
}

type Progress = Awaited<ReturnType<typeof campaignProgress>>;

/** GET /inspections/campaigns/{id}: progress per unit, the deadline, reminders; close the campaign. */
export function CampaignPage({ ctx, data, units, now, done, errors }: { ctx: PageCtx; data: Progress; units: UnitProgress[]; now: Date; done?: string; errors?: FieldErrors }) {
  const l = ctx.locale;
  const c = data.campaign;
  const sum = (k: keyof UnitProgress) => units.reduce((n, u) => n + (u[k] as number), 0);
  const overdueRow = (r: Progress['rows'][number]) => r.status === 'open' && c.deadline <= now && r.createdAt < c.deadline;
  return (
    <>
      <div class="page-head">
        <h1>{t(l, `${c.year} 年度检查`, `${c.year} annual inspection`)} {c.closedAt ? <Tag tone="grey">{t(l, '已结束', 'closed')}</Tag> : <Tag tone="info">{t(l, '进行中', 'open')}</Tag>}</h1>
        <div class="actions">
          <a class="btn secondary" href={`/api/v1/exports/campaigns/${c.id}/results.csv`} download>{t(l, '下载结果 CSV', 'Download results CSV')}</a>
        </div>
      </div>
      {done ? <Notice tone="ok">{done}</Notice> : null}
      <ErrorSummary errors={errors ?? {}} l={l} />
      <Card>
        <Facts rows={[
          [t(l, '自查截止', 'Self-report deadline'), <><Time at={c.deadline} l={l} /> {c.deadline <= now ? <Tag tone="warn">{t(l, '已截止', 'passed')}</Tag> : null}</>],
          [t(l, '宽限至', 'Grace until'), <Time at={c.graceUntil} l={l} />],
          [t(l, '结束于', 'Closed'), <Time at={c.closedAt} l={l} />],
        ]} />
        {!c.closedAt ? (
          <PostForm action={`/inspections/campaigns/${c.id}/close`} csrf={ctx.csrf} confirm={t(l, '结束后上一年度的编码将过期，确定结束？', 'Closing expires last year’s codes. Close now?')} id="close">
            <div class="actions"><Button kind="danger" id="f-close">{t(l, '结束本年度年检', 'Close the campaign')}</Button></div>
          </PostForm>
        ) : null}
      </Card>
      <div class="stats">
        {([['total', '账号', 'accounts'], ['selfReported', '已自查', 'self-reported'], ['passed', '合格', 'passed'], ['rectifying', '整改中', 'rectifying'], ['failed', '不合格', 'failed'], ['overdue', '逾期未自查', 'overdue'], ['remindersSent', '已发提醒', 'reminders sent']] as const).map(([k, zh, en]) => (
          <div class="stat"><b>{sum(k)}</b><span>{t(l, zh, en)}</span></div>
        ))}
      </div>
      <Card title={t(l, '各单位进度', 'Progress per unit')}>
        <Table
          head={[t(l, '单位', 'Unit'), t(l, '账号', 'Accounts'), t(l, '已自查', 'Self-reported'), t(l, '合格', 'Pass'), t(l, '整改', 'Rectify'), t(l, '不合格', 'Fail'), t(l, '逾期', 'Overdue'), t(l, '提醒', 'Reminders'), t(l, '完成度', 'Done')]}
          empty={t(l, '本年度没有需年检的账号', 'No account to inspect this year')}
          rows={units.map((u) => {
            const pct = u.total ? Math.round(((u.passed + u.failed) / u.total) * 100) : 0;
            return [u.unitName, String(u.total), String(u.selfReported), String(u.passed), String(u.rectifying), String(u.failed),
              u.overdue ? <Tag tone="bad">{String(u.overdue)}</Tag> : '0', String(u.remindersSent),
              <div class="progress" role="img" aria-label={`${pct}%`}><span style={`width:${pct}%`}></span></div>];
          })}
        />
      </Card>
      <Card title={t(l, '各账号', 'Accounts')}>
        <Table
          head={[t(l, '账号', 'Account'), t(l, '单位', 'Unit'), t(l, '负责人', 'Owner'), t(l, '状态', 'Status'), t(l, '自查提交', 'Self-reported'), t(l, '提醒', 'Reminders')]}
          empty={t(l, '没有账号', 'No account')}
          rows={data.rows.map((r) => [
            <a href={`/inspections/${r.id}`}>{r.accountName}</a>, r.unitName, r.ownerName,
            <><InspectionTag status={r.status} l={l} />{overdueRow(r) ? <> <Tag tone="bad">{t(l, '逾期', 'overdue')}</Tag></> : null}</>,
            <Time at={r.selfReportedAt} l={l} />, String(r.remindersSent),
          ])}
        />
      </Card>
    </>
  );
}

export type InspectionView = Awaited<ReturnType<typeof getInspectionView>>;

export const SELF_REPORT_LABELS: Record<string, [string, string]> = {
  updateFrequency: ['更新频率', 'update frequency'], commentatorPresent: ['网络评论员在岗', 'network commentator in post'],
  teamAdmins: ['管理员人数', 'administrators'], teamOperators: ['运营人员人数', 'operators'], teamReviewers: ['审核人员人数', 'reviewers'], teamCommentators: ['网络评论员人数', 'commentators'],
  teamNotes: ['队伍说明', 'team notes'], unreviewedPublications: ['未经审核的发布（篇）', 'publications without review'], complianceNotes: ['审核情况说明', 'review notes'],
  incidentKind: ['事件类型', 'incident kind'], incidentDescription: ['事件说明', 'incident description'], incidentAt: ['事件日期', 'incident date'], notes: ['其他说明', 'other notes'],
};
export const GRADE_LABELS: Record<string, [string, string]> = {
  result: ['评定结论', 'result'], findings: ['检查发现', 'findings'], autoFailItems: ['一票否决项', 'automatic-fail items'], rectifyDeadline: ['整改期限', 'rectify by'],
  accountAction: ['不合格时的处理', 'action on fail'], interviewHeldAt: ['约谈时间', 'interview time'], interviewAttendees: ['约谈对象', 'interviewees'], interviewNotes: ['约谈纪要', 'interview summary'],
  heldAt: ['约谈时间', 'interview time'], attendees: ['约谈对象', 'interviewees'],
};
const lab = (labels: Record<string, [string, string]>, n: string, l: Locale) => t(l, ...labels[n]!);

/** GET /inspections/{id}: the self-report (owners fill it, prefilled), the grading and 约谈 forms (publicity), the record. */
export function InspectionPage(p: { ctx: PageCtx; view: InspectionView; canGrade: boolean; canReport: boolean; names: Map<string, string>; values?: FormData; errors?: FieldErrors; done?: string; now: Date }) {
  const { ctx, view: i } = p;
  const l = ctx.locale;
  const e = p.errors ?? {};
  const vals = p.values ?? {};
  const v = (n: string, fallback = '') => (typeof vals[n] === 'string' ? (vals[n] as string) : fallback);
  const list = (n: string) => { const x = vals[n]; return Array.isArray(x) ? x : x ? [x] : []; };
  const report = i.selfReport as null | { updateFrequency?: string; team?: Record<string, number | string>; commentatorPresent?: boolean; reviewCompliance?: { approvedDrafts?: number; unreviewedPublications?: number; notes?: string }; incidents?: { kind: string; description: string; at?: string }[]; notes?: string };
  // Filed again (an update, the re-inspection after rectification): the form starts from what was filed, so nothing declared is lost by re-filing.
  const filed = report?.incidents?.[0];
  const prefill = i.prefill;
  const team = { ...(prefill?.team ?? {}), ...(report?.team ?? {}) } as Record<string, number | string | undefined>;
  const mayReport = p.canReport && ['open', 'self_reported', 'rectifying'].includes(i.status);
  const mayGrade = p.canGrade && ['open', 'self_reported', 'rectifying'].includes(i.status);
  return (
    <>
      <div class="page-head">
        <h1>{t(l, `${i.accountName} · ${i.year} 年度检查`, `${i.accountName} · ${i.year} inspection`)} <InspectionTag status={i.status} l={l} /></h1>
        <div class="actions"><LinkButton href={`/registry/${i.accountId}`} kind="secondary">{t(l, '账号', 'Account')}</LinkButton></div>
      </div>
      {p.done ? <Notice tone="ok">{p.done}</Notice> : null}
      <ErrorSummary errors={e} l={l} />
      <Card>
        <Facts rows={[
          [t(l, '账号状态', 'Account status'), <AccountStatusTag status={i.accountStatus} l={l} />],
          [t(l, '自查截止', 'Self-report deadline'), <Time at={i.deadline} l={l} />],
          [t(l, '自查提交', 'Self-reported'), <Time at={i.selfReportedAt} l={l} />],
          [t(l, '评定结论', 'Result'), i.result ? rl('result', i.result, l) : '—'],
          [t(l, '整改期限', 'Rectify by'), <Time at={i.rectifyDeadline} l={l} />],
          [t(l, '审查合格编码', 'Pass code'), i.code ? <><span class="mono">{i.code.code}</span> <CodeTag state={i.code.status} l={l} /></> : '—'],
        ]} />
        {i.status === 'rectifying' ? <Notice tone="warn">{t(l, '整改完成后请重新提交自查报告，宣传部复查后重新评定。', 'When the rectification is done, file the self-report again; the publicity department then re-inspects and grades.')}</Notice> : null}
      </Card>
      {report ? (
        <Card title={t(l, '自查报告', 'Self-report')}>
          <Facts rows={[
            [lab(SELF_REPORT_LABELS, 'updateFrequency', l), report.updateFrequency ?? '—'],
            [t(l, '队伍', 'Team'), `${t(l, '管理员', 'admins')} ${report.team?.admins ?? 0} · ${t(l, '运营', 'operators')} ${report.team?.operators ?? 0} · ${t(l, '审核', 'reviewers')} ${report.team?.reviewers ?? 0} · ${t(l, '网络评论员', 'commentators')} ${report.team?.commentators ?? 0}${report.team?.notes ? t(l, `（${report.team.notes}）`, ` (${report.team.notes})`) : ''}`],
            [lab(SELF_REPORT_LABELS, 'commentatorPresent', l), report.commentatorPresent ? t(l, '是', 'yes') : t(l, '否', 'no')],
            [t(l, '经审核发布', 'Approved publications'), String(report.reviewCompliance?.approvedDrafts ?? 0)],
            [lab(SELF_REPORT_LABELS, 'unreviewedPublications', l), String(report.reviewCompliance?.unreviewedPublications ?? 0)],
            [t(l, '事件', 'Incidents'), report.incidents?.length ? <ul>{report.incidents.map((x) => <li>{`${t(l, ...(INCIDENT_LABELS[x.kind] ?? [x.kind, x.kind]))}${t(l, '：', ': ')}${x.description}${x.at ? aside(x.at, l) : ''}`}</li>)}</ul> : t(l, '无', 'none')],
            [lab(SELF_REPORT_LABELS, 'notes', l), <div class="report">{report.notes ?? '—'}</div>],
          ]} />
        </Card>
      ) : null}
      {i.evidence.length || mayReport ? (
        <Card title={t(l, '佐证材料', 'Evidence')} id="evidence">
          {i.evidence.length ? (
            <Table
              head={[t(l, '文件', 'File'), t(l, '大小', 'Size'), t(l, '上传', 'Uploaded')]}
              empty=""
              rows={i.evidence.map((f) => [
                <a href={`/api/v1/inspections/${i.id}/evidence/${f.sha256}`} download={f.name}>{f.name}</a>,
                fileSize(f.size),
                <><Time at={f.uploadedAt} l={l} /><span class="meta"> · {p.names.get(f.uploadedBy) ?? ''}</span></>,
              ])}
            />
          ) : <p class="empty">{t(l, '尚未上传佐证材料', 'No evidence uploaded yet')}</p>}
          {mayReport ? (
            <PostForm action={`/inspections/${i.id}/evidence`} csrf={ctx.csrf} enctype="multipart/form-data">
              <FileField name="files" multiple required error={e.files}
                label={t(l, '上传佐证材料（每次最多 5 个：PDF、Word、Excel、PPT 或图片）', 'Upload evidence (up to 5 at a time: PDF, Word, Excel, PowerPoint or images)')} />
              <Button kind="secondary">{t(l, '上传', 'Upload')}</Button>
            </PostForm>
          ) : null}
        </Card>
      ) : null}
      {mayReport ? (
        <Card title={i.status === 'rectifying' ? t(l, '提交整改后的自查报告（复查）', 'File the self-report after rectification (re-inspection)') : report ? t(l, '更新自查报告', 'Update the self-report') : t(l, '填写自查报告', 'File the self-report')} id="self-report">
          <p class="hint">{t(l, `已按本系统记录预填：本年度经审核发布 ${prefill?.reviewCompliance.approvedDrafts ?? 0} 篇，在任人员人数取自登记信息。`, `Prefilled from this system's records: ${prefill?.reviewCompliance.approvedDrafts ?? 0} approved publications this year; team counts from the registry.`)}</p>
          <PostForm action={`/inspections/${i.id}/self-report`} csrf={ctx.csrf}>
            <TextField name="updateFrequency" label={lab(SELF_REPORT_LABELS, 'updateFrequency', l)} value={v('updateFrequency', report?.updateFrequency ?? `本年度经审核发布 ${prefill?.reviewCompliance.approvedDrafts ?? 0} 篇`)} error={e.updateFrequency} />
            <div class="filters">
              {(['teamAdmins', 'teamOperators', 'teamReviewers', 'teamCommentators'] as const).map((n) => (
                <TextField name={n} type="number" inputmode="numeric" label={lab(SELF_REPORT_LABELS, n, l)} value={v(n, String(team[n.slice(4).toLowerCase()] ?? 0))} error={e[n]} />
              ))}
            </div>
            <Choices name="commentatorPresent" type="radio" legend={lab(SELF_REPORT_LABELS, 'commentatorPresent', l)} error={e.commentatorPresent} choices={[
              { value: 'true', label: t(l, '是', 'Yes'), checked: v('commentatorPresent', String(report?.commentatorPresent ?? prefill?.commentatorPresent ?? true)) === 'true' },
              { value: 'false', label: t(l, '否', 'No'), checked: v('commentatorPresent', String(report?.commentatorPresent ?? prefill?.commentatorPresent ?? true)) === 'false' },
            ]} />
            <TextArea name="teamNotes" rows={2} label={`${lab(SELF_REPORT_LABELS, 'teamNotes', l)}${t(l, '（可选）', ' (optional)')}`} value={v('teamNotes', String(report?.team?.notes ?? ''))} error={e.teamNotes} />
            <TextField name="unreviewedPublications" type="number" inputmode="numeric" label={lab(SELF_REPORT_LABELS, 'unreviewedPublications', l)} hint={t(l, '未经“先审后发”即发布的篇数；大于 0 即为一票否决项', 'Items published without review; more than 0 is an automatic fail')} value={v('unreviewedPublications', String(report?.reviewCompliance?.unreviewedPublications ?? 0))} error={e.unreviewedPublications} />
            <TextArea name="complianceNotes" rows={2} label={`${lab(SELF_REPORT_LABELS, 'complianceNotes', l)}${t(l, '（可选）', ' (optional)')}`} value={v('complianceNotes', report?.reviewCompliance?.notes ?? '')} error={e.complianceNotes} />
            <fieldset class="field">
              <legend>{t(l, '本年度事件（如有）', 'Incidents of the year (if any)')}</legend>
              <Select name="incidentKind" label={lab(SELF_REPORT_LABELS, 'incidentKind', l)} value={v('incidentKind', filed?.kind ?? '')} error={e.incidentKind} options={[['', t(l, '无', 'None')], ...INCIDENT_KINDS.map((k): [string, string] => [k, t(l, ...INCIDENT_LABELS[k]!)])]} />
              <TextArea name="incidentDescription" rows={2} label={lab(SELF_REPORT_LABELS, 'incidentDescription', l)} value={v('incidentDescription', filed?.description ?? '')} error={e.incidentDescription} />
              <TextField name="incidentAt" type="date" label={lab(SELF_REPORT_LABELS, 'incidentAt', l)} value={v('incidentAt', filed?.at ?? '')} error={e.incidentAt} />
              {(report?.incidents?.length ?? 0) > 1 ? <p class="hint">{t(l, `另有 ${report!.incidents!.length - 1} 项已填报的事件（见上方自查报告），提交时一并保留。`, `${report!.incidents!.length - 1} more incidents filed (see the self-report above) are kept when this is submitted.`)}</p> : null}
            </fieldset>
            <TextArea name="notes" rows={3} label={`${lab(SELF_REPORT_LABELS, 'notes', l)}${t(l, '（可选）', ' (optional)')}`} value={v('notes', report?.notes ?? '')} error={e.notes} />
            <Button>{t(l, '提交自查报告', 'Submit the self-report')}</Button>
          </PostForm>
        </Card>
      ) : null}
      {mayGrade ? (
        <Card title={i.status === 'rectifying' ? t(l, '复查评定', 'Re-inspection grading') : t(l, '评定', 'Grade')} id="grade">
          <PostForm action={`/inspections/${i.id}/grade`} csrf={ctx.csrf}>
            <input type="hidden" name="expectedStatus" value={i.status} />
            <Choices name="result" type="radio" legend={lab(GRADE_LABELS, 'result', l)} error={e.result} choices={GRADE_RESULTS.filter((r) => i.status !== 'rectifying' || r !== 'rectify').map((r) => ({ value: r, label: rl('result', r, l), checked: v('result') === r }))} />
            <TextArea name="findings" rows={3} label={`${lab(GRADE_LABELS, 'findings', l)}${t(l, '（须整改或不合格时必填）', ' (required for rectify or fail)')}`} value={v('findings')} error={e.findings} />
            <Choices name="autoFailItems" legend={lab(GRADE_LABELS, 'autoFailItems', l)} hint={t(l, '勾选任一项即须评定为不合格；自查报告中申报的会自动计入', 'Any of these forces a fail; those declared in the self-report count too')} error={e.autoFailItems}
              choices={AUTO_FAIL_ITEMS.map((x) => ({ value: x, label: t(l, ...AUTO_FAIL_LABELS[x]), checked: list('autoFailItems').includes(x) }))} />
            <TextField name="rectifyDeadline" type="datetime-local" label={`${lab(GRADE_LABELS, 'rectifyDeadline', l)}${t(l, '（北京时间；限期整改时填写，默认 30 天）', ' (Beijing time; for rectify, default 30 days)')}`} value={v('rectifyDeadline')} error={e.rectifyDeadline} />
            <Select name="accountAction" label={lab(GRADE_LABELS, 'accountAction', l)} value={v('accountAction')} error={e.accountAction} options={[['', t(l, '暂停（默认）', 'Suspend (default)')], ['shut_down', t(l, '关停', 'Shut down')]]} />
            <fieldset class="field">
              <legend>{t(l, '约谈（可选，随评定一并记录）', 'Interview 约谈 (optional, recorded with the grade)')}</legend>
              <TextField name="interviewHeldAt" type="datetime-local" label={`${lab(GRADE_LABELS, 'interviewHeldAt', l)}${t(l, '（北京时间）', ' (Beijing time)')}`} value={v('interviewHeldAt')} error={e.interviewHeldAt} />
              <TextField name="interviewAttendees" label={lab(GRADE_LABELS, 'interviewAttendees', l)} hint={t(l, '多人用逗号或顿号分隔', 'Separate names with commas')} value={v('interviewAttendees')} error={e.interviewAttendees} />
              <TextArea name="interviewNotes" rows={3} label={lab(GRADE_LABELS, 'interviewNotes', l)} value={v('interviewNotes')} error={e.interviewNotes} />
            </fieldset>
            <Button>{t(l, '保存评定', 'Save the grade')}</Button>
          </PostForm>
        </Card>
      ) : null}
      {p.canGrade ? (
        <Card title={t(l, '记录约谈', 'Record an interview 约谈')} id="interview">
          <PostForm action={`/inspections/${i.id}/interviews`} csrf={ctx.csrf}>
            <TextField name="heldAt" type="datetime-local" label={`${lab(GRADE_LABELS, 'heldAt', l)}${t(l, '（北京时间）', ' (Beijing time)')}`} value={v('heldAt', cstLocalValue(p.now))} error={e.heldAt} required />
            <TextField name="attendees" label={lab(GRADE_LABELS, 'attendees', l)} hint={t(l, '多人用逗号或顿号分隔', 'Separate names with commas')} value={v('attendees')} error={e.attendees} required />
            <TextArea name="interviewSummary" rows={3} label={lab(GRADE_LABELS, 'interviewNotes', l)} value={v('interviewSummary')} error={e.interviewSummary} required />
            <Button>{t(l, '保存约谈记录', 'Save the interview')}</Button>
          </PostForm>
        </Card>
      ) : null}
      <Card title={t(l, '评定与约谈记录', 'Grades and interviews')}>
        <Timeline l={l} items={[
          ...i.gradings.map((g) => ({
            at: g.at, tone: (g.result === 'pass' ? 'ok' : g.result === 'rectify' ? 'warn' : 'bad') as Tone,
            title: <><strong>{rl('result', g.result, l)}</strong><span class="meta"> · {p.names.get(g.gradedBy) ?? ''}</span></>,
            children: <>
              {g.findings ? <div class="report">{g.findings}</div> : null}
              {g.autoFailItems.length ? <div class="meta">{labelled(lab(GRADE_LABELS, 'autoFailItems', l), listed(g.autoFailItems.map((x) => t(l, ...AUTO_FAIL_LABELS[x])), l), l)}</div> : null}
              {g.rectifyDeadline ? <div class="meta">{lab(GRADE_LABELS, 'rectifyDeadline', l)}：<Time at={g.rectifyDeadline} l={l} /></div> : null}
            </>,
          })),
          ...i.interviews.map((x) => ({
            at: x.heldAt, tone: 'info' as Tone,
            title: <><strong>{t(l, '约谈', 'Interview')}</strong>{` · ${x.attendees.join('、')}`}<span class="meta"> · {t(l, '记录人', 'recorded by')} {p.names.get(x.recordedBy) ?? ''}</span></>,
            children: <div class="report">{x.notes}</div>,
          })),
        ].sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime())} />
        {!i.gradings.length && !i.interviews.length ? <p class="empty">{t(l, '尚无记录', 'Nothing yet')}</p> : null}
      </Card>
    </>
  );
}
