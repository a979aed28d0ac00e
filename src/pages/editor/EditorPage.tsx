import { draftFormMaxBytes, fileSummary, megabytes } from '../../domain/files';
import type { PrescreenFinding } from '../../domain/prescreen';
import { registryLabel } from '../../domain/registry-labels';
import { label, type Locale } from '../../lib/i18n';
import { blockReason, type AccountChoice } from '../../services/publish-gate';
import type { FileView } from '../../services/versions';
import { t, type PageCtx } from '../components/context';
import { VersionChanges } from '../components/diff';
import { Layout } from '../components/Layout';
import { PrescreenFindings } from '../components/prescreen';
import { Button, Card, Choices, ErrorSummary, fieldId, Notice, PostForm, Select, StatusTag, TextField, Time, type FieldErrors } from '../components/ui';
import { vendorUrl } from '../vendor';
import { EDITOR_CSS_URL, EDITOR_JS_URL } from './assets';

/**
 * Each field's problem in words a drafter acts on, as the form's error summary says it: the server
 * sends a refused form back with them, and the page's script says the same when its own save (the
 * draft saved before its first image is uploaded) is refused.
 */
export const fieldMessages = (l: Locale): Record<string, string> => ({
  title: t(l, '请填写标题（不超过 200 字）', 'Enter a title (at most 200 characters)'),
  body: t(l, '请填写正文', 'Enter the text'),
  accountIds: t(l, '请至少选择一个可发布的账号', 'Choose at least one account that can be published on'),
  urgency: t(l, '请选择紧急程度', 'Choose the urgency'),
  unitId: t(l, '单位无效，请刷新页面', 'The unit is not valid; reload the page'),
});

/** What the form shows: what was saved, or what was just sent back with its problems. */
export interface DraftFormValues {
  title: string;
  body: string;
  bodyFormat: 'html' | 'text';
  accountIds: string[];
  urgency: string;
}

/** The decision that sent a draft back to its drafter: shown above the form, where the changes are made. */
export interface ReturnedBy { reviewer: string; level: string; comment: string | null; at: string }

export interface EditorPageProps {
  ctx: PageCtx;
  /** New draft: the unit it is written for. Edit: the draft being changed. */
  mode: { kind: 'new'; unitId: string; unitName: string } | { kind: 'edit'; draftId: string; status: string; versionNo: number; files: FileView[]; accountIds: string[]; returned?: ReturnedBy | null };
  values: DraftFormValues;
  accounts: AccountChoice[];
  findings: PrescreenFinding[] | null;
  /** True when the findings are of the text on screen (after 发布前自查), not of the saved version. */
  findingsFresh?: boolean;
  errors?: FieldErrors;
  notice?: string;
  /** Files chosen on the form as it was sent, not saved (a check, a refusal): named, to be chosen again. */
  unsavedFiles?: string[];
  /** A save refused because another was made since the form opened (409 version_moved): what that save changed. */
  otherSave?: Parameters<typeof VersionChanges>[0]['diff'];
  /** FILE_MAX_BYTES: stated beside the file inputs, and checked by the page's script before it posts. */
  fileMaxBytes: number;
}

/**
 * The draft form. Plain HTML first: a textarea named `body`, checkboxes, file inputs and three
 * buttons that post to this page's route — it works without JavaScript. /assets/editor.js turns the
 * textarea into the WYSIWYG editor (served from this origin) and uploads images as they are inserted.
 */
