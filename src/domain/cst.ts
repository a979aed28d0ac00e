/**
 * China Standard Time, in which every date and deadline here is read. CST has been UTC+8 without
 * daylight saving since 1991, so a fixed offset is exact and needs no timezone data (Workers too).
 */
export const CST_OFFSET_MS = 8 * 3_600_000;

/** How far a time someone says has passed (published, occurred) may run ahead of the server's clock. */
const CLOCK_GRACE_MS = 5 * 60_000;

/** A time said to have passed that is still ahead of `now`, beyond the clock grace. */
export const isAhead = (at: Date, now: Date): boolean => at.getTime() > now.getTime() + CLOCK_GRACE_MS;

/** The earliest instant still counted as not before `at`: the clock grace below it. */
export const graceBefore = (at: Date): Date => new Date(at.getTime() - CLOCK_GRACE_MS);

/** `d` shifted by the offset, so that its UTC getters read CST wall-clock fields. */
export const cstFields = (d: Date | number | string): Date => new Date(new Date(d).getTime() + CST_OFFSET_MS);

/** The CST calendar day, `YYYY-MM-DD`. */
export const cstDate = (d: Date | number | string): string => cstFields(d).toISOString().slice(0, 10);

/** The CST calendar year, which is what years on paper mean here. */
export const cstYear = (d: Date): number => cstFields(d).getUTCFullYear();

/** The CST hour of the day, 0–23. */
export const cstHour = (d: Date): number => cstFields(d).getUTCHours();

/** `YYYY-MM-DD HH:MM` in CST, as people on campus read a time. */
export const cstMinute = (d: Date | string): string => cstFields(d).toISOString().slice(0, 16).replace('T', ' ');

/** The instant CST year `year` begins. */
export const cstYearStart = (year: number): Date => new Date(Date.UTC(year, 0, 1) - CST_OFFSET_MS);

/**
 * A time as a person reads it, with its zone said out loud (sign-off pages and the 审核单 are read
 * by people who may be abroad): `2026年11月30日 14:05（北京时间）` / `30 Nov 2026, 14:05 (Beijing time)`.
 */
export function cstReadable(d: Date | string, locale: 'zh-CN' | 'en' = 'zh-CN'): string {
  const f = cstFields(d);
  const hm = f.toISOString().slice(11, 16);
  if (locale === 'en') return `${f.getUTCDate()} ${MONTHS_EN[f.getUTCMonth()]} ${f.getUTCFullYear()}, ${hm} (Beijing time)`;
  return `${f.getUTCFullYear()}年${f.getUTCMonth() + 1}月${f.getUTCDate()}日 ${hm}（北京时间）`;
}
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
