import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { eq } from 'drizzle-orm';
import { units } from '../../../db/schema';
import { AppError, toAppError, words } from '../../lib/errors';
import { formBody, uuid, validationError, type AppEnv } from '../../lib/http';
import { NewDraftSchema } from '../../routes/drafts/drafts.routes';
import { ImportFields } from '../../routes/files/files.routes';
import { currentPositions, hasRole, requireUnitAccess, type Person } from '../../services/auth';
import { importDocx } from '../../services/docx-import';
import { draftDiff } from '../../services/diffs';
import { previewPrescreen, saveDraftEdit, submitIfDraft, writeDraft } from '../../services/draft-form';
import { getDraftRow, getDraftView, illegalMove } from '../../services/drafts';
import type { Upload } from '../../services/files';
import { accountChoices } from '../../services/publish-gate';
import { pageCtx, t } from '../components/context';
import { errorPage, renderPage } from '../components/render';
import type { FieldErrors } from '../components/ui';
import { requirePage } from '../sessions';
import { UUID_PARAM } from '../workspace/routes';
import { ChooseUnitPage, EditorPage, fieldMessages, type DraftFormValues, type EditorPageProps } from './EditorPage';

type C = Context<AppEnv>;
const EDITABLE = ['draft', 'returned', 'in_review'];

/**
 * The unit a new draft is written for: the one asked for (`?unitId=`, or the form's own field), else
 * the person's own, else the first unit where they hold a position. Null when the person belongs to
 * no unit but may write for any (publicity, admin): they choose one first.
 */
async function draftingUnit(c: C, person: Person, asked?: string): Promise<{ id: string; name: string } | null> {
  const { db } = c.var.deps;
  const raw = asked || person.unitId || (await currentPositions(db, person.id))[0]?.unitId;
  if (!raw) {
    if (hasRole(person, 'publicity', 'admin')) return null;
    throw new AppError('forbidden', {}, { reason: words('您不属于任何单位，不能起草稿件：请管理员把您加入单位或任命岗位。', 'You belong to no unit, so you cannot write a draft: ask an admin to add you to a unit or appoint you to a position.') });
  }
  // A unit asked for by address: not one, or not one's own, is said as such (never the parameter's name).
  const unknown = () => new AppError('not_found', { what: words('单位', 'unit') });
  const parsed = uuid().safeParse(raw);
  if (!parsed.success) throw unknown();
  const unitId = parsed.data;
  await requireUnitAccess(db, person, unitId).catch(() => {
    throw new AppError('forbidden', {}, { reason: words('您只能为本单位起草稿件（宣传部门可为任何单位起草）。', 'You can write drafts only for your own unit (the publicity department may write for any).') });
  });
  const [unit] = await db.select({ id: units.id, name: units.name }).from(units).where(eq(units.id, unitId));
  if (!unit) throw unknown();
  return unit;
}

/** The posted form: text fields, repeated checkboxes, and the files actually chosen (an empty file input sends a nameless part). */
async function readForm(c: C) {
  const form = await formBody(c, true);
  const one = (k: string) => {
    const v = [form[k]].flat()[0];
    return typeof v === 'string' ? v : '';
  };
  const strings = (k: string) => [form[k]].flat().filter((v): v is string => typeof v === 'string');
  const files = (k: string) => [form[k]].flat().filter((v): v is File => v instanceof File && (v.size > 0 || v.name !== ''));
  const values: DraftFormValues = {
    title: one('title'),
    // A browser sends a textarea's line breaks as CRLF (the HTML form encoding); the text keeps plain LF.
    body: one('body').replace(/\r\n?/g, '\n'),
    bodyFormat: one('bodyFormat') === 'html' ? 'html' : 'text',
    accountIds: strings('accountIds'),
    urgency: one('urgency') || 'normal',
  };
  // The edit form marks that it offered the accounts: a post without the mark (an older form) keeps them, one with it and none ticked is refused.
  const publishing = { accountIds: one('accountIdsOffered') ? values.accountIds : undefined, urgency: one('urgency') ? values.urgency : undefined };
  // The version the edit form was opened on (absent from an older form: then no check).
  const base = /^[1-9]\d{0,8}$/.test(one('baseVersion')) ? Number(one('baseVersion')) : undefined;
  return { values, publishing, base, intent: one('intent') || 'save', unitId: one('unitId'), removeFileIds: strings('removeFileIds'), attachments: files('attachments'), docx: files('docx')[0] };
}

const toUpload = async (file: File): Promise<Upload> => ({ bytes: new Uint8Array(await file.arrayBuffer()), name: file.name, declaredType: file.type });

