import { describe, expect, it } from 'vitest';
import { ACCOUNT_STATUSES, ACCOUNT_TRANSITIONS, isInService, termLapsed } from './account-lifecycle';

describe('which accounts are in service (publish, 登记发布)', () => {
  it('only a registered account; pending, rectifying, suspended, shut down and deregistered are not', () => {
    expect(ACCOUNT_STATUSES.filter(isInService)).toEqual(['registered']);
  });

  it('变更 keeps the status, so a registered account being changed stays in service', () => {
    expect(isInService(ACCOUNT_TRANSITIONS.registered.change!)).toBe(true);
    for (const status of ACCOUNT_STATUSES) if (ACCOUNT_TRANSITIONS[status].change) expect(ACCOUNT_TRANSITIONS[status].change).toBe(status);
  });
});

describe('a term that ran out', () => {
  const now = new Date('2027-07-02T00:00:00+08:00');
  it('is over once its end has passed and nobody ended the role', () => {
    expect(termLapsed({ endsAt: '2027-07-01T23:59:59+08:00', endedAt: null }, now)).toBe(true);
    expect(termLapsed({ endsAt: '2027-07-02T23:59:59+08:00', endedAt: null }, now)).toBe(false);
    expect(termLapsed({ endsAt: null, endedAt: null }, now)).toBe(false);
    // Ended by a change: not flagged, the record shows when it ended.
    expect(termLapsed({ endsAt: '2027-07-01T23:59:59+08:00', endedAt: '2027-06-01T00:00:00+08:00' }, now)).toBe(false);
  });
});
