import { raw } from 'hono/html';
import type { Position } from '../../../db/schema';
import { CHECKLIST, CHECKLIST_ITEMS, CHECKLIST_SHORT } from '../../domain/checklist';
import type { SheetFacts } from '../../domain/sheet';
import { label, translator, type Locale } from '../../lib/i18n';
import { PrintButton } from '../components/print';
import { Accounts, DecisionTag, Ticks, Time } from '../signoff/components';

export interface SheetProps {
  facts: SheetFacts;
  hash: string;
  pending: { level: Position; reviewer: string } | null;
  confirmUrl: string;
  qrSvg: string;
  printedAt: Date;
  locale: Locale;
  path: string;
}

/** The facts table both the sheet and its confirmation page show. */
function FactsTable(p: { facts: SheetFacts; locale: Locale }) {
  const { facts, locale } = p;
  const t = translator(locale);
  return (
    <table class="sheet-facts ruled">
      <tbody>
        <tr><th scope="row">{t('标题', 'Title')}</th><td colspan={3} class="sheet-title">{facts.title}</td></tr>
        <tr>
          <th scope="row">{t('单位', 'Unit')}</th><td class="unit">{facts.unit}</td>
          <th scope="row">{t('状态', 'Status')}</th><td class="status">{label('status', facts.status, locale)}</td>
        </tr>
        <tr><th scope="row">{t('发布账号', 'Target accounts')}</th><td colspan={3}><Accounts accounts={facts.accounts} locale={locale} /></td></tr>
        <tr>
          <th scope="row">{t('版本', 'Version')}</th><td>{t(`第 ${facts.version} 版`, `Version ${facts.version}`)}</td>
          <th scope="row">{t('内容指纹（SHA-256）', 'Content hash (SHA-256)')}</th><td class="hash content-hash">{facts.contentSha256}</td>
        </tr>
      </tbody>
    </table>
  );
}

