import { z } from '@hono/zod-openapi';
import { Hono, type Context } from 'hono';
import { inArray } from 'drizzle-orm';
import { ACCOUNT_STATUSES, people } from '../../../db/schema';
import { CODE_STATES, type CodeState } from '../../domain/account-lifecycle';
import { PLATFORMS } from '../../domain/inspection-code';
import { AppError, words } from '../../lib/errors';
import { uuid, type AppEnv } from '../../lib/http';
import { localeOf, translator } from '../../lib/i18n';
import { qrSvg } from '../../lib/qr';
import { text } from '../../lib/text';
import { ApplySchema, ChangeSchema, ReasonSchema, RectifySchema } from '../../routes/accounts/accounts.routes';
import * as accounts from '../../services/accounts';
import { hasRole } from '../../services/auth';
import { reissueCode, revokeCode, verifyCode } from '../../services/inspections';
import { unitsOf } from '../../services/org';
import { isPickerSearch, pickerStates } from '../console/picker';
import { errorPage } from '../components/render';
import type { FieldErrors } from '../components/ui';
import { cstInput, formErrors, one, optional, parseWith, readForm, renamed, type FormData } from '../console/forms';
import { consolePage, pathId, requirePageRole } from '../console/page';
import { requirePage } from '../sessions';
import { ACCOUNT_FIELD_LABELS, AccountFormPage, AccountPage, PosterPage, reasonField, rl, RegistryListPage, type AccountView } from './pages';
import { ADD_STUDENT, applicationPeople, changedPeople, peopleLabels, peopleValues, pickerNames, rowCount, STUDENT_ROWS, unnamedRows } from './people-form';

type C = Context<AppEnv>;

// A filter that does not parse is ignored, not refused: the list is still worth showing.
const FilterSchema = z.object({
  unitId: uuid().optional().catch(undefined), platform: z.enum(PLATFORMS).optional().catch(undefined), status: z.enum(ACCOUNT_STATUSES).optional().catch(undefined),
  code: z.enum(CODE_STATES).optional().catch(undefined), q: text(100).optional().catch(undefined),
});

async function listPage(c: C) {
  const { deps, person } = c.var;
  const tr = translator(localeOf(c));
  const filter = FilterSchema.parse(Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== '')));
  const now = deps.now();
  const rows = await accounts.listAccounts(deps.db, person, { unitId: filter.unitId, platform: filter.platform, status: filter.status, q: filter.q });
  const codes = await accounts.currentCodes(deps.db, rows.map((r) => r.id), now);
  const listed = rows.map((r) => {
    const code = codes.get(r.id);
    return { ...r, dormant: !!r.dormantSince, code: code ? { code: code.code, year: code.year, state: accounts.codeStatus(code, now) as CodeState } : null };
  }).filter((r) => !filter.code || (r.code?.state ?? 'none') === filter.code);
  const units = await unitsOf(deps.db, person);
  const csv = new URLSearchParams(filter.status ? { status: filter.status } : {});
  return consolePage(c, { title: tr('账号登记备案', 'Account registry') }, (ctx) => (
    <RegistryListPage ctx={ctx} rows={listed} units={units} filter={filter} canExport={hasRole(person, 'publicity', 'admin')} csvHref={`/api/v1/exports/accounts.csv${csv.size ? `?${csv}` : ''}`} />
  ));
}

