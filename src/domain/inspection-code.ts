/**
 * Inspection pass codes (审查合格编码): `SJ-<year>-<platform>-<sequence>-<check>`, e.g.
 * `SJ-2026-WX-0042-B`. Anyone may type one in to verify an account, so the check character must
 * catch the mistakes people make when copying codes by hand before we ever touch the registry.
 *
 * Check scheme: ISO/IEC 7064 MOD 37-2, the pure system over 0-9A-Z with '*' as a 37th symbol
 * used only for the check character. 37 is prime and 2 is a primitive root mod 37, so every
 * position weight 2^k is invertible and adjacent weights differ by a unit factor:
 *   - a substitution changes the weighted sum by d·2^k with d ≢ 0 (mod 37), never by 0;
 *   - swapping adjacent a≠b changes it by (a−b)(2^(k+1) − 2^k) = (a−b)·2^k ≢ 0 either.
 * Both hold for the check character too, so every single substitution and every adjacent
 * transposition anywhere in the code is detected. The hybrid MOD 37,36 would avoid '*', but it
 * misses some adjacent transpositions (found by exhaustive search), so it does not qualify.
 *
 * The checksum runs over the code without hyphens: they are layout, and this way swapping the
 * characters either side of one (`0042-7` → `0047-2`) is caught as well.
 */

/** The registry's platform enum. */
export const PLATFORMS = [
  'wechat_official',
  'wechat_channels',
  'weibo',
  'website',
  'douyin',
  'bilibili',
  'xiaohongshu',
  'kuaishou',
  'qq_group',
  'wechat_group',
  'yiban',
  'other',
] as const;
export type Platform = (typeof PLATFORMS)[number];

export const PLATFORM_CODES = {
  wechat_official: 'WX',
  wechat_channels: 'SP',
  weibo: 'WB',
  website: 'WZ',
  douyin: 'DY',
  bilibili: 'BL',
  xiaohongshu: 'XH',
  kuaishou: 'KS',
  qq_group: 'QQ',
  wechat_group: 'WQ',
  yiban: 'YB',
  other: 'QT',
} as const satisfies Record<Platform, string>;
export type PlatformCode = (typeof PLATFORM_CODES)[Platform];

export const PLATFORM_BY_CODE = Object.fromEntries(
  PLATFORMS.map((platform) => [PLATFORM_CODES[platform], platform]),
) as Readonly<Record<PlatformCode, Platform>>;

export interface InspectionCodeFields {
  year: number;
  platform: Platform;
  sequence: number;
}

export interface ParsedInspectionCode extends InspectionCodeFields {
  /** Canonical form: upper case, hyphenated, sequence padded to four digits. */
  code: string;
}

export type InspectionCodeError = 'malformed' | 'check_failed';

const PREFIX = 'SJ';
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*';
const MODULUS = ALPHABET.length; // 37

/** ISO 7064 pure-system checksum over 0-9A-Z*; a valid code (payload + check) sums to 1. */
function checksum(chars: string): number {
  let sum = 0;
  for (const char of chars) sum = (sum * 2 + ALPHABET.indexOf(char)) % MODULUS;
  return sum;
}

/** The MOD 37-2 check character for a payload of 0-9A-Z (hyphens ignored): 0-9, A-Z or '*'. */
export function checkCharacter(payload: string): string {
  const chars = payload.replaceAll('-', '').toUpperCase();
  if (!/^[0-9A-Z]*$/.test(chars)) {
    throw new RangeError(`payload must be 0-9A-Z: ${JSON.stringify(payload)}`);
  }
  // Appending c makes the sum 2·sum + c, which must be ≡ 1.
  return ALPHABET[(((1 - 2 * checksum(chars)) % MODULUS) + MODULUS) % MODULUS]!;
}

// Four-digit years keep the code fixed-width there; sequences are 1-based and only grow past four
// digits when a year needs more than 9999 codes, so no leading zeros beyond the padding.
const isYear = (year: number) => Number.isInteger(year) && year >= 1000 && year <= 9999;
const isSequence = (sequence: number) => Number.isSafeInteger(sequence) && sequence >= 1;

function payloadOf({ year, platform, sequence }: InspectionCodeFields): string {
  return `${PREFIX}-${year}-${PLATFORM_CODES[platform]}-${String(sequence).padStart(4, '0')}`;
}

export function formatInspectionCode(fields: InspectionCodeFields): string {
  if (!isYear(fields.year)) throw new RangeError(`year must have four digits: ${fields.year}`);
  if (!Object.hasOwn(PLATFORM_CODES, fields.platform)) {
    throw new RangeError(`unknown platform: ${String(fields.platform)}`);
  }
  if (!isSequence(fields.sequence)) {
    throw new RangeError(`sequence must be a positive integer: ${fields.sequence}`);
  }
  const payload = payloadOf(fields);
  return `${payload}-${checkCharacter(payload)}`;
}

// Hyphens are optional so a code read aloud or typed compactly still parses; the check character
// is always last, so the variable-length sequence stays unambiguous without them.
const SHAPE = /^SJ-?(\d{4})-?([A-Z]{2})-?(\d{4,})-?([0-9A-Z*])$/;

type Decoded = { ok: true; value: ParsedInspectionCode } | { ok: false; error: InspectionCodeError };

function decode(input: string): Decoded {
  const match = SHAPE.exec(input.trim().toUpperCase());
  if (!match) return { ok: false, error: 'malformed' };
  const [, yearDigits = '', platformCode = '', sequenceDigits = '', check = ''] = match;

  const year = Number(yearDigits);
  const sequence = Number(sequenceDigits);
  const platform = Object.hasOwn(PLATFORM_BY_CODE, platformCode)
    ? PLATFORM_BY_CODE[platformCode as PlatformCode]
    : undefined;
  const canonicalSequence = sequenceDigits.length === 4 || !sequenceDigits.startsWith('0');
  if (!platform || !isYear(year) || !isSequence(sequence) || !canonicalSequence) {
    return { ok: false, error: 'malformed' };
  }

  if (checksum(PREFIX + yearDigits + platformCode + sequenceDigits + check) !== 1) {
    return { ok: false, error: 'check_failed' };
  }
  const code = `${payloadOf({ year, platform, sequence })}-${check}`;
  return { ok: true, value: { year, platform, sequence, code } };
}

/** The fields and canonical form of a valid code, or null if it is malformed or fails its check. */
export function parseInspectionCode(input: string): ParsedInspectionCode | null {
  const decoded = decode(input);
  return decoded.ok ? decoded.value : null;
}

/**
 * Why a code is invalid, or null if it is valid: 'malformed' (not shaped like a code) versus
 * 'check_failed' (shaped like one but mistyped), so callers can tell a 400 from a lookup's 404.
 */
export function inspectionCodeError(input: string): InspectionCodeError | null {
  const decoded = decode(input);
  return decoded.ok ? null : decoded.error;
}