/** Each field's problem in words a drafter acts on; anything not about one field goes to the form as a whole. */
function fieldErrors(err: AppError, c: C, fileField: 'attachments' | 'docx'): FieldErrors {
  const l = pageCtx(c).locale;
  const said = fieldMessages(l);
  const details = err.details;
  const paths = Array.isArray(details) ? [...new Set(details.map((d: { path?: string }) => String(d.path ?? '').split('.')[0]!))] : [];
  const field = !Array.isArray(details) && details && typeof details === 'object' ? (details as { field?: string }).field : undefined;
  if (err.code === 'validation_failed' && paths.length) {
    const emptied = Array.isArray(details) && details.some((d: { message?: string }) => /nothing is left/.test(d.message ?? ''));
    return Object.fromEntries(paths.map((p) => [p in said ? p : 'form', p === 'body' && emptied ? t(l, '正文去掉不允许的内容后为空', 'Nothing is left of the text once disallowed markup is removed') : (said[p] ?? err.localized(l))]));
  }
  if (err.code === 'prescreen_blocked') return { body: err.localized(l) };
  // Said at the field itself: the API's "(form field docx)" is for callers of the API.
  if (err.code === 'file_missing') return { [fileField]: fileField === 'docx' ? t(l, '请选择要导入的 Word 文档（.docx）', 'Choose the Word document (.docx) to import') : t(l, '请选择文件', 'Choose a file') };
  if (field === 'file') return { [fileField]: err.localized(l) };
  if (field && field in said) return { [field]: err.localized(l) };
  return { form: err.localized(l) };
}

/** The new-draft form as first shown, or as sent back. */
async function newDraftPage(c: C, person: Person, extra: Partial<EditorPageProps> = {}, status: ContentfulStatusCode = 200, asked = c.req.query('unitId')) {
  const unit = await draftingUnit(c, person, asked);
  if (!unit) return renderPage(c, <ChooseUnitPage ctx={pageCtx(c)} units={await c.var.deps.db.select({ id: units.id, name: units.name }).from(units).orderBy(units.name)} />);
  const accounts = await accountChoices(c.var.deps.db, unit.id, c.var.deps.now());
  // One account that can be published on is chosen already: the common case of a unit with one platform.
  const usable = accounts.filter((a) => a.ok);
  const values: DraftFormValues = extra.values ?? { title: '', body: '', bodyFormat: 'text', accountIds: usable.length === 1 ? [usable[0]!.id] : [], urgency: 'normal' };
  return renderPage(c, <EditorPage ctx={pageCtx(c)} mode={{ kind: 'new', unitId: unit.id, unitName: unit.name }} accounts={accounts} findings={null} fileMaxBytes={c.var.deps.config.fileMaxBytes} {...extra} values={values} />, status);
}

/** The edit form of a draft the person wrote and may still change. */
async function editDraftPage(c: C, person: Person, draftId: string, extra: Partial<EditorPageProps> = {}, status: ContentfulStatusCode = 200) {
  const { db } = c.var.deps;
  const draft = await getDraftView(db, person, draftId);
  if (draft.drafterId !== person.id) throw new AppError('forbidden', {}, { reason: words('只有撰写人可以修改稿件。', 'Only the drafter may edit the draft.') });
  if (!EDITABLE.includes(draft.status)) throw illegalMove(draft, 'edit');
  const values: DraftFormValues = extra.values ?? { title: draft.title, body: draft.body, bodyFormat: draft.bodyFormat, accountIds: draft.accountIds, urgency: draft.urgency };
  // The comment the drafter is to act on: the latest return, when that is why the draft is back.
  const sentBack = draft.status === 'returned' ? draft.reviews.filter((r) => r.decision === 'return' && r.at).sort((a, b) => a.at!.localeCompare(b.at!)).at(-1) : undefined;
  const returned = sentBack ? { reviewer: sentBack.reviewer.name, level: sentBack.level, comment: sentBack.comment, at: sentBack.at! } : null;
  const mode = { kind: 'edit' as const, draftId, status: draft.status, versionNo: draft.currentVersion, files: draft.files, accountIds: draft.accountIds, returned };
  const accounts = await accountChoices(db, draft.unitId, c.var.deps.now());
  return renderPage(c, <EditorPage ctx={pageCtx(c)} mode={mode} accounts={accounts} findings={draft.prescreen} fileMaxBytes={c.var.deps.config.fileMaxBytes} {...extra} values={values} />, status);
}

/** A page error (403, 404, 409) as a page in the layout, never JSON. */
const asPage = (handler: (c: C) => Promise<Response>) => async (c: C) => {
  try {
    return await handler(c);
  } catch (err) {
    if (toAppError(err).code === 'internal') throw err;
    return errorPage(c, err);
  }
};

/**
 * The draft form's pages. 保存草稿 / 提交审核 post here and go on to the draft page; a refusal comes
 * back to the form with what was typed and an error summary naming the fields. 发布前自查 screens
 * the text on the page without saving; 导入 turns a .docx into a new draft and opens it here.
 */
/** The files chosen on a form that comes back unsaved: a browser cannot put them back in the file input, so the page names them. */
const namesOf = (files: File[]) => files.map((f) => f.name).filter(Boolean);