async function accountPage(c: C, id: string, extra: { errors?: FieldErrors; values?: FormData; status?: 400 | 403 | 404 | 409 } = {}) {
  const { deps, person } = c.var;
  const account = await accounts.getAccountView(deps.db, deps, person, id);
  // Everyone the page may name: the owner, role holders, who acted, and whoever a change put in or took out.
  const changed = account.events.flatMap((e) => [e.oldValues, e.newValues]).flatMap((v) => {
    const o = (v ?? {}) as { ownerId?: unknown; roles?: Record<string, unknown> };
    return [o.ownerId, ...Object.values(o.roles ?? {}).flat()].filter((x): x is string => typeof x === 'string');
  });
  const ids = [...new Set([account.ownerId, ...account.events.map((e) => e.actorId).filter((x): x is string => !!x), ...account.roles.map((r) => r.personId), ...changed])];
  const found = await deps.db.select({ id: people.id, name: people.name }).from(people).where(inArray(people.id, ids));
  const names = new Map(found.map((p) => [p.id, p.name]));
  // A revoked code of a passed inspection may be reissued (补发) while the account stands registered.
  const passed = account.inspections.find((i) => i.status === 'passed' && i.year === account.inspectionCodeYear);
  const reissue = account.inspectionCodeStatus === 'revoked' && account.status === 'registered' && passed ? passed.id : null;
  const l = localeOf(c);
  const done = c.req.query('done');
  const doneText = done ? (done === 'applied' ? translator(l)('已提交登记申请', 'application submitted') : done === 'revoked' ? translator(l)('编码已撤销', 'code revoked') : done === 'reissued' ? translator(l)('编码已补发', 'code reissued') : rl('accountCommand', done, l)) : undefined;
  return consolePage(c, { title: account.name, crumbs: [[translator(l)('账号登记备案', 'Registry'), '/registry'], [account.name]], status: extra.status }, (ctx) => (
    <AccountPage ctx={ctx} account={account} ownerName={names.get(account.ownerId) ?? ''} names={names} canAct={hasRole(person, 'publicity', 'admin')}
      reissueInspectionId={reissue} errors={extra.errors} values={extra.values} done={doneText} now={deps.now()} />
  ));
}

/** Runs one of the department's moves on an account; a refusal shows the account page again with the reason beside the field. */
async function accountAction(c: C, field: string, act: (form: FormData, id: string) => Promise<string>) {
  // Every move on this form is the department's (the services check it too): a staff member's post is a 403 page, not the form's errors.
  requirePageRole(c, 'publicity', 'admin');
  const id = pathId(c);
  const form = await readForm(c);
  try {
    const done = await act(form, id);
    return c.redirect(`/registry/${id}?done=${encodeURIComponent(done)}`, 303);
  } catch (err) {
    const l = localeOf(c);
    const { errors, status } = formErrors(err, l, field, { [field]: ['理由', 'reason'], reason: ['理由', 'reason'], deadline: ['整改期限', 'rectify by'] });
    // The schema names the fields `reason` and `deadline`; the page names them per form.
    if (errors.reason) { errors[field] = errors.reason; delete errors.reason; }
    if (errors.deadline) { errors.rectifyDeadline = errors.deadline; delete errors.deadline; }
    if (status === 403 || status === 404) throw err;
    return accountPage(c, id, { errors, values: form, status: status as 400 });
  }
}

const LIFECYCLE_COMMANDS = ['reject', 'suspend', 'rectify', 'reinstate', 'shut_down', 'deregister'] as const;

async function formPage(c: C, mode: 'apply' | 'change', values: FormData, errors?: FieldErrors, status: 200 | 400 | 404 | 409 = 200, accountId?: string, holders: string[] = [], locked = false) {
  const { deps, person } = c.var;
  const tr = translator(localeOf(c));
  const units = await unitsOf(deps.db, person);
  const pickers = await pickerStates(c, values, pickerNames(values), holders);
  const title = mode === 'apply' ? tr('申请登记备案', 'Apply to register an account') : tr('变更账号信息', 'Change the account');
  const back = mode === 'apply' ? '/registry' : `/registry/${accountId}`;
  return consolePage(c, { title, crumbs: [[tr('账号登记备案', 'Registry'), '/registry'], [title]], status }, (ctx) => (
    <AccountFormPage ctx={ctx} mode={mode} action={mode === 'apply' ? '/registry/apply' : `/registry/${accountId}/change`} units={units} pickers={pickers} values={values} errors={errors} title={title} back={back} locked={locked} now={deps.now()} />
  ));
}

/**
 * A form posted back to be shown again rather than sent: a picker's search without script, or
 * another student row asked for. The rows it holds are the posted ones, one more when asked.
 */
function postedBack(form: FormData): FormData | null {
  if (one(form, ADD_STUDENT)) return { ...form, [STUDENT_ROWS]: String(rowCount(form, 1)) };
  return isPickerSearch(form) ? form : null;
}

/** A refused form's errors by field: the API's `members.N.…` on the student row it came from. */
function accountFormErrors(c: C, err: unknown, form: FormData, rename: Record<string, string>, fallback: string) {
  return formErrors(renamed(err, rename), localeOf(c), fallback, { ...ACCOUNT_FIELD_LABELS, ...peopleLabels(form) });
}

