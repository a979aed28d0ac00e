import type { Locale } from '../../lib/i18n';

/**
 * People's own words on a page (titles, text, names, units, accounts, comments) in their own language.
 * A screen reader speaks each text in the voice of its nearest `lang`: under `<html lang="en">` a
 * Chinese title or name is spelt out, mispronounced or skipped by an English voice. So on an English
 * page words containing Han characters are marked `lang="zh-CN"`. On a Chinese page they are already
 * in the page's language, and English words need no mark there (Chinese voices read Latin script), so
 * nothing is marked and zh-CN pages are unchanged.
 */
const HAN = /\p{Script=Han}/u;

/** The `lang` for an element holding only people's words on a page in `l`; undefined when none is needed. */
export const userLang = (l: Locale, text: string | null | undefined): 'zh-CN' | undefined => (l === 'en' && !!text && HAN.test(text) ? 'zh-CN' : undefined);

/** People's words inline (a name in a table cell, a comment after its label), marked when not in the page's language. */
export function UserText({ l, children }: { l: Locale; children?: string | null }) {
  const lang = userLang(l, children);
  return lang ? <span lang={lang}>{children}</span> : <>{children ?? ''}</>;
}

/**
 * A Chinese stretch inside a sentence: Han characters and CJK punctuation, with whatever stands in
 * full-width brackets (a unit's 「示范学院（9WMA）」, a number's 「宣备〔2026〕001号」).
 */
const CHINESE_RUN = /((?:[\p{Script=Han}\u3000-\u303f\uff00-\uffef]|（[^（）]*）|〔[^〔〕]*〕)+)/u;

/**
 * One of our sentences that carries people's words (「李撰稿 wrote the draft」, 「waiting for the
 * deputy leader (张副院长)」): on an English page every Chinese stretch in it is theirs, and each is
 * marked, the English around it left in the page's language.
 */
export function Mixed({ l, text }: { l: Locale; text: string }) {
  if (!userLang(l, text)) return <>{text}</>;
  return <>{text.split(CHINESE_RUN).map((part, i) => (i % 2 && HAN.test(part) ? <span lang="zh-CN">{part}</span> : part))}</>;
}
