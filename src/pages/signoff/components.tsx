import type { Child } from 'hono/jsx';
import type { DraftStatus, Position } from '../../../db/schema';
import type { Platform } from '../../domain/inspection-code';
import { CHECKLIST, CHECKLIST_ITEMS, CHECKLIST_SHORT } from '../../domain/checklist';
import { cstReadable } from '../../domain/cst';
import { registryLabel } from '../../domain/registry-labels';
import type { AppError } from '../../lib/errors';
import { label, translator, type Locale } from '../../lib/i18n';
import type { DraftView } from '../../services/drafts';
import { userLang, UserText } from '../components/user-text';

/** Pieces shared by the sign-off pages and the 审核单. */

export const Time = (p: { at: Date | string | null; locale: Locale }) =>
  p.at ? <time datetime={new Date(p.at).toISOString()}>{cstReadable(p.at, p.locale)}</time> : <span>—</span>;

export const DecisionTag = (p: { decision: string | null; locale: Locale }) =>
  p.decision ? <span class={`tag decision-${p.decision}`}>{label('decision', p.decision, p.locale)}</span> : <span class="tag">{translator(p.locale)('待审核', 'pending')}</span>;

export function standingText(s: { status: DraftStatus; level: Position | null; holder: string | null }, locale: Locale): string {
  const t = translator(locale);
  const status = label('status', s.status, locale);
  if (s.status === 'in_review' && s.level) {
    return t(`审核中：等待“${label('level', s.level)}”${s.holder ?? ''}审核`, `In review: waiting for the ${label('level', s.level, 'en')}${s.holder ? ` (${s.holder})` : ''}`);
  }
  return t(`稿件当前状态：${status}`, `The draft is now ${status}`);
}

/**
 * The ticks of one checklist, each item by its label (never the internal key). An item left unticked
 * (a return or a rejection needs no ticks) is said to be not ticked, in grey: a red ✗ beside
 * 「不含涉密信息」 would read, on a record kept for years, as a finding that the text held secrets.
 */
export const Ticks = (p: { checklist: Record<string, boolean> | null; locale: Locale; short?: boolean }) => (
  <ul class={p.short ? 'ticks short' : 'ticks'}>
    {CHECKLIST_ITEMS.map((item) => {
      const yes = p.checklist?.[item] === true;
      return (
        <li class={yes ? 'yes' : 'unticked'}>
          <span aria-hidden="true">{yes ? '✓' : '○'}</span> {(p.short ? CHECKLIST_SHORT : CHECKLIST)[item][p.locale === 'en' ? 1 : 0]}
          {yes ? <span class="visually-hidden">{translator(p.locale)('（已勾选）', ' (ticked)')}</span> : translator(p.locale)('（未勾选）', ' (not ticked)')}
        </li>
      );
    })}
  </ul>
);

type RecordEntry = DraftView['reviews'][number];

/** The record so far: every decision with who, when, the checklist and the comment; the newest marked. */
export function Record(p: { entries: RecordEntry[]; locale: Locale; highlight?: string | null }) {
  const t = translator(p.locale);
  if (!p.entries.length) return <></>;
  return (
    <section class="card" aria-labelledby="record-title">
      <h2 id="record-title">{t('审核记录', 'Record so far')}</h2>
      <ol class="record">
        {p.entries.map((r) => (
          <li class={r.id === p.highlight ? 'just-made' : ''} data-review={r.id}>
            <div class="who">
              <b>{label('level', r.level, p.locale)}</b> · <span class="reviewer" lang={userLang(p.locale, r.reviewer.name)}>{r.reviewer.name}</span> <DecisionTag decision={r.decision} locale={p.locale} />
              {r.returnTo ? <span class="meta"> → {label('level', r.returnTo, p.locale)}</span> : ''}
            </div>
            <div class="meta">
              {t(`第 ${r.version} 版`, `version ${r.version}`)} · <Time at={r.at} locale={p.locale} />
              {r.id === p.highlight ? <strong> · {t('刚刚记录', 'just recorded')}</strong> : ''}
            </div>
            <Ticks checklist={r.checklist} locale={p.locale} />
            {r.comment ? <p class="comment">{t('意见：', 'Comment: ')}<UserText l={p.locale}>{r.comment}</UserText></p> : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}

export const Accounts = (p: { accounts: { name: string; platform: Platform; registrationNo: string | null }[]; locale: Locale }) => (
  <ul class="accounts">
    {p.accounts.map((a) => (
      <li>
        <UserText l={p.locale}>{a.name}</UserText> <span class="tag">{registryLabel('platform', a.platform, p.locale)}</span>
        {a.registrationNo ? <span class="meta"> <UserText l={p.locale}>{a.registrationNo}</UserText></span> : ''}
      </li>
    ))}
  </ul>
);

export interface Problem {
  href: string;
  text: string;
}

/**
 * What went wrong, as the GOV.UK error summary lists it: one line per problem, each linking to the
 * field to mend. The checklist names its items by their labels.
 */
export function problemsOf(e: AppError, locale: Locale, fallbackHref: string): Problem[] {
  const t = translator(locale);
  const details = Array.isArray(e.details) ? (e.details as { path?: string }[]) : [];
  if (e.code === 'checklist_incomplete') {
    return details
      .map((d) => d.path?.replace(/^checklist\./, '') as keyof typeof CHECKLIST)
      .filter((item) => item in CHECKLIST)
      .map((item) => ({ href: `#check-${item}`, text: t(`请勾选“${CHECKLIST[item][0]}”`, `Tick "${CHECKLIST[item][1]}"`) }));
  }
  if (e.code === 'comment_required') return [{ href: '#comment', text: e.localized(locale) }];
  const field = !Array.isArray(e.details) && e.details && typeof e.details === 'object' ? (e.details as { field?: string }).field : undefined;
  const fields = details.map((d) => d.path).filter(Boolean) as string[];
  const target = field ?? fields[0];
  return [{ href: target ? `#${target}` : fallbackHref, text: e.localized(locale) }];
}

/** GOV.UK error summary: at the top, announced, focused on load (autofocus without JavaScript, focus() with it). */
export function ErrorSummary(p: { problems: Problem[]; locale: Locale }) {
  const t = translator(p.locale);
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} autofocus data-error-summary>
      <h2 id="error-summary-title">{t('提交未成功，请修改以下内容', 'There is a problem')}</h2>
      <ul>
        {p.problems.map((x) => (
          <li>
            <a href={x.href}>{x.text}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export const Notice = (p: { ok: boolean; children: Child }) => (
  <div class={`notice ${p.ok ? 'ok' : 'bad'}`} role={p.ok ? 'status' : 'alert'}>
    {p.children}
  </div>
);