/** Rows with an end date and nobody chosen are said on the row before anything is sent. */
const unnamed = (c: C, form: FormData) => {
  const tr = translator(localeOf(c));
  return unnamedRows(form, (row) => tr(`第 ${row + 1} 名学生：请选择学生（或清空这一行的结束日期）`, `Student ${row + 1}: choose the student (or clear this row’s end date)`));
};

/** The account's current values as the change form shows them. */
function changeValues(a: AccountView): FormData {
  return { name: a.name, url: a.url ?? '', tier: a.tier, ownerId: a.ownerId, ...peopleValues(a) };
}

/** A form sent back shows the locked fields as the account has them (the form did not carry them). */
const lockedValues = (form: FormData, a: AccountView, locked: boolean): FormData => (locked ? { ...form, name: a.name, url: a.url ?? '', tier: a.tier } : form);

/** The people the account page already names (owner and role holders not relieved): the change form names them too. */
const holderIds = (a: AccountView) => [a.ownerId, ...a.roles.filter((r) => !r.endedAt).map((r) => r.personId)];

/**
 * The registry pages (publicity staff see every account; others the accounts they own, hold a role
 * in, or whose unit they belong to). Every action calls the same service as the API.
 */
export const registryPagesRouter = new Hono<AppEnv>()
  .get('/registry', requirePage, listPage)
  .get('/registry/apply', requirePage, (c) => formPage(c, 'apply', { tier: 'unit', unitId: c.var.person.unitId ?? '', [STUDENT_ROWS]: '1' }))
  .post('/registry/apply', requirePage, async (c) => {
    const form = await readForm(c);
    const back = postedBack(form);
    if (back) return formPage(c, 'apply', back);
    const unnamedErrors = unnamed(c, form);
    if (Object.keys(unnamedErrors).length) return formPage(c, 'apply', form, unnamedErrors, 400);
    const { people: named, rename } = applicationPeople(form);
    try {
      const input = parseWith(ApplySchema, {
        name: one(form, 'name'), platform: one(form, 'platform') || undefined, platformId: one(form, 'platformId'), url: optional(form, 'url'), unitId: one(form, 'unitId') || undefined,
        ownerId: one(form, 'ownerId') || undefined, tier: optional(form, 'tier'), ...named,
      });
      const created = await accounts.applyForAccount(c.var.deps.db, c.var.deps, c.var.person, input);
      return c.redirect(`/registry/${created.id}?done=applied`, 303);
    } catch (err) {
      const { errors, status } = accountFormErrors(c, err, form, rename, 'name');
      if (status === 403) throw err;
      return formPage(c, 'apply', form, errors, status === 404 ? 400 : (status as 400));
    }
  })
  .get('/registry/:id', requirePage, (c) => accountPage(c, pathId(c)))
  .get('/registry/:id/change', requirePage, async (c) => {
    const id = pathId(c);
    const account = await accounts.getAccountView(c.var.deps.db, c.var.deps, c.var.person, id);
    return formPage(c, 'change', changeValues(account), undefined, 200, id, holderIds(account), accounts.registryFieldsLocked(c.var.person, account));
  })
  .post('/registry/:id/change', requirePage, async (c) => {
    const id = pathId(c);
    const { deps, person } = c.var;
    const account = await accounts.getAccountView(deps.db, deps, person, id);
    const form = await readForm(c);
    const locked = accounts.registryFieldsLocked(person, account);
    const again = (values: FormData, errors?: FieldErrors, status: 200 | 400 = 200) => formPage(c, 'change', lockedValues(values, account, locked), errors, status, id, holderIds(account), locked);
    const back = postedBack(form);
    if (back) return again(back);
    const unnamedErrors = unnamed(c, form);
    if (Object.keys(unnamedErrors).length) return again(form, unnamedErrors, 400);
    const before = changeValues(account);
    // Only what differs is sent: a role list given replaces its holders, so an unchanged one is left out.
    const { patch: people, rename } = changedPeople(form, account);
    try {
      const patch: Record<string, unknown> = { ...people };
      // Fields the form showed as facts only (registryFieldsLocked) are not in it: left as they are.
      if (!locked) {
        if (one(form, 'name') !== before.name) patch.name = one(form, 'name');
        if (one(form, 'url') !== before.url) patch.url = one(form, 'url') || null;
        if (one(form, 'tier') !== before.tier) patch.tier = one(form, 'tier');
      }
      if (one(form, 'ownerId') && one(form, 'ownerId') !== before.ownerId) patch.ownerId = one(form, 'ownerId');
      // Nothing the form offers has changed: said plainly, not as a fault of some field.
      if (!Object.keys(patch).length) return again(form, { [locked ? 'ownerId' : 'name']: translator(localeOf(c))('没有要修改的内容：请修改后再保存', 'Nothing has changed: change something, then save') }, 400);
      if (optional(form, 'reason')) patch.reason = optional(form, 'reason');
      const input = parseWith(ChangeSchema, patch);
      await accounts.changeAccount(deps.db, deps, person, id, input);
      return c.redirect(`/registry/${id}?done=change`, 303);
    } catch (err) {
      const { errors, status } = accountFormErrors(c, err, form, rename, locked ? 'ownerId' : 'name');
      if (status === 403 || status === 404) throw err;
      return again(form, errors, status as 400);
    }
  })
  .post('/registry/:id/actions/approve', requirePage, (c) => accountAction(c, reasonField('approve'), async (form, id) => {
    const reason = optional(form, reasonField('approve'));
    await accounts.approveAccount(c.var.deps.db, c.var.deps, c.var.person, id, reason === undefined ? undefined : parseWith(ReasonSchema, { reason }).reason);
    return 'approve';
  }))
  .post('/registry/:id/actions/:command', requirePage, (c) => {
    const command = c.req.param('command') as (typeof LIFECYCLE_COMMANDS)[number];
    if (!LIFECYCLE_COMMANDS.includes(command)) throw new AppError('not_found', { what: words('操作', 'action') });
    return accountAction(c, reasonField(command), async (form, id) => {
      if (command === 'rectify') {
        // The date is the last day of the rectification (北京时间); the API refuses one already past.
        const { reason, deadline } = parseWith(RectifySchema, { reason: one(form, reasonField(command)), deadline: cstInput(one(form, 'rectifyDeadline'), true) });
        await accounts.changeAccountStatus(c.var.deps.db, c.var.deps, c.var.person, id, command, reason, { deadline: deadline ? new Date(deadline) : undefined });
        return command;
      }
      const { reason } = parseWith(ReasonSchema, { reason: one(form, reasonField(command)) });
      await accounts.changeAccountStatus(c.var.deps.db, c.var.deps, c.var.person, id, command, reason);
      return command;
    });
  })
  .post('/registry/:id/code/revoke', requirePage, (c) => accountAction(c, 'revokeReason', async (form, id) => {
    const { deps, person } = c.var;
    const account = await accounts.getAccountView(deps.db, deps, person, id);
    if (!account.inspectionCode) throw new AppError('not_found', { what: words('审查合格编码', 'pass code') });
    const { reason } = parseWith(ReasonSchema, { reason: one(form, 'revokeReason') });
    await revokeCode(deps.db, deps, person, account.inspectionCode, reason);
    return 'revoked';
  }))
  .post('/registry/:id/code/reissue', requirePage, (c) => accountAction(c, 'reissue', async (form, id) => {
    const { deps, person } = c.var;
    const account = await accounts.getAccountView(deps.db, deps, person, id);
    // Only an inspection of this account: the id in the form is checked against the account's own.
    const inspection = account.inspections.find((i) => i.id === one(form, 'inspectionId'));
    if (!inspection) throw new AppError('not_found', { what: words('年检', 'inspection') });
    await reissueCode(deps.db, deps, person, inspection.id);
    return 'reissued';
  }))
  .get('/registry/:id/poster', requirePage, async (c) => {
    const { deps, person } = c.var;
    const account = await accounts.getAccountView(deps.db, deps, person, pathId(c));
    const noValidCode = () => new AppError('not_found', { what: words('有效的审查合格编码', 'valid pass code') });
    if (!account.inspectionCode || account.inspectionCodeStatus !== 'valid') throw noValidCode();
    const verified = await verifyCode(deps.db, deps, account.inspectionCode);
    // A standing code on a suspended (or rectifying) account is not good to show: /verify says so, and so does this.
    if (!verified.valid) throw noValidCode();
    const qr = await qrSvg(verified.verifyUrl);
    const tr = translator(localeOf(c));
    return consolePage(c, { title: tr('审查合格编码海报', 'Pass code poster'), bare: true }, (ctx) => (
      <PosterPage ctx={ctx} account={account} code={verified.code} year={verified.year} verifyUrl={verified.verifyUrl} qr={qr} />
    ));
  })
  .onError((err, c) => errorPage(c, err));
