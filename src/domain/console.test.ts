import { describe, expect, it } from 'vitest';
import { commentatorCover } from './account-lifecycle';
import { progressByUnit } from './inspection';

const day = 86_400_000;
const now = new Date('2026-06-01T00:00:00Z');
const at = (days: number) => new Date(now.getTime() + days * day);

describe('commentatorCover: the ≥ 1 network commentator rule as the registry page warns it', () => {
  it('is fine with an open-ended commentator, whoever else leaves', () => {
    expect(commentatorCover([
      { personId: 'a', role: 'commentator', kind: 'teacher', endsAt: null },
      { personId: 'b', role: 'commentator', kind: 'student', endsAt: at(3) },
    ], now)).toEqual({ state: 'ok', count: 2 });
  });
  it('warns when every current commentator leaves within the window, naming them and the last day', () => {
    expect(commentatorCover([
      { personId: 'a', role: 'commentator', kind: 'student', endsAt: at(10) },
      { personId: 'b', role: 'commentator', kind: 'student', endsAt: at(20) },
      { personId: 'c', role: 'admin', kind: 'teacher', endsAt: null },
    ], now)).toEqual({ state: 'lapsing', lapsesAt: at(20), ending: ['a', 'b'] });
    expect(commentatorCover([{ personId: 'a', role: 'commentator', kind: 'student', endsAt: at(45) }], now)).toEqual({ state: 'ok', count: 1 });
  });
  it('says none when the only commentator has left or ended', () => {
    expect(commentatorCover([{ personId: 'a', role: 'commentator', kind: 'student', endsAt: at(-1) }], now)).toEqual({ state: 'none' });
    expect(commentatorCover([{ personId: 'a', role: 'commentator', kind: 'teacher', endsAt: null, endedAt: at(-2) }], now)).toEqual({ state: 'none' });
    expect(commentatorCover([], now)).toEqual({ state: 'none' });
  });
});

describe('progressByUnit', () => {
  const row = (unit: string, status: 'open' | 'self_reported' | 'passed' | 'rectifying' | 'failed', extra: Partial<{ selfReportedAt: Date; createdAt: Date; remindersSent: number }> = {}) =>
    ({ unitId: unit, unitName: unit === 'u1' ? '文学院' : '理学院', status, selfReportedAt: extra.selfReportedAt ?? null, createdAt: extra.createdAt ?? at(-60), remindersSent: extra.remindersSent ?? 0 });

  it('counts each unit’s self-reports, results, overdue (not late registrations) and reminders', () => {
    const rows = [
      row('u1', 'open', { remindersSent: 2 }), row('u1', 'open', { createdAt: at(-1) }), row('u1', 'passed', { selfReportedAt: at(-30) }),
      row('u2', 'rectifying', { selfReportedAt: at(-20), remindersSent: 1 }), row('u2', 'failed'),
    ];
    const progress = progressByUnit(rows, at(-5), now);
    expect(progress.map((p) => p.unitId).sort()).toEqual(['u1', 'u2']);
    expect(progress.find((p) => p.unitId === 'u1')).toMatchObject({ total: 3, selfReported: 1, passed: 1, overdue: 1, remindersSent: 2 });
    expect(progress.find((p) => p.unitId === 'u2')).toMatchObject({ total: 2, selfReported: 1, rectifying: 1, failed: 1, overdue: 0, remindersSent: 1 });
    // Before the deadline nothing is overdue.
    expect(progressByUnit(rows, at(5), now).every((p) => p.overdue === 0)).toBe(true);
  });
});
