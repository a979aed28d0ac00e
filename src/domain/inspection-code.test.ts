import { describe, expect, it } from 'vitest';
import {
  PLATFORMS,
  PLATFORM_BY_CODE,
  PLATFORM_CODES,
  checkCharacter,
  formatInspectionCode,
  inspectionCodeError,
  parseInspectionCode,
  type Platform,
} from './inspection-code';

const DIGITS = '0123456789';
const ALPHANUMERIC = DIGITS + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const CHECK_SYMBOLS = ALPHANUMERIC + '*';

/** Appends a correct check character, so a test of the shape is not a test of the check. */
const withCheck = (payload: string) => `${payload}-${checkCharacter(payload)}`;

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('platform codes', () => {
  it('maps every platform to a distinct two-letter code and back', () => {
    expect(Object.keys(PLATFORM_CODES).sort()).toEqual([...PLATFORMS].sort());
    for (const platform of PLATFORMS) {
      expect(PLATFORM_CODES[platform]).toMatch(/^[A-Z]{2}$/);
      expect(PLATFORM_BY_CODE[PLATFORM_CODES[platform]]).toBe(platform);
    }
    expect(Object.keys(PLATFORM_BY_CODE)).toHaveLength(PLATFORMS.length);
  });
});

describe('checkCharacter', () => {
  it('follows ISO/IEC 7064 MOD 37-2', () => {
    // The reference example used by python-stdnum's mod_37_2.
    expect(checkCharacter('G123489654321')).toBe('Y');
  });

  it('ignores hyphens and case, and rejects characters outside 0-9A-Z', () => {
    expect(checkCharacter('SJ-2026-WX-0042')).toBe(checkCharacter('sj2026wx0042'));
    expect(() => checkCharacter('SJ-2026-WX-004*')).toThrow(RangeError);
    expect(() => checkCharacter('SJ 2026')).toThrow(RangeError);
  });
});

describe('formatInspectionCode / parseInspectionCode', () => {
  it('formats the known example', () => {
    expect(formatInspectionCode({ year: 2026, platform: 'wechat_official', sequence: 42 })).toBe('SJ-2026-WX-0042-B');
    expect(parseInspectionCode('SJ-2026-WX-0042-B')).toEqual({
      year: 2026,
      platform: 'wechat_official',
      sequence: 42,
      code: 'SJ-2026-WX-0042-B',
    });
  });

  it('round-trips every platform, including sequences past four digits', () => {
    for (const platform of PLATFORMS) {
      for (const sequence of [1, 42, 9999, 10_000, 123_456]) {
        const code = formatInspectionCode({ year: 2027, platform, sequence });
        expect(code).toMatch(/^SJ-2027-[A-Z]{2}-\d{4,}-[0-9A-Z*]$/);
        expect(parseInspectionCode(code)).toEqual({ year: 2027, platform, sequence, code });
      }
    }
    expect(formatInspectionCode({ year: 2026, platform: 'weibo', sequence: 123_456 })).toMatch(/^SJ-2026-WB-123456-/);
  });

  it("accepts '*' as a check character", () => {
    expect(formatInspectionCode({ year: 2026, platform: 'douyin', sequence: 48 })).toBe('SJ-2026-DY-0048-*');
    expect(parseInspectionCode('SJ-2026-DY-0048-*')?.sequence).toBe(48);
  });

  it('accepts lower case, surrounding whitespace and missing hyphens', () => {
    for (const input of ['sj-2026-wx-0042-b', '  SJ-2026-WX-0042-B\n', '\tsj2026wx0042b ', 'SJ2026WX0042B']) {
      expect(parseInspectionCode(input)?.code).toBe('SJ-2026-WX-0042-B');
    }
  });

  it('rejects malformed codes', () => {
    const malformed = [
      '',
      '   ',
      'SJ-2026-WX-0042',
      'SJ-2026-WX-0042-',
      'SJ-2026-WX-0042-BB',
      withCheck('XJ-2026-WX-0042'),
      withCheck('SJ-2026-ZZ-0042'),
      withCheck('SJ-2026-W1-0042'),
      withCheck('SJ-2026-WX-042'),
      withCheck('SJ-2026-WX-00042'), // not canonical: only four digits are padding
      withCheck('SJ-2026-WX-0000'), // sequences start at 1
      withCheck('SJ-026-WX-0042'),
      withCheck('SJ-0999-WX-0042'),
      'SJ-2026-WX-0042-?',
      'SJ-2026-WX-0042-B extra',
      'SJ - 2026 - WX - 0042 - B',
      'SJ–2026–WX–0042–B', // en dashes
    ];
    for (const input of malformed) {
      expect(parseInspectionCode(input), input).toBeNull();
      expect(inspectionCodeError(input), input).toBe('malformed');
    }
  });

  it('tells a failed check from a malformed code', () => {
    expect(inspectionCodeError('SJ-2026-WX-0042-B')).toBeNull();
    expect(inspectionCodeError(' sj2026wx0042b ')).toBeNull();
    expect(inspectionCodeError('SJ-2026-WX-0042-C')).toBe('check_failed');
    expect(inspectionCodeError('SJ-2026-WX-0024-B')).toBe('check_failed');
    expect(parseInspectionCode('SJ-2026-WX-0042-C')).toBeNull();
  });

  it('refuses to format fields that cannot make a valid code', () => {
    const ok = { year: 2026, platform: 'weibo' as Platform, sequence: 1 };
    for (const bad of [
      { ...ok, year: 999 },
      { ...ok, year: 2026.5 },
      { ...ok, sequence: 0 },
      { ...ok, sequence: -1 },
      { ...ok, sequence: 1.5 },
      { ...ok, sequence: Number.MAX_SAFE_INTEGER + 1 },
      { ...ok, platform: 'myspace' as Platform },
    ]) {
      expect(() => formatInspectionCode(bad), JSON.stringify(bad)).toThrow(RangeError);
    }
  });
});

