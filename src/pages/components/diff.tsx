import type { DiffPart, FileRef, VersionDiff } from '../../domain/diff';
import type { Locale } from '../../lib/i18n';
import { t } from './context';
import { Tag } from './ui';
import { UserText } from './user-text';

/**
 * The styles DiffText and VersionChanges need, for every page that shows them (the draft page, the
 * sign-off page, the editor's "saved elsewhere" view) to put in its own style sheet: the hidden
 * 新增/删除 labels stay hidden, and the colours keep AA contrast without being the only cue (ins is
 * underlined, del struck through).
 */
export const DIFF_CSS = `
.visually-hidden{position:absolute!important;width:1px;height:1px;margin:0;padding:0;overflow:hidden;clip:rect(0 0 0 0);border:0;white-space:nowrap}
.diff-text{white-space:pre-wrap;word-break:break-word;line-height:1.9;border:1px solid var(--line);border-radius:6px;padding:10px 12px;background:#fff}
.diff-text ins{background:#d7f5dd;color:#04451f;text-decoration:underline}.diff-text del{background:#ffe1de;color:#7a0c0c;text-decoration:line-through}
`;

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
        p.op === 'insert' ? <ins><span class="visually-hidden">{t(l, '［新增：', '[added: ')}</span><UserText l={l}>{marked(p.text)}</UserText><span class="visually-hidden">{t(l, '］', ']')}</span></ins>
        : p.op === 'delete' ? <del><span class="visually-hidden">{t(l, '［删除：', '[removed: ')}</span><UserText l={l}>{marked(p.text)}</UserText><span class="visually-hidden">{t(l, '］', ']')}</span></del>
        : <UserText l={l}>{p.text}</UserText>,
      )}
    </div>
  );
}

/** What changed from one version to another: title, text and files, with the version numbers. */
export function VersionChanges({ diff, l, id }: { diff: VersionDiff<FileRef> & { from: number; to: number }; l: Locale; id?: string }) {
  return (
    <section id={id} aria-label={t(l, '修改对比', 'Differences')}>
      <h3>{t(l, `第 ${diff.from} 版 → 第 ${diff.to} 版`, `Version ${diff.from} → version ${diff.to}`)} {diff.changed ? null : <Tag>{t(l, '无改动', 'no change')}</Tag>}</h3>
      <div class="muted">{t(l, '标题', 'Title')}</div>
      <DiffText parts={diff.title} l={l} />
      <div class="muted">{t(l, '正文', 'Body')}</div>
      <DiffText parts={diff.body} l={l} />
      {diff.files.added.length || diff.files.removed.length || diff.files.changed.length ? (
        <ul class="plain">
          {diff.files.added.map((f) => <li><Tag tone="ok">{t(l, '新增文件', 'File added')}</Tag> <UserText l={l}>{f.name}</UserText></li>)}
          {diff.files.removed.map((f) => <li><Tag tone="bad">{t(l, '删除文件', 'File removed')}</Tag> <UserText l={l}>{f.name}</UserText></li>)}
          {diff.files.changed.map((f) => <li><Tag tone="warn">{t(l, '文件已替换', 'File replaced')}</Tag> <UserText l={l}>{f.to.name}</UserText></li>)}
        </ul>
      ) : null}
    </section>
  );
}
