import { FINDING_KIND_LABELS, type PrescreenFinding } from '../../domain/prescreen';
import type { Locale } from '../../lib/i18n';
import { t } from './context';
import { Tag, type Tone } from './ui';
import { userLang } from './user-text';

const SEVERITY: Record<PrescreenFinding['severity'], [string, string, Tone]> = {
  high: ['高', 'high', 'bad'],
  medium: ['中', 'medium', 'warn'],
  low: ['低', 'low', 'grey'],
};

/**
 * 发布前自查: what the pre-screen found in the title and text, for the drafter beside the editor and
 * for every reviewer on the sign-off page. Advisory: a person decides; a unit may block some categories.
 */
export function PrescreenFindings({ findings, l, headingId = 'prescreen-title' }: { findings: readonly PrescreenFinding[]; l: Locale; headingId?: string }) {
  return (
    <section class="card prescreen" aria-labelledby={headingId}>
      <h2 id={headingId}>{t(l, '发布前自查', 'Pre-screen')}</h2>
      {findings.length ? (
        <>
          <p class="muted">{t(l, `发现 ${findings.length} 处需要留意的内容（仅供参考，由审核人判断）。`, `${findings.length} ${findings.length === 1 ? 'thing' : 'things'} to look at (advisory; people decide).`)}</p>
          <ol class="findings">
            {findings.map((f) => {
              const [zh, en, tone] = SEVERITY[f.severity];
              return (
                <li class={`finding ${f.severity}`} data-kind={f.kind}>
                  <Tag tone={tone}>{t(l, `${zh}风险`, `${en}`)}</Tag>{' '}
                  <b>{t(l, ...FINDING_KIND_LABELS[f.kind])}</b>
                  {f.word ? <>：<mark lang={userLang(l, f.word)}>{f.word}</mark></> : null}
                  <span class="muted">{` · ${f.field === 'title' ? t(l, '标题', 'title') : t(l, '正文', 'text')}`}</span>
                  <div class="excerpt" lang={userLang(l, f.excerpt)}>{f.excerpt}</div>
                </li>
              );
            })}
          </ol>
        </>
      ) : (
        <p class="none">{t(l, '未发现密级标志、身份证号、手机号、银行卡号或词表中的内容。', 'Nothing found: no classification marks, ID, phone or card numbers, or listed words.')}</p>
      )}
    </section>
  );
}