describe('error detection', () => {
  it('rejects every single substitution and adjacent transposition in 10,000 codes', () => {
    const next = random(7064);
    const failures: string[] = [];
    let substitutions = 0;
    let transpositions = 0;

    for (let i = 0; i < 10_000; i++) {
      const code = formatInspectionCode({
        year: 2020 + Math.floor(next() * 16),
        platform: PLATFORMS[i % PLATFORMS.length]!,
        sequence: 1 + Math.floor(next() * 99_999),
      });
      const positions = [...code].flatMap((char, index) => (char === '-' ? [] : [index]));
      const checkIndex = code.length - 1;
      const replace = (index: number, char: string) => code.slice(0, index) + char + code.slice(index + 1);

      for (const index of positions) {
        const original = code[index]!;
        const symbols = index === checkIndex ? CHECK_SYMBOLS : DIGITS.includes(original) ? DIGITS : ALPHANUMERIC;
        for (const symbol of symbols) {
          if (symbol === original) continue;
          substitutions++;
          const typo = replace(index, symbol);
          if (parseInspectionCode(typo) !== null) failures.push(`${code} → ${typo}`);
        }
      }

      // Consecutive non-hyphen characters, so swaps across a hyphen (0042-7 → 0047-2) count too.
      for (let p = 1; p < positions.length; p++) {
        const left = positions[p - 1]!;
        const right = positions[p]!;
        const [a, b] = [code[left]!, code[right]!];
        if (a === b) continue;
        transpositions++;
        const typo = code.slice(0, left) + b + code.slice(left + 1, right) + a + code.slice(right + 1);
        if (parseInspectionCode(typo) !== null) failures.push(`${code} → ${typo}`);
      }
    }

    expect(failures.slice(0, 10)).toEqual([]);
    expect(substitutions).toBeGreaterThan(2_000_000);
    expect(transpositions).toBeGreaterThan(50_000);
  });
});