export function EditorPage({ ctx, mode, values, accounts, findings, findingsFresh, errors = {}, notice, unsavedFiles = [], otherSave, fileMaxBytes }: EditorPageProps) {
  const l = ctx.locale;
  const isNew = mode.kind === 'new';
  const title = isNew ? t(l, '新建稿件', 'New draft') : t(l, '修改稿件', 'Edit draft');
  const action = isNew ? '/drafts/new' : `/drafts/${mode.draftId}/edit`;
  const head = (
    <>
      <link rel="stylesheet" href={vendorUrl('jodit.css')} />
      <link rel="stylesheet" href={EDITOR_CSS_URL} />
      {/* Deferred scripts run in order: the editor library, then the page's script that starts it. */}
      <script src={vendorUrl('jodit.js')} defer></script>
      <script src={EDITOR_JS_URL} defer></script>
    </>
  );
  return (
    <Layout ctx={ctx} title={Object.keys(errors).length ? `${t(l, '错误：', 'Error: ')}${title}` : title} head={head}
      crumbs={[[t(l, '工作台', 'Workspace'), '/'], ...(isNew ? [] : [[values.title, `/drafts/${mode.draftId}`] as [string, string]]), [title]]}>
      <div class="page-head">
        <h1>{title}</h1>
        {!isNew ? <StatusTag status={mode.status} l={l} /> : null}
      </div>
      <ErrorSummary errors={errors} l={l} />
      {otherSave ? (
        <Card id="other-save" title={t(l, '另一处保存的修改（您的修改在下方表单中，尚未保存）', 'What the other save changed (your changes are in the form below, not saved yet)')}>
          <VersionChanges diff={otherSave} l={l} />
        </Card>
      ) : null}
      {notice ? <Notice tone="ok">{notice}</Notice> : null}
      {!isNew && mode.returned ? (
        <div id="returned"><Notice tone="warn">
          <strong>{t(l, `${label('level', mode.returned.level)} ${mode.returned.reviewer} 退回了此稿件`, `${mode.returned.reviewer} (${label('level', mode.returned.level, 'en')}) returned this draft`)}</strong>
          {' '}<span class="muted"><Time at={mode.returned.at} l={l} /></span>
          <p class="comment">{mode.returned.comment ?? t(l, '（未写意见）', '(no comment)')}</p>
          {t(l, '请按意见修改后提交；不作修改直接提交，审核人看到的仍是同一版本。', 'Change the draft as asked, then submit; submitted unchanged, reviewers see the same version again.')}
        </Notice></div>
      ) : null}
      {!isNew && mode.status === 'in_review' ? (
        <Notice tone="warn">{t(l, '此稿件正在审核中：保存修改后，审核将从第一级重新开始，已发出的审核链接全部失效。', 'This draft is in review: saving a change restarts the review at the first level, and every link already sent stops working.')}</Notice>
      ) : null}
      <PostForm action={action} csrf={ctx.csrf} enctype="multipart/form-data" id="f-form" class="draft-form">
        {isNew ? <input type="hidden" name="unitId" value={mode.unitId} /> : <input type="hidden" name="baseVersion" value={String(mode.versionNo)} />}
        <div class="editor-grid">
          <div class="editor-main">
            <Card>
              {isNew ? <p class="muted unit">{t(l, '单位：', 'Unit: ')}{mode.unitName}</p> : <p class="muted">{t(l, `当前为第 ${mode.versionNo} 版；保存即生成新版本。`, `This is version ${mode.versionNo}; saving makes a new version.`)}</p>}
              <TextField name="title" label={t(l, '标题', 'Title')} value={values.title} error={errors.title} hint={t(l, '不超过 200 字', 'At most 200 characters')} />
              <div class={errors.body ? 'field has-error body-field' : 'field body-field'}>
                <label for={fieldId('body')} id="body-label">{t(l, '正文', 'Text')}</label>
                <span class="hint" id={`${fieldId('body')}-hint`}>
                  {t(l, '可直接从 Word 或微信编辑器粘贴，标题、加粗、列表、链接、表格和图片会保留。', 'Paste from Word or WeChat editors: headings, bold, lists, links, tables and images are kept.')}
                </span>
                {errors.body ? <span class="error-message" id={`${fieldId('body')}-error`}>{errors.body}</span> : null}
                <textarea id={fieldId('body')} name="body" rows={18} data-editor data-draft-id={isNew ? undefined : mode.draftId} data-lang={l}
                  data-file-max={String(fileMaxBytes)} data-form-max={String(draftFormMaxBytes(fileMaxBytes))} data-field-messages={JSON.stringify(fieldMessages(l))}
                  aria-describedby={[`${fieldId('body')}-hint`, errors.body ? `${fieldId('body')}-error` : ''].filter(Boolean).join(' ')} aria-invalid={errors.body ? 'true' : undefined}>
                  {values.body}
                </textarea>
                <input type="hidden" name="bodyFormat" id={fieldId('bodyFormat')} value={values.bodyFormat} />
                <p id="editor-status" class="muted" role="status" aria-live="polite"></p>
              </div>
              {!isNew && mode.files.length ? (
                <fieldset class="field files" id={fieldId('removeFileIds')}>
                  <legend>{t(l, '图片与附件', 'Images and attachments')}</legend>
                  <ul class="file-list">
                    {mode.files.map((f, i) => (
                      <li data-file-id={f.id}>
                        <a href={f.url} target="_blank" rel="noopener">{f.name}</a> <span class="muted">{fileSummary(f, l)}</span>{' '}
                        <label class="remove" for={`remove-${i}`}>
                          <input type="checkbox" id={`remove-${i}`} name="removeFileIds" value={f.id} /> {t(l, '删除', 'Remove')}
                        </label>
                      </li>
                    ))}
                  </ul>
                </fieldset>
              ) : null}
              <div class={errors.attachments ? 'field has-error' : 'field'}>
                <label for={fieldId('attachments')}>{t(l, '添加图片或附件', 'Add images or attachments')}</label>
                <span class="hint" id={`${fieldId('attachments')}-hint`}>{t(l, `jpg、png、gif、webp、pdf、docx、xlsx、pptx，可多选；每个文件不超过 ${megabytes(fileMaxBytes)}；保存时上传。`, `jpg, png, gif, webp, pdf, docx, xlsx, pptx; several at once; at most ${megabytes(fileMaxBytes)} a file; uploaded when you save.`)}</span>
                {errors.attachments ? <span class="error-message" id={`${fieldId('attachments')}-error`}>{errors.attachments}</span> : null}
                {unsavedFiles.length ? (
                  <Notice tone="warn">{t(l, `所选文件尚未上传：${unsavedFiles.join('、')}。浏览器不能替您保留所选文件，请重新选择后再保存。`, `The files you chose are not uploaded yet: ${unsavedFiles.join(', ')}. The browser cannot keep a choice of files, so choose them again before saving.`)}</Notice>
                ) : null}
                <input type="file" id={fieldId('attachments')} name="attachments" multiple aria-describedby={`${fieldId('attachments')}-hint`}
                  accept=".jpg,.jpeg,.png,.gif,.webp,.pdf,.docx,.xlsx,.pptx,image/*" />
              </div>
            </Card>
            <Card title={t(l, '发布', 'Publishing')}>
              {isNew ? null : <input type="hidden" name="accountIdsOffered" value="1" />}
              <Choices name="accountIds" legend={t(l, '发布账号', 'Accounts to publish on')} error={errors.accountIds}
                hint={accounts.some((a) => !a.ok) ? t(l, '灰色的账号当前不能发布，原因见其后。', 'Greyed accounts cannot be published to now; the reason follows each.') : undefined}
                choices={accounts.map((a) => {
                  // An account the draft already targets stays choosable when the gate now refuses it: unticking it is how the drafter lets it go.
                  const kept = !isNew && mode.accountIds.includes(a.id);
                  return {
                    value: a.id,
                    label: <>{a.name} <span class="tag">{registryLabel('platform', a.platform, l)}</span></>,
                    hint: a.ok ? undefined : kept ? t(l, `当前不能发布：${blockReason(a.reason, l)}；请取消勾选`, `Cannot be published to now: ${blockReason(a.reason, l)}; untick it`) : t(l, `不可选：${blockReason(a.reason, l)}`, `Not available: ${blockReason(a.reason, l)}`),
                    checked: values.accountIds.includes(a.id),
                    disabled: !a.ok && !kept,
                  };
                })} />
              {!accounts.length ? <p class="empty">{t(l, '本单位还没有登记备案的账号。', 'Your unit has no registered accounts yet.')}</p> : null}
              <Select name="urgency" label={t(l, '紧急程度', 'Urgency')} value={values.urgency} error={errors.urgency}
                options={[['normal', label('urgency', 'normal', l)], ['urgent', label('urgency', 'urgent', l)]]} />
              {!isNew && mode.status === 'in_review' ? <p class="muted">{t(l, '更改发布账号后审核从第一级重新开始；更改紧急程度只改变当前审核的期限。', 'Changing the accounts restarts the review at the first level; changing the urgency only changes the current review’s deadline.')}</p> : null}
            </Card>
            {isNew ? (
              <Card title={t(l, '导入 Word 文档', 'Import a Word document')} id="import">
                <div class={errors.docx ? 'field has-error' : 'field'}>
                  <label for={fieldId('docx')}>{t(l, '选择 .docx 文件', 'Choose a .docx file')}</label>
                  <span class="hint" id={`${fieldId('docx')}-hint`}>{t(l, `导入后正文、标题和图片自动填入，原文件作为附件保留（不超过 ${megabytes(fileMaxBytes)}）。上面已选的发布账号和紧急程度一并使用。`, `The text, title and images are filled in; the original file is kept as an attachment (at most ${megabytes(fileMaxBytes)}). The accounts and urgency chosen above are used.`)}</span>
                  <span class="hint warn" id={`${fieldId('docx')}-replaces`}>{t(l, '注意：导入以文档内容新建稿件，上面已输入的正文和已选择的附件不会保留。', 'Note: importing makes a new draft of the document: the text typed above and the attachments chosen are not kept.')}</span>
                  {errors.docx ? <span class="error-message" id={`${fieldId('docx')}-error`}>{errors.docx}</span> : null}
                  <input type="file" id={fieldId('docx')} name="docx" accept=".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document" aria-describedby={`${fieldId('docx')}-hint ${fieldId('docx')}-replaces`} />
                </div>
                <Button kind="secondary" name="intent" value="import" id="import-docx">{t(l, '导入', 'Import')}</Button>
              </Card>
            ) : null}
            <div class="actions form-actions">
              <Button kind="secondary" name="intent" value="save" id="save-draft">{t(l, '保存草稿', 'Save draft')}</Button>
              <Button name="intent" value="submit" id="submit-draft">{t(l, '提交审核', 'Submit for review')}</Button>
              <Button kind="secondary" name="intent" value="check" id="check-draft">{t(l, '发布前自查', 'Pre-screen')}</Button>
            </div>
          </div>
          <aside class="editor-side" aria-live="polite">
            {findings ? (
              <>
                <PrescreenFindings findings={findings} l={l} />
                <p class="muted">{findingsFresh ? t(l, '以上为当前页面内容的自查结果（尚未保存）。', 'These are for the text on this page (not saved yet).') : t(l, '以上为已保存版本的自查结果；修改时自动重新检查。', 'These are for the saved version; they are checked again as you change the text.')}</p>
              </>
            ) : (
              <section class="card prescreen">
                <h2>{t(l, '发布前自查', 'Pre-screen')}</h2>
                <p class="muted">{t(l, '输入时自动检查密级标志、身份证号、手机号、银行卡号和词表中的内容（未启用脚本时请点「发布前自查」）；提交时也会检查。', 'Checked as you type for classification marks, ID, phone and card numbers and listed words (without scripts, press Pre-screen); submitting checks too.')}</p>
              </section>
            )}
          </aside>
        </div>
      </PostForm>
    </Layout>
  );
}

/** Publicity and admin staff belong to no unit of their own: they first choose the unit a new draft is written for. */
export function ChooseUnitPage({ ctx, units }: { ctx: PageCtx; units: { id: string; name: string }[] }) {
  const l = ctx.locale;
  const lang = ctx.query.get('lang') ? `&lang=${encodeURIComponent(ctx.query.get('lang')!)}` : '';
  const title = t(l, '新建稿件', 'New draft');
  return (
    <Layout ctx={ctx} title={title} crumbs={[[t(l, '工作台', 'Workspace'), '/'], [title]]}>
      <h1>{title}</h1>
      <Card title={t(l, '为哪个单位起草？', 'Which unit is it for?')}>
        <p class="muted">{t(l, '稿件经所选单位的审核链审核，只能发往该单位的账号。', 'The draft goes up the chosen unit’s sign-off chain and may be published only on that unit’s accounts.')}</p>
        {units.length ? (
          <ul class="unit-choices">{units.map((u) => <li><a href={`/drafts/new?unitId=${u.id}${lang}`}>{u.name}</a></li>)}</ul>
        ) : <p>{t(l, '还没有单位。', 'There are no units yet.')}</p>}
      </Card>
    </Layout>
  );
}
