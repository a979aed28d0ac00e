import { raw } from 'hono/html';
import { POSITIONS } from '../../../db/schema';
import { bodyHtml, pageHeadings } from '../../domain/html';
import { CHECKLIST, CHECKLIST_ITEMS } from '../../domain/checklist';
import { fileSummary } from '../../domain/files';
import { dutyConflictWords, handOnDeadEndWords, handOnWords, takersWords } from '../../domain/signoff';
import type { AppError } from '../../lib/errors';
import { aside, label, listed, translator, type Locale } from '../../lib/i18n';
import type { LinkView, SpentLink } from '../../services/signoff';
import type { SignoffPageFacts } from '../../services/signoff-view';
import { DiffText } from '../components/diff';
import { PrescreenFindings } from '../components/prescreen';
import { Mixed, userLang, UserText } from '../components/user-text';
import { Accounts, ErrorSummary, Notice, problemsOf, Record, standingText, Time, type Problem } from './components';

/** What the reviewer sent, so a refused post shows the form as they left it. */
export interface DecisionInputForm {
  checklist: string[];
  comment: string;
  returnTo: string;
}
export interface TransferInputForm {
  toPersonId: string;
  reason: string;
}

export interface LiveProps {
  view: LinkView;
  token: string;
  facts: SignoffPageFacts;
  /** The page's own path plus `?lang=` when the reader chose a language by query, for form actions. */
  action: (suffix?: string) => string;
  path: string;
  locale: Locale;
  decision?: DecisionInputForm;
  transfer?: TransferInputForm;
  error?: { of: 'decision' | 'transfer'; error: AppError };
}

/**
 * The page a busy leader opens from a phone: who wrote what for which accounts, what changed since
 * they last looked, the exact text, the record so far, the checklist and three buttons; and a way
 * to hand the review on. Plain forms: it works without JavaScript, and a refused post comes back
 * with the reviewer's input and an error summary at the top.
 */
