
/**
 * Pre-screen (发布前自查): advisory findings in a draft's title and text, each with its position,
 * for the drafter and every reviewer. Pure: the word list comes in as data, nothing is read here.
 *
 * Built-in detectors: classification marks (密级标志), PRC resident ID numbers (GB 11643 check
 * digit verified), mobile numbers, bank card numbers (Luhn), individuals' e-mail addresses. The
 * managed word list is matched in one pass with Aho–Corasick, whatever its length.
 */
export const SEVERITIES = ['high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const FINDING_KINDS = ['classification_mark', 'resident_id', 'mobile', 'bank_card', 'email', 'word'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];
/** Categories of the built-in detectors; word list entries bring their own. */
export const BUILTIN_CATEGORIES = ['classification', 'personal_info'] as const;

/** What each kind of finding is called, zh-CN then English (pages, and the refusal of a blocked submit). */
export const FINDING_KIND_LABELS: Record<FindingKind, readonly [string, string]> = {
  classification_mark: ['密级标志', 'Classification mark'],
  resident_id: ['身份证号', 'Resident ID number'],
  mobile: ['手机号码', 'Mobile number'],
  bank_card: ['银行卡号', 'Bank card number'],
  email: ['个人邮箱', 'Personal e-mail address'],
  word: ['词表命中', 'Listed word'],
};
const BUILTIN_CATEGORY_LABELS: Record<(typeof BUILTIN_CATEGORIES)[number], readonly [string, string]> = {
  classification: ['密级标志', 'classification marks'],
  personal_info: ['个人信息', 'personal information'],
};
/** A category as people read it: the built-in ones by name, a word list's own as the department wrote it. */
export function categoryLabel(category: string): readonly [string, string] {
  return BUILTIN_CATEGORY_LABELS[category as keyof typeof BUILTIN_CATEGORY_LABELS] ?? [category, category];
}

export interface PrescreenFinding {
  kind: FindingKind;
  category: string;
  severity: Severity;
  /** Which text: the title or the body's plain text (see domain/html.ts htmlToText). */
  field: 'title' | 'body';
  /** UTF-16 offsets into that text, end exclusive. */
  start: number;
  end: number;
  /** The match with a little context around it. */
  excerpt: string;
  /** For kind `word`: the list entry that matched. */
  word?: string;
}

export interface WordEntry {
  word: string;
  category: string;
  severity: Severity;
}

type Hit = Omit<PrescreenFinding, 'field' | 'excerpt'>;

const CONTEXT = 12;

/** 密级标志: 绝密/机密/秘密 with an optional ★ and term (秘密★1年), the internal-use marks, and a lone ★. */
const CLASSIFICATION = /(?:绝密|机密|秘密)(?:\s*★\s*(?:[0-9０-９一二三四五六七八九十]+\s*(?:年|个月|月|天))?)?|内部资料|内部文件|内部材料|★/g;
const RESIDENT_ID = /(?<![0-9A-Za-z])[1-9]\d{16}[0-9Xx](?![0-9A-Za-z])/g;
const MOBILE = /(?<![0-9])(?:(?:\+|00)?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?![0-9])/g;
/** 16–19 digits, optionally grouped by spaces or dashes (6222 0212 3456 7890 123). */
const CARD = /(?<![0-9])\d(?:[-\s]?\d){15,18}(?![0-9])/g;
// Starts only where a run of such characters starts: tried from inside a long run without an @, it took time quadratic in the run.
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** Role and office mailboxes are an institution's, not a person's (办公室、宣传部、招生、新闻 …). */
const ROLE_MAILBOX = /^(?:info|office|contact|admin|service|support|news|press|media|webmaster|postmaster|noreply|no-reply|hr|jobs|zhaosheng|zsb|xcb|bgs|dangban|xiaoban|yzb|jwc|xb|bangongshi|xuanchuan)$/i;

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643-1999 check character of the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

/** An 18-character PRC resident ID: valid check character and a real birth date (YYYYMMDD at 7–14). */
export function isResidentId(candidate: string): boolean {
  if (!/^[1-9]\d{16}[0-9Xx]$/.test(candidate)) return false;
  if (residentIdCheckChar(candidate.slice(0, 17)) !== candidate[17]!.toUpperCase()) return false;
  const y = Number(candidate.slice(6, 10));
  const m = Number(candidate.slice(10, 12));
  const d = Number(candidate.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1900 && y <= 2100 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Luhn (mod 10) over a digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let n = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return sum % 10 === 0;
}

function* regexHits(text: string, re: RegExp): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) yield m;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

/**
 * At most this many findings of one kind (and of one word-list category) per field: a text made of
 * one mark repeated gave half a million findings, seconds of CPU and a version record of megabytes.
 * Every kind found is still named, so what blocks a submission is the same.
 */
export const MAX_FINDINGS_PER_KIND = 50;

/** The first matches of `re` that `keep` accepts, up to the cap. */
function capped(text: string, re: RegExp, keep: (m: RegExpExecArray) => boolean = () => true): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  for (const m of regexHits(text, re)) {
    if (!keep(m)) continue;
    out.push(m);
    if (out.length === MAX_FINDINGS_PER_KIND) break;
  }
  return out;
}

