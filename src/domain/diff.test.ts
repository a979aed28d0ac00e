import { describe, expect, it } from 'vitest';
import { fileChanges, MAX_EDITS, segmentWords, sides, versionDiff, wordDiff } from './diff';

describe('word diff', () => {
  it('segments Chinese into words, not sentences or the whole text', () => {
    const words = segmentWords('关于举办学术讲座的通知');
    expect(words.join('')).toBe('关于举办学术讲座的通知');
    expect(words.length).toBeGreaterThan(3);
    expect(words).toContain('讲座');
  });

  it('a changed word in a Chinese sentence is one deletion and one insertion, the rest equal', () => {
    const parts = wordDiff('讲座时间：周五下午三点，地点：图书馆报告厅。', '讲座时间：周六下午三点，地点：图书馆报告厅。');
    expect(parts).toEqual([
      { op: 'equal', text: '讲座时间：' },
      { op: 'delete', text: '周五' },
      { op: 'insert', text: '周六' },
      { op: 'equal', text: '下午三点，地点：图书馆报告厅。' },
    ]);
  });

  it('mixed Chinese and English; insertions at the end; both sides rebuilt exactly', () => {
    const before = '请于 Friday 前提交报名表。';
    const after = '请于 Monday 前提交报名表和照片。\n联系人：王老师';
    const parts = wordDiff(before, after);
    expect(sides(parts)).toEqual({ before, after });
    expect(parts.filter((p) => p.op === 'delete').map((p) => p.text.trim())).toContain('Friday');
    expect(parts.filter((p) => p.op === 'insert').map((p) => p.text).join('')).toContain('联系人');
    // Neighbours of one kind are merged.
    for (let i = 1; i < parts.length; i++) expect(parts[i]!.op).not.toBe(parts[i - 1]!.op);
  });

  it('two long texts with little in common: the shared start and end, the changed middle whole, nothing lost', () => {
    const before = `开头相同。${'甲 乙 '.repeat(MAX_EDITS)}结尾相同。`;
    const after = `开头相同。${'丙 丁 '.repeat(MAX_EDITS)}结尾相同。`;
    const parts = wordDiff(before, after);
    expect(parts.map((p) => p.op)).toEqual(['equal', 'delete', 'insert', 'equal']);
    expect(parts[0]!.text).toBe('开头相同。');
    expect(parts.at(-1)!.text).toBe(' 结尾相同。');
    expect(sides(parts)).toEqual({ before, after });
    // Within the bound, a word diff as before.
    expect(wordDiff('a b c d', 'a x c d').map((p) => p.op)).toEqual(['equal', 'delete', 'insert', 'equal']);
  });

  it('segments a long text a piece at a time, words intact and nothing lost (whole, 100,000 Chinese characters exhausted the heap)', () => {
    const long = '中'.repeat(100_000);
    expect(segmentWords(long).join('')).toBe(long);
    const report = '关于举办学术讲座的通知。讲座时间：周五下午三点，地点在图书馆报告厅。'.repeat(3000);
    const words = segmentWords(report);
    expect(words.join('')).toBe(report);
    // Pieces are cut after punctuation or space, so the words are those of the sentence alone.
    expect(words.slice(0, 40)).toEqual(segmentWords('关于举办学术讲座的通知。讲座时间：周五下午三点，地点在图书馆报告厅。').concat(segmentWords('关于举办学术讲座的通知。讲座时间：周五下午三点，地点在图书馆报告厅。')).slice(0, 40));
    const emoji = '😀'.repeat(1000);
    expect(segmentWords(emoji).join('')).toBe(emoji);
    expect(segmentWords(emoji).every((w) => !/^[\uDC00-\uDFFF]/.test(w))).toBe(true);
  });

  it('no change: one equal part (none for two empty texts)', () => {
    expect(wordDiff('同一段文字', '同一段文字')).toEqual([{ op: 'equal', text: '同一段文字' }]);
    expect(wordDiff('', '')).toEqual([]);
    expect(wordDiff('', '新')).toEqual([{ op: 'insert', text: '新' }]);
  });
});

describe('file changes', () => {
  const f = (id: string, name: string, sha256: string) => ({ id, name, sha256 });
  it('added, removed, and a same-named file with other bytes as changed', () => {
    const before = [f('1', '现场.jpg', 'a'), f('2', '通知.pdf', 'b'), f('3', '旧.png', 'c')];
    const after = [f('1', '现场.jpg', 'a'), f('4', '通知.pdf', 'd'), f('5', '新.png', 'e')];
    const changes = fileChanges(before, after);
    expect(changes.added.map((x) => x.id)).toEqual(['5']);
    expect(changes.removed.map((x) => x.id)).toEqual(['3']);
    expect(changes.changed.map((c) => [c.from.id, c.to.id])).toEqual([['2', '4']]);
  });

  it('the same bytes under a second name are an added file; under a new name, one removed and one added', () => {
    const one = [f('1', '附件1.pdf', 'a')];
    const twice = fileChanges(one, [f('1', '附件1.pdf', 'a'), f('2', '附件2.pdf', 'a')]);
    expect(twice).toEqual({ added: [f('2', '附件2.pdf', 'a')], removed: [], changed: [] });
    const renamed = fileChanges(one, [f('3', '通知.pdf', 'a')]);
    expect(renamed).toEqual({ added: [f('3', '通知.pdf', 'a')], removed: [f('1', '附件1.pdf', 'a')], changed: [] });
    expect(versionDiff({ title: 'T', text: '正文', files: one }, { title: 'T', text: '正文', files: [f('1', '附件1.pdf', 'a'), f('2', '附件2.pdf', 'a')] }).changed).toBe(true);
  });

  it('versionDiff says whether anything changed', () => {
    const same = versionDiff({ title: 'T', text: '正文', files: [] }, { title: 'T', text: '正文', files: [] });
    expect(same.changed).toBe(false);
    const photo = versionDiff({ title: 'T', text: '正文', files: [f('1', 'a.jpg', 'x')] }, { title: 'T', text: '正文', files: [f('2', 'a.jpg', 'y')] });
    expect(photo.changed).toBe(true);
    expect(photo.files.changed).toHaveLength(1);
  });
});
