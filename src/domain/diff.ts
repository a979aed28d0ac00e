import { diffArrays } from 'diff';

/**
 * What changed between two versions of a draft, for reviewers: a word-level diff of the title and
 * of the body's readable text (sanitized HTML reduced to text, see html.ts bodyText), and which
 * files were added, removed or replaced. Pure: the caller brings both versions.
 *
 * Chinese has no spaces between words, so a whitespace split would make a whole sentence one
 * "word". The text is segmented with Intl.Segmenter (ICU's dictionary-based word breaker, in Node
 * and on Workers); a changed character then shows as a changed word, not a changed sentence.
 */
export type DiffOp = 'equal' | 'insert' | 'delete';
export interface DiffPart {
  op: DiffOp;
  text: string;
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** Longest piece of text handed to the segmenter at once. */
const PIECE = 256;
const BOUNDARY = /[\s\p{P}]/u;

/**
 * Words, punctuation and runs of white space, in order; joined they give the text back exactly.
 * V8 copies the whole input into every segment it returns (`segment.input`), so one long text costs
 * time and memory in the square of its length: 100,000 Chinese characters exhausted the heap. The
 * text goes to the segmenter a piece at a time, each cut just after white space or punctuation (a
 * word never spans those), else at PIECE characters.
 */
export function segmentWords(text: string): string[] {
  const out: string[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + PIECE);
    if (end < text.length) {
      let cut = end;
      while (cut > start + 1 && !BOUNDARY.test(text[cut - 1]!)) cut--;
      if (cut > start + 1) end = cut;
      // Never between the two halves of a character outside the BMP.
      else if (/[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
    }
    for (const s of segmenter.segment(text.slice(start, end))) out.push(s.segment);
    start = end;
  }
  return out;
}

/**
 * A word-level diff from `before` to `after` as a list of parts to render in order: `equal` parts
 * are in both, `delete` only in `before`, `insert` only in `after`. Neighbouring parts of the same
 * kind are merged, and a change's deletion always comes before its insertion.
 */
export function wordDiff(before: string, after: string): DiffPart[] {
  if (before === after) return before ? [{ op: 'equal', text: before }] : [];
  const a = segmentWords(before);
  const b = segmentWords(after);
  // Myers' diff costs time in the product of length and edits: two long texts with nothing in common
  // (4,000 words each side took 4 s) would hold the process. Past this many edits the page shows the
  // changed middle whole, between what both sides share at the start and at the end.
  const changes = diffArrays(a, b, { maxEditLength: MAX_EDITS });
  if (!changes) return coarseDiff(a, b);
  const parts: DiffPart[] = [];
  for (const change of changes) {
    const op: DiffOp = change.added ? 'insert' : change.removed ? 'delete' : 'equal';
    const text = change.value.join('');
    const last = parts.at(-1);
    if (last?.op === op) last.text += text;
    else parts.push({ op, text });
  }
  return parts;
}

/** Edits a word diff may find before it gives way to coarseDiff. */
export const MAX_EDITS = 1000;

/** The shared first and last words as they are, and the middle as one deletion and one insertion. */
function coarseDiff(a: string[], b: string[]): DiffPart[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const parts: DiffPart[] = [
    { op: 'equal', text: a.slice(0, head).join('') },
    { op: 'delete', text: a.slice(head, a.length - tail).join('') },
    { op: 'insert', text: b.slice(head, b.length - tail).join('') },
    { op: 'equal', text: a.slice(a.length - tail).join('') },
  ];
  return parts.filter((p) => p.text);
}

/** The before/after texts of the parts (inverse of wordDiff): a check that nothing was lost. */
export function sides(parts: readonly DiffPart[]): { before: string; after: string } {
  let before = '';
  let after = '';
  for (const p of parts) {
    if (p.op !== 'insert') before += p.text;
    if (p.op !== 'delete') after += p.text;
  }
  return { before, after };
}

export interface FileRef {
  id: string;
  name: string;
  sha256: string;
}

export interface FileChanges<F extends FileRef> {
  added: F[];
  removed: F[];
  /** The same file name with other bytes: a replaced photo or a corrected attachment. */
  changed: { from: F; to: F }[];
}

/**
 * Files in `after` but not `before` and the reverse; a name present on both sides with other bytes is
 * a change. A file is its bytes under its name, each matched at most once: the same PDF added again
 * as 附件2 beside 附件1 is an added file, and the same bytes under a new name are one file removed
 * and another added.
 */
export function fileChanges<F extends FileRef>(before: readonly F[], after: readonly F[]): FileChanges<F> {
  const same = (a: F, b: F) => a.sha256 === b.sha256 && a.name === b.name;
  const gone = [...before];
  const come: F[] = [];
  for (const f of after) {
    const i = gone.findIndex((g) => same(g, f));
    if (i >= 0) gone.splice(i, 1);
    else come.push(f);
  }
  const changed: { from: F; to: F }[] = [];
  const added: F[] = [];
  for (const f of come) {
    const i = gone.findIndex((g) => g.name === f.name);
    if (i >= 0) changed.push({ from: gone.splice(i, 1)[0]!, to: f });
    else added.push(f);
  }
  return { added, removed: gone, changed };
}

export interface VersionSide<F extends FileRef> {
  title: string;
  /** The body's readable text (bodyText of the sanitized HTML, or the plain text). */
  text: string;
  files: readonly F[];
}

export interface VersionDiff<F extends FileRef> {
  title: DiffPart[];
  body: DiffPart[];
  files: FileChanges<F>;
  /** True when title, text or files differ (the HTML may still differ in markup alone). */
  changed: boolean;
}

/** Everything a reviewer's page needs to show what changed between two versions. */
export function versionDiff<F extends FileRef>(before: VersionSide<F>, after: VersionSide<F>): VersionDiff<F> {
  const files = fileChanges(before.files, after.files);
  return {
    title: wordDiff(before.title, after.title),
    body: wordDiff(before.text, after.text),
    files,
    changed: before.title !== after.title || before.text !== after.text || files.added.length + files.removed.length + files.changed.length > 0,
  };
}