export const editorRouter = new Hono<AppEnv>()
  .use('/drafts/new', requirePage)
  .use('/drafts/:id/edit', requirePage)
  .use('/drafts/import', requirePage)
  .get('/drafts/new', asPage((c) => newDraftPage(c, c.var.person)))
  .post('/drafts/new', asPage(async (c) => {
    const person = c.var.person;
    const { deps } = c.var;
    const form = await readForm(c);
    const sendBack = (errors: FieldErrors, status: ContentfulStatusCode, more: Partial<EditorPageProps> = {}) => newDraftPage(c, person, { values: form.values, errors, unsavedFiles: namesOf(form.attachments), ...more }, status, form.unitId);
    if (form.intent === 'import') return importFromForm(c, person, form);
    const parsed = NewDraftSchema.safeParse({ ...form.values, unitId: form.unitId });
    if (form.intent === 'check') {
      const findings = await previewPrescreen(deps.db, form.values);
      return sendBack({}, 200, { findings, findingsFresh: true });
    }
    try {
      if (!parsed.success) throw validationError(parsed.error.issues, 'form');
      const uploads = await Promise.all(form.attachments.map(toUpload));
      const draft = await writeDraft(deps.db, deps, person, parsed.data, uploads);
      if (form.intent === 'submit') {
        try {
          await submitIfDraft(deps.db, deps, person, draft.id, draft.status);
        } catch (err) {
          // Saved but not submitted: the draft's own form says why, with the saved text.
          const e = toAppError(err);
          if (e.code === 'internal') throw err;
          return editDraftPage(c, person, draft.id, { errors: fieldErrors(e, c, 'attachments'), notice: t(pageCtx(c).locale, '稿件已保存，但未能提交审核。', 'The draft is saved, but it could not be submitted.') }, e.status);
        }
      }
      return c.redirect(`/drafts/${draft.id}?done=${form.intent === 'submit' ? 'submitted' : 'saved'}`, 303);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      return sendBack(fieldErrors(e, c, 'attachments'), e.status);
    }
  }))
  .get(`/drafts/:id{${UUID_PARAM}}/edit`, asPage((c) => {
    const imported = c.req.query('imported') !== undefined;
    return editDraftPage(c, c.var.person, c.req.param('id')!, imported ? { notice: t(pageCtx(c).locale, '已导入 Word 文档：请检查正文，然后保存或提交审核。', 'The Word document is imported: check the text, then save or submit it.') } : {});
  }))
  .post(`/drafts/:id{${UUID_PARAM}}/edit`, asPage(async (c) => {
    const person = c.var.person;
    const { deps } = c.var;
    const draftId = c.req.param('id')!;
    const form = await readForm(c);
    const sendBack = (errors: FieldErrors, status: ContentfulStatusCode, more: Partial<EditorPageProps> = {}) => editDraftPage(c, person, draftId, { values: form.values, errors, unsavedFiles: namesOf(form.attachments), ...more }, status);
    const parsed = NewDraftSchema.omit({ unitId: true }).partial({ accountIds: true, urgency: true }).safeParse({ ...form.values, ...form.publishing });
    if (form.intent === 'check') return sendBack({}, 200, { findings: await previewPrescreen(deps.db, form.values), findingsFresh: true });
    try {
      if (!parsed.success) throw validationError(parsed.error.issues, 'form');
      const uploads = await Promise.all(form.attachments.map(toUpload));
      await saveDraftEdit(deps.db, deps, person, draftId, { ...parsed.data, removeFileIds: form.removeFileIds, baseVersion: form.base }, uploads);
      if (form.intent === 'submit') await submitIfDraft(deps.db, deps, person, draftId, (await getDraftRow(deps.db, draftId)).status);
      return c.redirect(`/drafts/${draftId}?done=${form.intent === 'submit' ? 'submitted' : 'saved'}`, 303);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal' || e.status === 404 || e.status === 403) throw err;
      // Saved elsewhere meanwhile: what that save changed is shown above the form, to be compared.
      const moved = e.code === 'version_moved' ? (e.details as { base: number; current: number }) : null;
      const otherSave = moved ? await draftDiff(deps.db, person, draftId, moved.base, moved.current) : undefined;
      return sendBack(fieldErrors(e, c, 'attachments'), e.status, otherSave ? { otherSave: { ...otherSave, from: otherSave.from.no, to: otherSave.to.no } } : {});
    }
  }));

/** 导入 on the new-draft form: the .docx becomes a new draft (same service as POST /api/v1/drafts/import), opened in the editor. */
async function importFromForm(c: C, person: Person, form: Awaited<ReturnType<typeof readForm>>) {
  const { deps } = c.var;
  const sendBack = (errors: FieldErrors, status: ContentfulStatusCode) => newDraftPage(c, person, { values: form.values, errors }, status, form.unitId);
  try {
    if (!form.docx) throw new AppError('file_missing', { field: 'docx' }, { field: 'file' });
    const fields = ImportFields.safeParse({ unitId: form.unitId, accountIds: form.values.accountIds, title: form.values.title.trim() || undefined, urgency: form.values.urgency });
    if (!fields.success) throw validationError(fields.error.issues, 'form');
    const draft = await importDocx(deps.db, deps, person, { file: await toUpload(form.docx), ...fields.data });
    return c.redirect(`/drafts/${draft.id}/edit?imported=1`, 303);
  } catch (err) {
    const e = toAppError(err);
    if (e.code === 'internal') throw err;
    return sendBack(fieldErrors(e, c, 'docx'), e.status);
  }
}