/** Every decision on the sheet's version, one row each, with the audit chain position. */
function LevelsTable(p: { facts: SheetFacts; pending: SheetProps['pending']; locale: Locale }) {
  const { facts, locale } = p;
  const t = translator(locale);
  const decided = new Set(facts.entries.map((e) => e.level));
  const waiting = facts.levels.filter((l) => !decided.has(l));
  return (
    <table class="sheet-levels ruled stacked">
      <colgroup><col class="c-level" /><col class="c-reviewer" /><col class="c-decision" /><col class="c-checklist" /><col class="c-time" /><col class="c-audit" /></colgroup>
      <thead>
        <tr>
          <th scope="col">{t('审核级别', 'Level')}</th>
          <th scope="col">{t('审核人', 'Reviewer')}</th>
          <th scope="col">{t('决定与意见', 'Decision and comment')}</th>
          <th scope="col">{t('审核要点', 'Checklist')}</th>
          <th scope="col">{t('时间', 'Time')}</th>
          <th scope="col">{t('审计链位置', 'Audit chain')}</th>
        </tr>
      </thead>
      <tbody>
        {facts.entries.map((e) => (
          <tr class="entry">
            <td data-label={t('审核级别', 'Level')}>{label('level', e.level, locale)}</td>
            <td data-label={t('审核人', 'Reviewer')} class="reviewer">
              {e.reviewer}
              {e.appointedDuringReview ? <div class="flag appointed">{t('审核期间新任命', 'Appointed during this review')}</div> : ''}
            </td>
            <td data-label={t('决定与意见', 'Decision')}>
              <DecisionTag decision={e.decision} locale={locale} />
              {e.returnTo ? <span> → {label('level', e.returnTo, locale)}</span> : ''}
              {e.comment ? <div class="comment">{e.comment}</div> : ''}
            </td>
            <td data-label={t('审核要点', 'Checklist')}><Ticks checklist={e.checklist} locale={locale} short /></td>
            <td data-label={t('时间', 'Time')}><Time at={e.at} locale={locale} /></td>
            <td data-label={t('审计链位置', 'Audit chain')} class="audit">
              {e.audit ? <>{t('事件', 'event')} #{e.audit.seq}<br /><code class="hash">{e.audit.hash}</code></> : '—'}
            </td>
          </tr>
        ))}
        {waiting.map((l) => (
          <tr class="waiting">
            <td data-label={t('审核级别', 'Level')}>{label('level', l, locale)}</td>
            <td data-label={t('审核人', 'Reviewer')}>{p.pending?.level === l ? p.pending.reviewer : '—'}</td>
            <td colspan={4}>{p.pending?.level === l ? t('待审核', 'Awaiting decision') : t('未审核', 'Not reviewed')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What the short checklist names on the sheet stand for. */
const Legend = (p: { locale: Locale }) => (
  <p class="legend">
    {translator(p.locale)('审核要点：', 'Checklist: ')}
    {CHECKLIST_ITEMS.map((item, i) => <>{i ? '；' : ''}<b>{CHECKLIST_SHORT[item][p.locale === 'en' ? 1 : 0]}</b> = {CHECKLIST[item][p.locale === 'en' ? 1 : 0]}</>)}
  </p>
);

/** The printable 审核单: one A4 page with the facts, every level, the hashes and the QR code that confirms them. */
export function SheetPage(p: SheetProps) {
  const t = translator(p.locale);
  return (
    <article class="sheet" aria-labelledby="sheet-title">
      <header class="sheet-head">
        <div>
          <h1 id="sheet-title">{t('网络信息发布审核单', 'Publication approval sheet')}</h1>
          <p class="meta">{p.facts.unit} · {t('先审后发 · 一事一审', 'Reviewed before publication')}</p>
        </div>
        <figure class="qr">
          {raw(p.qrSvg)}
          <figcaption>{t('扫码核验', 'Scan to confirm')}</figcaption>
        </figure>
      </header>
      <FactsTable facts={p.facts} locale={p.locale} />
      <LevelsTable facts={p.facts} pending={p.pending} locale={p.locale} />
      <Legend locale={p.locale} />
      <footer class="sheet-foot">
        <p>{t('审核单指纹', 'Sheet hash')} <code class="hash sheet-hash">{p.hash}</code></p>
        <p>{t('核验地址', 'Confirm at')} <span class="url">{p.confirmUrl}</span></p>
        <p class="meta">{t('打印时间', 'Printed')} <Time at={p.printedAt} locale={p.locale} /></p>
      </footer>
      <PrintButton l={p.locale} />
    </article>
  );
}

/** The page the QR code opens: 一致 with the facts it confirms, or 不一致 with nothing else. */
export function ConfirmPage(p: { result: { matches: true; facts: SheetFacts; hash: string; auditIntact: boolean } | { matches: false }; locale: Locale; path: string }) {
  const t = translator(p.locale);
  const r = p.result;
  if (!r.matches) {
    return (
      <>
        <div class="notice bad verdict" role="alert" data-matches="false">
          <strong>✕ {t('不一致：此审核单与系统存档记录不符', 'Does not match: this sheet differs from the stored record')}</strong>
          <p>{t('审核单可能被改动，或在打印之后稿件有了新的审核记录。请登录系统查看最新审核单。', 'The sheet may have been altered, or the draft was reviewed further after it was printed. Sign in to see the current sheet.')}</p>
        </div>
      </>
    );
  }
  return (
    <>
      <div class="notice ok verdict" role="status" data-matches="true">
        <strong>✓ {t('一致：此审核单与系统存档记录相符', 'Matches: this sheet is what the system holds')}</strong>
        <p>{r.auditIntact ? t('所列审核决定的审计链事件核验无误。', 'The audit events of the listed decisions check out.') : t('警告：所列审核决定的审计链事件核验未通过，请联系管理员。', 'Warning: the audit events of the listed decisions do not check out; tell an administrator.')}</p>
      </div>
      <article class="sheet confirm">
        <FactsTable facts={r.facts} locale={p.locale} />
        <LevelsTable facts={r.facts} pending={null} locale={p.locale} />
        <Legend locale={p.locale} />
        <p>{t('审核单指纹', 'Sheet hash')} <code class="hash sheet-hash">{r.hash}</code></p>
      </article>
    </>
  );
}
