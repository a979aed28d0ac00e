import { describe, expect, it } from 'vitest';
import { ACCOUNT_STATUSES, ACCOUNT_TRANSITIONS, isInService } from './account-lifecycle';

describe('which accounts are in service (publish, 登记发布)', () => {
  it('only a registered account; pending, rectifying, suspended, shut down and deregistered are not', () => {
    expect(ACCOUNT_STATUSES.filter(isInService)).toEqual(['registered']);
  });

  it('变更 keeps the status, so a registered account being changed stays in service', () => {
    expect(isInService(ACCOUNT_TRANSITIONS.registered.change!)).toBe(true);
    for (const status of ACCOUNT_STATUSES) if (ACCOUNT_TRANSITIONS[status].change) expect(ACCOUNT_TRANSITIONS[status].change).toBe(status);
  });
});
