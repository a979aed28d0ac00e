/**
 * The one font list of every page (system fonts only: no web fonts, nothing from another origin).
 * Latin faces first: a CJK face sets the punctuation Chinese and English share (’ “ ” …) full-width,
 * so "account’s" read "account’ s" in English text; Chinese characters are not in the Latin faces and
 * fall through to the CJK ones, and Chinese punctuation (，。：（）) has code points of its own.
 */
export const FONT_FAMILY = '-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif';
