import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cstYear } from '../src/domain/cst';
import { createTestEnv, type TestEnv } from './harness';
import type { Demo } from './registry-fixtures';

/**
 * Seed 004 第四条(四): 审查合格的，授予审查合格编码…问题严重、年度审查不合格的，予以整改或关停. A failed
 * year ends what the earlier pass vouched for: the earlier code is revoked, so the account neither
 * verifies as valid nor publishes again on reinstatement until a re-inspection passes.
 */
let t: TestEnv;
let demo: Demo;
beforeAll(async () => {
  t = await createTestEnv('postgres');
  demo = await t.seed();
});
afterAll(() => t?.close());

describe('failing the next year’s inspection', () => {
  it('revokes the live code of the year before; reinstated, the account still cannot publish on it', async () => {
    const year = cstYear(t.clock.now);
    expect((await t.request('GET', `/api/v1/verify/${demo.inspectionCode}`)).body).toMatchObject({ valid: true, status: 'valid' });
    const next = await t.request('POST', '/api/v1/inspections/campaigns', { token: demo.tokens.publicity, body: { year: year + 1, deadline: new Date(t.clock.now.getTime() + 30 * 86_400_000).toISOString() } });
    expect(next.status, next.text).toBe(201);
    const inspection = next.body.inspections.find((i: { accountId: string }) => i.accountId === demo.accountId);

    const graded = await t.request('POST', `/api/v1/inspections/${inspection.id}/grade`, { token: demo.tokens.publicity, body: { result: 'fail', findings: '长期未审先发' } });
    expect(graded.status, graded.text).toBe(200);
    expect(graded.body).toMatchObject({ status: 'failed', accountStatus: 'suspended' });
    const verified = (await t.request('GET', `/api/v1/verify/${demo.inspectionCode}`)).body;
    expect(verified).toMatchObject({ valid: false, status: 'revoked' });

    const reinstated = await t.request('POST', `/api/v1/accounts/${demo.accountId}/reinstate`, { token: demo.tokens.publicity, body: { reason: '已整改' } });
    expect(reinstated.status, reinstated.text).toBe(200);
    expect(reinstated.body).toMatchObject({ status: 'registered', publishable: false, publishBlock: 'no_valid_code' });
    expect((await t.request('GET', `/api/v1/verify/${demo.inspectionCode}`)).body.status).toBe('revoked');
  });
});
