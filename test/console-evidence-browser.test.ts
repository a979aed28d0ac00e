import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { browserAs, hasChromium, noSideways, seededBrowser } from './browser';
import type { TestEnv } from './harness';
import { registered, rowsOf, type Demo } from './registry-fixtures';

const PDF = `%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`;

/**
 * Evidence (佐证材料) on the self-report: the owner uploads files on the inspection page (a plain
 * multipart form), they are listed there and on the publicity grading view, served only to those who
 * may see the inspection, checked by their bytes, and audited.
 */
describe.skipIf(!hasChromium && !process.env.CI)('self-report evidence', () => {
  let t: TestEnv;
  let demo: Demo;
  let browser: Browser;
  let base: string;
  let inspectionId: string;
  let emailOf: (personId: string) => Promise<string>;
  const upload = async (token: string, files: [string, string][]) => {
    const form = new FormData();
    for (const [name, text] of files) form.append('files', new File([text], name));
    const res = await t.runtime.app.request(`/api/v1/inspections/${inspectionId}/evidence`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json() };
  };

  seededBrowser((s) => ({ t, demo, browser, base, emailOf } = s), {
    // Registered while this year's campaign runs: it has an open inspection, its owner the unit's publicity officer.
    prepare: async (env, seeded) => { inspectionId = (await registered(env, seeded, { name: '佐证示范号' })).inspections[0].id; },
  });

  it('the owner uploads evidence on the page; publicity sees and downloads it; a forged file is refused by name', async () => {
    const owner = await browserAs(t, browser, base, await emailOf(demo.people.publicity_officer!));
    const page = await owner.newPage();
    await page.goto(`${base}/inspections/${inspectionId}`);
    const card = page.locator('#evidence');
    expect(await card.innerText()).toContain('尚未上传佐证材料');
    // HTML calling itself a PDF: refused in the error summary, nothing stored.
    await card.getByLabel(/上传佐证材料/).setInputFiles({ name: '自查报告.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><script>alert(1)</script></html>') });
    await card.getByRole('button', { name: '上传', exact: true }).click();
    await page.waitForLoadState();
    expect(await page.locator('.error-summary').innerText()).toMatch(/类型不受支持|不符/);
    await page.screenshot({ path: 'test/artifacts/console-evidence-error-1280.png', fullPage: true });
    await page.locator('#evidence').getByLabel(/上传佐证材料/).setInputFiles({ name: '年度自查报告.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF) });
    await page.locator('#evidence').getByRole('button', { name: '上传', exact: true }).click();
    await page.waitForURL(/done=evidence/);
    expect(await page.locator('#evidence').innerText()).toContain('年度自查报告.pdf');
    expect(await page.locator('#evidence').innerText()).toContain('赵宣传员');
    await owner.close();

    for (const width of [1280, 390]) {
      t.clock.advance(1);
      const publicity = await browserAs(t, browser, base, await emailOf(demo.people.publicity!), { width, height: 900 });
      const p = await publicity.newPage();
      await p.goto(`${base}/inspections/${inspectionId}`);
      expect(await p.locator('#grade').count()).toBe(1);
      expect(await p.locator('#evidence').innerText()).toContain('年度自查报告.pdf');
      // Publicity reads the evidence; uploading is the owner's.
      expect(await p.locator('#evidence input[type=file]').count()).toBe(0);
      expect(await noSideways(p)).toBe(true);
      await p.locator('#evidence').screenshot({ path: `test/artifacts/console-evidence-${width}.png` });
      if (width === 1280) {
        const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('link', { name: '年度自查报告.pdf' }).click()]);
        expect(await readFile((await download.path())!, 'utf8')).toBe(PDF);
        expect(download.suggestedFilename()).toBe('年度自查报告.pdf');
      }
      await publicity.close();
    }
  }, 90_000);

  it('over the API: listed in the inspection, served only to those who may see it, audited; staff of the unit may not grade', async () => {
    const added = await upload(demo.tokens.publicity_officer!, [['会议纪要.pdf', PDF.replace('1.4', '1.5')]]);
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.evidence.map((f: { name: string }) => f.name)).toEqual(['年度自查报告.pdf', '会议纪要.pdf']);
    // The same bytes again are the same file.
    expect((await upload(demo.tokens.publicity_officer!, [['again.pdf', PDF]])).body.evidence).toHaveLength(2);
    const sha = added.body.evidence[1].sha256 as string;
    const path = `/api/v1/inspections/${inspectionId}/evidence/${sha}`;
    const served = await t.runtime.app.request(path, { headers: { authorization: `Bearer ${demo.tokens.publicity}` } });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-disposition')).toMatch(/^attachment/);

    const other = await t.seed();
    expect((await t.runtime.app.request(path, { headers: { authorization: `Bearer ${other.tokens.drafter}` } })).status).toBe(403);
    expect((await upload(other.tokens.drafter!, [['x.pdf', PDF]])).status).toBe(403);
    expect((await t.runtime.app.request(path)).status).toBe(401);
    expect((await t.runtime.app.request(`/api/v1/inspections/${inspectionId}/evidence/${'0'.repeat(64)}`, { headers: { authorization: `Bearer ${demo.tokens.publicity}` } })).status).toBe(404);
    const none = await t.runtime.app.request(`/api/v1/inspections/${inspectionId}/evidence`, { method: 'POST', body: new FormData(), headers: { authorization: `Bearer ${demo.tokens.publicity_officer}` } });
    expect(none.status).toBe(400);

    const audit = rowsOf<{ n: number }>(await t.runtime.database.db.execute(sql`select count(*)::int as n from audit_events where action = 'inspection.evidence_added' and subject_id = ${inspectionId}`))[0]!;
    expect(audit.n).toBe(2);

    // A staff session on the grading form gets a 403 page, not data.
    const staff = await t.signIn(await emailOf(demo.people.drafter!));
    const refused = await t.request('POST', `/inspections/${inspectionId}/grade`, { cookie: staff.cookie, form: { _csrf: staff.csrf, result: 'pass' } });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('<html');
  });
});
