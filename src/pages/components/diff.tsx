import type { DiffPart } from '../../domain/diff';
import type { Locale } from '../../lib/i18n';
import { t } from './context';

/**
 * A word diff (src/domain/diff.ts) as text with <ins> and <del>; screen readers hear 新增/删除
 * around each change, since colour and strike-through alone say nothing to them.
 */
/**
 * A changed part's text with each line break marked (↵): two paragraphs joined into one delete only
 * a line break, which would otherwise show as nothing at all.
 */
const marked = (text: string) => text.replace(/\r?\n/g, (br) => `↵${br}`);

export function DiffText({ parts, l }: { parts: readonly DiffPart[]; l: Locale }) {
  if (!parts.length) return <div class="diff-text muted">—</div>;
  return (
    <div class="diff-text">
      {parts.map((p) =>
        p.op === 'insert' ? <ins><span class="visually-hidden">{t(l, '［新增：', '[added: ')}</span>{marked(p.text)}<span class="visually-hidden">{t(l, '］', ']')}</span></ins>
        : p.op === 'delete' ? <del><span class="visually-hidden">{t(l, '［删除：', '[removed: ')}</span>{marked(p.text)}<span class="visually-hidden">{t(l, '］', ']')}</span></del>
        : p.text,
      )}
    </div>
  );
}