export function LivePage(p: LiveProps) {
  const { view, facts, locale } = p;
  const { draft, review, version, reviewer } = view;
  const t = translator(locale);
  const takers = takersWords(review.level);
  const earlier = POSITIONS.filter((l) => draft.levels.indexOf(l) >= 0 && draft.levels.indexOf(l) < draft.levels.indexOf(review.level));
  const ticked = new Set(p.decision?.checklist ?? []);
  // Images of the version come through the link itself (the reviewer has no bearer token).
  const fileUrl = (fileId: string) => `/api/v1/signoff/${encodeURIComponent(p.token)}/files/${fileId}`;
  const problems: Problem[] = p.error ? problemsOf(p.error.error, locale, p.error.of === 'transfer' ? '#transfer' : '#decision') : [];
  return (
    <>
      {problems.length ? <ErrorSummary problems={problems} locale={locale} /> : ''}
      <section class="card" aria-labelledby="draft-title">
        <h1 id="draft-title" lang={userLang(locale, version.title)}>{version.title}</h1>
        {draft.urgency === 'urgent' ? <p><span class="tag urgent">{t('加急 · 当日回复', 'Urgent · reply today')}</span></p> : ''}
        {view.handOn ? (
          // Handed on (转交): the reviewer learns by whom and why before reading on, as the message told them.
          <div class="notice info handed-on" role="status">
            <Mixed l={locale} text={handOnWords(view.handOn).in(locale)} />
            <br /><span class="meta">{t('转交时间：', 'Handed on: ')}<Time at={view.handOn.at} locale={locale} /></span>
          </div>
        ) : ''}
        <dl class="facts">
          <dt>{t('撰写人', 'Drafter')}</dt>
          <dd class="drafter" lang={userLang(locale, facts.drafter)}>{facts.drafter}</dd>
          <dt>{t('单位', 'Unit')}</dt>
          <dd class="unit" lang={userLang(locale, facts.unit)}>{facts.unit}</dd>
          <dt>{t('发布账号', 'To be published on')}</dt>
          <dd class="target-accounts"><Accounts accounts={facts.accounts} locale={locale} /></dd>
          <dt>{t('版本', 'Version')}</dt>
          <dd>
            {t(`第 ${version.no} 版`, `Version ${version.no}`)} · <Time at={version.createdAt} locale={locale} />
            <br />
            <span class="meta">{t('内容指纹', 'Content hash')} <code class="hash">{version.contentSha256}</code></span>
          </dd>
          <dt>{t('审核人', 'Reviewer')}</dt>
          <dd><UserText l={locale}>{reviewer.name}</UserText>{aside(label('level', review.level, locale), locale)}</dd>
          <dt>{t('链接有效期至', 'Link valid until')}</dt>
          <dd><Time at={view.expiresAt} locale={locale} /></dd>
        </dl>
      </section>
      {view.barred ? (
        // Right under the title (the page's one h1 comes first), before the text: this person may read the draft but not decide here.
        <section class="card barred" aria-labelledby="barred-title">
          <h2 id="barred-title">{t('您不能审核此级别', 'You cannot decide at this level')}</h2>
          <div class="notice bad" role="alert"><Mixed l={locale} text={dutyConflictWords(view.barred).in(locale)} /></div>
          <p><a href="#transfer">{t('转交他人审核', 'Hand this review to someone else')}</a></p>
        </section>
      ) : ''}
      {facts.lastSeen ? (
        <section aria-labelledby="changes-title" class="card changes">
          <h2 id="changes-title">
            {facts.lastSeen.by === 'me'
              ? t(`自您上次审阅的第 ${facts.lastSeen.version.no} 版以来的修改`, `Changes since version ${facts.lastSeen.version.no}, which you last reviewed`)
              : t(`自本级上次审阅的第 ${facts.lastSeen.version.no} 版以来的修改`, `Changes since version ${facts.lastSeen.version.no}, which this level last reviewed`)}
          </h2>
          {facts.changes ? (
            <>
              {facts.changes.title.some((part) => part.op !== 'equal') ? <><h3>{t('标题', 'Title')}</h3><DiffText parts={facts.changes.title} l={locale} /></> : ''}
              <h3>{t('正文', 'Text')}</h3>
              {facts.changes.body.some((part) => part.op !== 'equal') ? <DiffText parts={facts.changes.body} l={locale} /> : <p class="hint">{t('文字未改动。', 'The words are unchanged.')}</p>}
              {facts.changes.fileNotes.length ? (
                <ul class="file-changes">{facts.changes.fileNotes.map((n) => <li>{t(n.zh, n.en)}</li>)}</ul>
              ) : ''}
            </>
          ) : ''}
          <details>
            <summary>{t(`第 ${facts.lastSeen.version.no} 版原文`, `Text of version ${facts.lastSeen.version.no}`)}</summary>
            <div class="body previous" lang={userLang(locale, facts.lastSeen.version.body)}>{raw(pageHeadings(bodyHtml(facts.lastSeen.version.body, facts.lastSeen.version.bodyFormat ?? 'text', fileUrl)))}</div>
          </details>
        </section>
      ) : ''}
      <section class="card" aria-labelledby="text-title">
        <h2 id="text-title">{t('稿件正文', 'Text under review')}</h2>
        <div class="body" lang={userLang(locale, version.body)}>{raw(pageHeadings(bodyHtml(version.body, version.bodyFormat, fileUrl)))}</div>
      </section>
      {facts.files.length ? (
        <section class="card files" aria-labelledby="files-title">
          <h2 id="files-title">{t(`图片与附件（${facts.files.length}）`, `Images and attachments (${facts.files.length})`)}</h2>
          <ul class="version-files">
            {facts.files.map((f) => (
              <li data-file-id={f.id}>
                {f.type.startsWith('image/') ? <a href={fileUrl(f.id)} class="thumb"><img src={fileUrl(f.id)} alt={f.name} lang={userLang(locale, f.name)} loading="lazy" /></a> : ''}
                <a href={fileUrl(f.id)} download={f.type.startsWith('image/') ? undefined : f.name} lang={userLang(locale, f.name)}>{f.name}</a>
                <span class="meta">{` ${fileSummary(f, locale)}`}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : ''}
      <PrescreenFindings findings={facts.prescreen} l={locale} />
      <Record entries={facts.record} locale={locale} />
      {view.barred ? '' : (
        <form id="decision" method="post" action={p.action()} data-once>
          <section class="card" aria-labelledby="checklist-title">
            <fieldset class={p.error?.error.code === 'checklist_incomplete' ? 'field-error' : ''}>
              <legend id="checklist-title"><h2>{t('审核要点（批准须全部勾选）', 'Checklist (tick every item to approve)')}</h2></legend>
              {CHECKLIST_ITEMS.map((item) => (
                <label class="check" for={`check-${item}`}>
                  <input type="checkbox" id={`check-${item}`} name="checklist" value={item} checked={ticked.has(item)} />
                  <span>{CHECKLIST[item][locale === 'en' ? 1 : 0]}{locale === 'en' ? '' : <><br /><small class="meta" lang="en">{CHECKLIST[item][1]}</small></>}</span>
                </label>
              ))}
            </fieldset>
          </section>
          <section class="card">
            <h2><label for="comment">{t('审核意见', 'Comment')}</label></h2>
            <p class="hint" id="comment-hint">{t('退回或不予通过时必填', 'Required to return or reject')}</p>
            <textarea id="comment" name="comment" aria-describedby="comment-hint" class={p.error?.error.code === 'comment_required' ? 'field-error' : ''}>{p.decision?.comment ?? ''}</textarea>
            {earlier.length ? (
              <p>
                <label for="returnTo">{t('退回至', 'Return to')}</label>{' '}
                <select id="returnTo" name="returnTo">
                  <option value="drafter" selected={(p.decision?.returnTo ?? 'drafter') === 'drafter'}>{label('level', 'drafter', locale)}</option>
                  {earlier.map((l) => <option value={l} selected={p.decision?.returnTo === l}>{label('level', l, locale)}</option>)}
                </select>
              </p>
            ) : <input type="hidden" name="returnTo" value="drafter" />}
            <div class="actions">
              <button type="submit" class="approve" name="decision" value="approve">{t('同意', 'Approve')}</button>
              <button type="submit" class="return" name="decision" value="return">{t('退回修改', 'Return')}</button>
              <button type="submit" class="reject" name="decision" value="reject">{t('不予通过', 'Reject')}</button>
            </div>
          </section>
        </form>
      )}
      <section class="card" aria-labelledby="transfer-title">
        <details id="transfer" open={p.error?.of === 'transfer' || !!view.barred}>
          <summary><h2 id="transfer-title">{t('转交他人审核', 'Hand this review to someone else')}</h2></summary>
          <p class="hint">{t('如您回避或不便审核，可转交给本单位其他有审核权限的人，并说明理由。转交后此链接失效。', 'If you must stand aside, hand the review to another person with authority in the unit and say why. This link then stops working.')}</p>
          {takers ? <p class="hint">{takers.in(locale)}{t('。', '.')}</p> : null}
          {p.facts.candidates.offered.length ? (
            <form method="post" action={p.action('/transfer')} data-once>
              <p>
                <label for="toPersonId">{t('接收人', 'Hand to')}</label>
                <select id="toPersonId" name="toPersonId" required>
                  <option value="">{t('请选择', 'Choose')}</option>
                  {p.facts.candidates.offered.map((c) => (
                    <option value={c.id} selected={p.transfer?.toPersonId === c.id} lang={userLang(locale, c.name)}>
                      {c.name}{c.positions.length ? aside(listed(c.positions.map((x) => label('level', x, locale)), locale), locale) : ''}
                      {c.otherLevel ? t(` — 另审本稿件“${label('level', c.otherLevel)}”级别，届时须再转交`, ` — also reviews this draft as ${label('level', c.otherLevel, 'en')}, and would have to hand that on`) : ''}
                    </option>
                  ))}
                </select>
              </p>
              <p>
                <label for="reason">{t('转交理由', 'Reason')}</label>
                <textarea id="reason" name="reason" required maxlength={2000}>{p.transfer?.reason ?? ''}</textarea>
              </p>
              <div class="actions"><button type="submit" class="transfer">{t('转交', 'Hand on')}</button></div>
            </form>
          ) : <p class="meta">{takers
            ? t('本单位暂无可转交的人员：可请管理员先任命，再转交。', 'Nobody in the unit can take this review: an admin may appoint someone first, then hand it on.')
            : t('本单位暂无可转交的人员。', 'Nobody else in the unit can take this review.')}</p>}
          {p.facts.candidates.leftOut.length ? (
            // Not offered, and why: handing on to them would leave a later level with nobody to sign it.
            <div class="left-out">
              <p class="hint">{t('以下人员不能接收本次转交：', 'Not offered for this hand-on:')}</p>
              <ul class="hint">
                {p.facts.candidates.leftOut.map((c) => (
                  <li data-person={c.id}><UserText l={locale}>{c.name}</UserText>{aside(listed(c.positions.map((x) => label('level', x, locale)), locale), locale)}{t('：', ': ')}<Mixed l={locale} text={handOnDeadEndWords(c.deadEnd.holds, c.deadEnd.stuck).in(locale)} /></li>
                ))}
              </ul>
            </div>
          ) : ''}
        </details>
      </section>
    </>
  );
}

export type SpentFlash = 'done' | 'transferred' | 'resent' | null;

/** The codes by which a link's own state refuses a post: the page's headline already says them. */
const STATE_CODES: readonly string[] = ['link_used', 'link_expired', 'link_superseded', 'review_closed'];

/**
 * A link that can no longer decide is not a dead end: it says what happened to it, where the draft
 * stands, and — while a review still waits on this person — offers a fresh link to their own address.
 * Opened to look, it is information (a used link shows what was decided, not an error); only a post
 * it refused (`error`) is shown as one, once.
 */
export function SpentPage(p: { link: SpentLink; record: Parameters<typeof Record>[0]['entries']; locale: Locale; path: string; action: (s?: string) => string; flash: SpentFlash; error?: AppError }) {
  const { link, locale } = p;
  const t = translator(locale);
  const d = link.decided;
  const refusedByState = !!p.error && STATE_CODES.includes(p.error.code);
  const headline =
    link.state === 'used' ? (refusedByState ? t('此审核链接已使用过，不能再次提交。', 'This sign-off link has been used; it cannot decide again.') : t('此审核链接已用于作出以下决定。', 'This sign-off link was used for the decision below.'))
    : link.state === 'expired' ? t('此审核链接已过期。', 'This sign-off link has expired.')
    : link.state === 'superseded' ? link.problem.localized(locale)
    : t('此审核已结束。', 'This review is closed.');
  // Right after deciding or handing on, the link being spent is expected news, not an error.
  const expected = p.flash === 'done' || p.flash === 'transferred';
  // Looked at, a decided link is information; an expired or superseded one asks for something (a warning); a refused post is an error.
  const tone = refusedByState ? 'bad' : link.state === 'used' || link.state === 'closed' || link.resent ? 'info' : 'warn';
  // Only a restart (an edit, other accounts) comes back to this level; a handed-on or succeeded review does not.
  const askedAgain = link.state === 'superseded' && (link.supersededReason === 'edited' || link.supersededReason === 'retargeted') && link.standing.status === 'in_review';
  return (
    <>
      {p.flash === 'done' ? <Notice ok>{t('已记录您的决定。', 'Your decision is recorded.')}</Notice> : ''}
      {p.flash === 'transferred' ? <Notice ok><Mixed l={locale} text={t(`已转交，现由${link.standing.holder ?? '接收人'}审核。`, `Handed on; ${link.standing.holder ?? 'the new reviewer'} now has this review.`)} /></Notice> : ''}
      {p.error && !refusedByState ? <Notice ok={false}><Mixed l={locale} text={p.error.localized(locale)} /></Notice> : ''}
      <section aria-labelledby="spent-title" class={`card spent spent-${link.state}`} data-state={link.state}>
        <h1 id="spent-title" lang={userLang(locale, link.title)}>{link.title}</h1>
        <p class="meta"><Mixed l={locale} text={t(`第 ${link.versionNo} 版 · ${label('level', link.level)} ${link.reviewerName}`, `Version ${link.versionNo} · ${label('level', link.level, 'en')} ${link.reviewerName}`)} /></p>
        {expected && !d ? '' : (
          <div class={`notice ${expected ? 'info' : tone} state`} role={refusedByState ? 'alert' : undefined}>
            {expected ? '' : <strong><Mixed l={locale} text={headline} /></strong>}
            {d ? <p class="decided"><DecidedLine decided={d} locale={locale} /></p> : ''}
            {d?.comment ? <p>{t('意见：', 'Comment: ')}<UserText l={locale}>{d.comment}</UserText></p> : ''}
          </div>
        )}
        <p class="standing"><strong><Mixed l={locale} text={standingText(link.standing, locale)} /></strong></p>
        {link.resent ? (
          // Sent: said, and the button comes back only when another may be asked for.
          <Notice ok>
            {t('新的审核链接已于 ', 'A fresh link was sent at ')}<Time at={link.resent.at} locale={locale} />
            {t(' 发送到您本人的邮箱或通知渠道，请使用新链接。', ' to your own email or notification channel; use that link.')}
            <br /><span class="meta">{t('如未收到，可于 ', 'If it does not arrive, you may ask again after ')}<Time at={link.resent.again} locale={locale} />{t(' 后再次发送。', '.')}</span>
          </Notice>
        ) : link.resendable ? (
          <form method="post" action={p.action('/resend')} data-once class="resend">
            <p class="hint">{t('此审核仍在等待您处理。新链接只发送到您本人的邮箱或通知渠道，不会显示在此页面。', 'This review still waits for you. A fresh link goes only to your own email or notification channel, never to this page.')}</p>
            <button type="submit" class="resend">{t('重新发送链接', 'Send me a fresh link')}</button>
          </form>
        ) : askedAgain ? (
          <p class="hint">{t('轮到您审核时，您会收到新的通知和链接。', 'You will receive a new notice and link when the draft reaches you.')}</p>
        ) : ''}
        {/* Decided from a list of several: the way on to the next one. */}
        <p class="next"><a href="/">{t('返回工作台（待我审核）', 'Back to the workspace (awaiting me)')}</a></p>
      </section>
      <Record entries={p.record} locale={locale} highlight={p.flash === 'done' ? link.reviewId : null} />
    </>
  );
}

function DecidedLine(p: { decided: NonNullable<SpentLink['decided']>; locale: Locale }) {
  const d = p.decided;
  return p.locale === 'en'
    ? <><UserText l="en">{d.by}</UserText> decided “{label('decision', d.decision, 'en')}” on <Time at={d.at} locale="en" />.</>
    : <>{d.by}于 <Time at={d.at} locale="zh-CN" /> 作出决定：{label('decision', d.decision)}。</>;
}

/** A token that matches no link: forged, mistyped or cut short. Nothing is known, so nothing is told but what to do. */
export function UnknownLinkPage(p: { locale: Locale; path: string }) {
  const t = translator(p.locale);
  return (
    <>
      <section class="card spent spent-unknown" data-state="unknown">
        <h1>{t('审核链接无效', 'This sign-off link is not valid')}</h1>
        <div class="notice bad" role="alert">{t('请核对链接是否完整（邮件或消息中的链接有时会被截断）。', 'Check that the link was copied whole (mail and chat apps sometimes cut links short).')}</div>
        <ul>
          <li>{t('请打开最新一条审核通知中的链接；', 'Open the link in the latest review notice;')}</li>
          <li>{t('或登录工作台查看待我审核的稿件：', 'or sign in to see what awaits your review: ')}<a href="/">{t('工作台', 'workspace')}</a></li>
          <li>{t('仍无法打开时，请联系稿件撰写人催办，系统会发送新链接。', 'If it still fails, ask the drafter to send a reminder; a new link will be sent.')}</li>
        </ul>
      </section>
    </>
  );
}