const span = (m: RegExpExecArray) => ({ start: m.index, end: m.index + m[0].length });

function builtinHits(text: string): Hit[] {
  const marks: Hit[] = capped(text, CLASSIFICATION).map((m) => ({ kind: 'classification_mark', category: 'classification', severity: 'high', ...span(m) }));
  const ids: Hit[] = capped(text, RESIDENT_ID, (m) => isResidentId(m[0])).map((m) => ({ kind: 'resident_id', category: 'personal_info', severity: 'high', ...span(m) }));
  const mobiles: Hit[] = capped(text, MOBILE).map((m) => ({ kind: 'mobile', category: 'personal_info', severity: 'medium', ...span(m) }));
  // An ID number or a phone number is not also reported as a card.
  const cards: Hit[] = capped(text, CARD, (m) => !ids.some((h) => overlaps(h, span(m))) && !mobiles.some((h) => overlaps(h, span(m))) && luhnValid(m[0].replace(/[-\s]/g, '')))
    .map((m) => ({ kind: 'bank_card', category: 'personal_info', severity: 'high', ...span(m) }));
  const emails: Hit[] = capped(text, EMAIL, (m) => !ROLE_MAILBOX.test(m[0].split('@')[0]!)).map((m) => ({ kind: 'email', category: 'personal_info', severity: 'low', ...span(m) }));
  return [...marks, ...ids, ...mobiles, ...cards, ...emails];
}

/** ASCII lower case only, so offsets into the folded text are offsets into the original. */
const foldAscii = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/**
 * A compiled word list: build once per list, screen many texts. One regular expression of every word,
 * longest first, so at each position the longest listed word wins (leftmost-longest) in one linear
 * pass of V8's regex engine; the Aho–Corasick package tried first went quadratic on long texts
 * (1.7 s for 57,600 characters and a single word).
 */
export class WordMatcher {
  private readonly pattern: RegExp | null;
  private readonly byWord = new Map<string, WordEntry>();
  constructor(readonly entries: readonly WordEntry[]) {
    for (const e of entries) if (e.word.length > 0 && !this.byWord.has(foldAscii(e.word))) this.byWord.set(foldAscii(e.word), e);
    const words = [...this.byWord.keys()].sort((x, y) => y.length - x.length);
    this.pattern = words.length ? new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|'), 'g') : null;
  }
  hits(text: string): Hit[] {
    if (!this.pattern) return [];
    const out: Hit[] = [];
    const perCategory = new Map<string, number>();
    for (const m of foldAscii(text).matchAll(this.pattern)) {
      const e = this.byWord.get(m[0])!;
      const n = perCategory.get(e.category) ?? 0;
      if (n === MAX_FINDINGS_PER_KIND) continue;
      perCategory.set(e.category, n + 1);
      out.push({ kind: 'word', category: e.category, severity: e.severity, start: m.index, end: m.index + m[0].length, word: e.word });
    }
    return out;
  }
}

function excerpt(text: string, start: number, end: number): string {
  const from = Math.max(0, start - CONTEXT);
  const to = Math.min(text.length, end + CONTEXT);
  return `${from > 0 ? '…' : ''}${text.slice(from, to).replace(/\s+/g, ' ')}${to < text.length ? '…' : ''}`;
}

/** Screens the title and the body text; findings in reading order (title first). */
export function prescreen(content: { title: string; text: string }, words: WordMatcher): PrescreenFinding[] {
  const out: PrescreenFinding[] = [];
  for (const field of ['title', 'body'] as const) {
    const text = field === 'title' ? content.title : content.text;
    const hits = [...builtinHits(text), ...words.hits(text)].sort((a, b) => a.start - b.start || b.end - a.end);
    for (const h of hits) out.push({ ...h, field, excerpt: excerpt(text, h.start, h.end) });
  }
  return out;
}

/** The categories among the findings that the unit blocks, in the order found. */
export function blockingCategories(findings: readonly PrescreenFinding[], blocked: readonly string[]): string[] {
  return [...new Set(findings.map((f) => f.category).filter((c) => blocked.includes(c)))];
}
