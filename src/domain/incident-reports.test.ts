import { describe, expect, it } from 'vitest';
import { cstMonth, deadlineRecords, monthSpan, summarize, type SummaryRow } from './incident-reports';

const cst = (local: string) => new Date(`${local}+08:00`);

describe('months on the Beijing calendar', () => {
  it('a month begins and ends at Beijing midnight; an instant belongs to the Beijing month', () => {
    expect(monthSpan('2026-12')).toEqual({ from: cst('2026-12-01T00:00:00'), to: cst('2027-01-01T00:00:00') });
    expect(monthSpan('2028-02').to).toEqual(cst('2028-03-01T00:00:00'));
    expect(cstMonth(cst('2026-11-30T23:59:59'))).toBe('2026-11');
    // 16:00 UTC on the 30th is already December in Beijing.
    expect(cstMonth(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12');
    for (const bad of ['2026-13', '2026-00', '26-11', '2026-1']) expect(() => monthSpan(bad)).toThrow(RangeError);
  });
});

describe('deadlines looked back on', () => {
  const facts = { reportedAt: cst('2026-11-30T20:00:00'), ackMinutes: 60, acknowledgedAt: null, class: null, repliedAt: null, promisedBy: null, resultAt: null };

  it('an incident is held to the acknowledgement window it was reported under', () => {
    const kept = deadlineRecords({ ...facts, acknowledgedAt: cst('2026-11-30T20:50:00') }, cst('2026-12-01T00:00:00'));
    expect(kept.acknowledge).toEqual({ due: cst('2026-11-30T21:00:00'), doneAt: cst('2026-11-30T20:50:00'), outcome: 'met' });
    expect(deadlineRecords({ ...facts, ackMinutes: 30, acknowledgedAt: cst('2026-11-30T20:50:00') }, cst('2026-12-01T00:00:00')).acknowledge.outcome).toBe('missed');
  });

  it('met when done by the time, missed when late or never done once passed, pending before, not applicable when not owed', () => {
    const late = deadlineRecords({ ...facts, acknowledgedAt: cst('2026-11-30T21:30:00'), class: 'inquiry' }, cst('2026-11-30T23:00:00'));
    expect(late.acknowledge).toEqual({ due: cst('2026-11-30T21:00:00'), doneAt: cst('2026-11-30T21:30:00'), outcome: 'missed' });
    // The same-day reply is owed by Beijing midnight: still pending at 23:00, missed at 00:00.
    expect(late.sameDayReply).toMatchObject({ due: cst('2026-11-30T23:59:59.999'), outcome: 'pending' });
    expect(deadlineRecords({ ...facts, class: 'inquiry' }, cst('2026-12-01T00:00:00')).sameDayReply.outcome).toBe('missed');
    expect(deadlineRecords({ ...facts, class: 'inquiry', repliedAt: cst('2026-11-30T23:59:00') }, cst('2026-12-05T00:00:00')).sameDayReply.outcome).toBe('met');
    expect(late.result.outcome).toBe('not_applicable');
    expect(deadlineRecords({ ...facts, class: 'hyping' }, cst('2026-12-05T00:00:00')).sameDayReply.outcome).toBe('not_applicable');
    expect(deadlineRecords(facts, cst('2026-11-30T20:30:00')).acknowledge.outcome).toBe('pending');
  });

  it('counts every key, zeros too', () => {
    const row = (over: Partial<SummaryRow>): SummaryRow => ({ ...facts, unitId: 'u1', unitName: '甲学院', severity: null, group: 'students', stage: 'reported', ...over });
    const s = summarize([row({ severity: 'major', class: 'inquiry', repliedAt: cst('2026-11-30T21:00:00') }), row({ unitId: 'u2', unitName: '乙学院', group: 'teachers' }), row({ unitId: 'u2', unitName: '乙学院', group: 'other' })], cst('2026-12-02T00:00:00'));
    expect(s.bySeverity).toEqual({ ordinary: 0, significant: 0, major: 1, especially_major: 0, unassessed: 2 });
    expect(s.byClass).toEqual({ inquiry: 1, hyping: 0, fabrication: 0, suggestion: 0, unassessed: 2 });
    expect(s.byGroup).toEqual({ students: 1, teachers: 1, other: 1 });
    expect(s.byStage).toMatchObject({ reported: 3, closed: 0 });
    expect(s.acknowledge).toEqual({ met: 0, missed: 3, pending: 0 });
    expect(s.sameDayReply).toEqual({ met: 1, missed: 0, pending: 0 });
    expect(s.byUnit.map((u) => [u.unitName, u.count])).toEqual([['乙学院', 2], ['甲学院', 1]]);
  });
});
