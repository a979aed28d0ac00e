import { inflateSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { VERIFY_CACHE_MS } from '../src/services/inspections';
import { cstYear } from '../src/domain/cst';
import { formatInspectionCode } from '../src/domain/inspection-code';
import { createTestEnv, type TestEnv } from './harness';
import { registered, type Demo } from './registry-fixtures';

/** Public verification of pass codes: the JSON API, the HTML page and the QR codes, with no token anywhere. */
let t: TestEnv;
let demo: Demo;
let revokedDemo: Demo;
let suspendedDemo: Demo;
const PUBLIC = 'http://imprimatur.test';

beforeAll(async () => {
  t = await createTestEnv('postgres');
  demo = await t.seed();
  revokedDemo = await t.seed();
  suspendedDemo = await t.seed();
  await t.request('POST', `/api/v1/codes/${revokedDemo.inspectionCode}/revoke`, { token: demo.tokens.publicity, body: { reason: '年检材料不实' } });
  await t.request('POST', `/api/v1/accounts/${suspendedDemo.accountId}/suspend`, { token: demo.tokens.publicity, body: { reason: '舆情处置' } });
});
afterAll(() => t?.close());

const raw = (path: string) => t.runtime.app.request(path);

describe('GET /api/v1/verify/{code}', () => {
  it('a valid code: the account, its unit and platform, the year and result, no token needed', async () => {
    const res = await t.request('GET', `/api/v1/verify/${demo.inspectionCode}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      code: demo.inspectionCode, valid: true, status: 'valid', year: cstYear(t.clock.now), result: 'pass', revokedAt: null, expiredAt: null,
      account: { name: expect.stringMatching(/^示范学院官方微信/), platform: 'wechat_official', unit: expect.stringMatching(/^示范学院/), status: 'registered', registrationNo: expect.stringMatching(/^宣备〔\d{4}〕\d{3}号$/) },
      verifyUrl: `${PUBLIC}/verify/${demo.inspectionCode}`,
    });
    expect(new Date(res.body.issuedAt).getTime()).toBe(t.clock.now.getTime());
    expect((await raw(`/api/v1/verify/${demo.inspectionCode}`)).headers.get('cache-control')).toBe('no-cache');
  });

  it('accepts a code typed in lower case or without hyphens, answering with its canonical form', async () => {
    const sloppy = demo.inspectionCode.replaceAll('-', '').toLowerCase();
    const res = await t.request('GET', `/api/v1/verify/${sloppy}`);
    expect(res.status).toBe(200);
    expect(res.body.code).toBe(demo.inspectionCode);
  });

  it('a revoked code says so and when, not the internal reason', async () => {
    const res = await t.request('GET', `/api/v1/verify/${revokedDemo.inspectionCode}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ valid: false, status: 'revoked', revokedAt: t.clock.now.toISOString() });
    expect(res.body).not.toHaveProperty('revokedReason');
    expect(res.text).not.toContain('年检材料不实');
    const spec = (await t.request('GET', '/openapi.json')).body;
    expect(Object.keys(spec.components.schemas.Verification.properties)).not.toContain('revokedReason');
  });

  it('the publicity department that revokes gets the reason back (its own record)', async () => {
    const seeded = await t.seed();
    const res = await t.request('POST', `/api/v1/codes/${seeded.inspectionCode}/revoke`, { token: demo.tokens.publicity, body: { reason: '内部原因' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'revoked', revokedReason: '内部原因' });
  });

  it('a live code of a suspended account is not valid', async () => {
    const res = await t.request('GET', `/api/v1/verify/${suspendedDemo.inspectionCode}`);
    expect(res.body).toMatchObject({ valid: false, status: 'valid', account: { status: 'suspended' } });
    // The page says why the code's own status does not count, rather than "有效" under a "not valid" verdict.
    const html = await (await raw(`/verify/${suspendedDemo.inspectionCode}`)).text();
    expect(html).toContain('账号当前状态为“已暂停”，编码暂不有效');
    expect(html).toContain('未撤销、未过期，但账号当前不在正常登记状态，暂不作数');
  });

  it('unknown → 404; a typo caught by the check character → 404 saying so; malformed → 400 naming the field', async () => {
    const unknown = formatInspectionCode({ year: 2026, platform: 'weibo', sequence: 9876 });
    const u = await t.request('GET', `/api/v1/verify/${unknown}`);
    expect(u.status).toBe(404);
    expect(u.body.error).toMatchObject({ code: 'code_not_found' });
    expect(u.body.error.message).toContain(unknown);

    // One character changed: the check character catches it before the registry is asked.
    const code = demo.inspectionCode;
    const typo = code.slice(0, -3) + (code.at(-3) === '1' ? '2' : '1') + code.slice(-2);
    const typoRes = await t.request('GET', `/api/v1/verify/${typo}`);
    expect(typoRes.status).toBe(404);
    expect(typoRes.body.error.details).toEqual({ field: 'code', reason: 'check_failed' });

    for (const bad of ['hello', 'SJ-26-WX-1-A', 'SJ-2026-ZZ-0001-A', 'x'.repeat(64)]) {
      const res = await t.request('GET', `/api/v1/verify/${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('code_malformed');
      expect(res.body.error.message).toContain('code');
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'code', in: 'path' })]);
    }
    const tooLong = await t.request('GET', `/api/v1/verify/${'x'.repeat(65)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toContain('code');
  });
});

describe('answering often-checked codes fast', () => {
  it('a repeated check with the ETag it was given gets 304, and a changed answer a new ETag', async () => {
    const seeded = await t.seed();
    const first = await raw(`/api/v1/verify/${seeded.inspectionCode}`);
    const tag = first.headers.get('etag');
    expect(tag).toMatch(/^W\/"/);
    const again = await t.runtime.app.request(`/api/v1/verify/${seeded.inspectionCode}`, { headers: { 'if-none-match': tag! } });
    expect(again.status).toBe(304);
    await t.request('POST', `/api/v1/codes/${seeded.inspectionCode}/revoke`, { token: demo.tokens.publicity, body: { reason: '测试' } });
    const changed = await t.runtime.app.request(`/api/v1/verify/${seeded.inspectionCode}`, { headers: { 'if-none-match': tag! } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(tag);
  });

  it('the answer made once per cached code keeps what the route always did: a caller\'s request id, no-cache on errors, a stale session cookie dropped, HEAD', async () => {
    const path = `/api/v1/verify/${demo.inspectionCode}`;
    const mine = await t.runtime.app.request(path, { headers: { 'x-request-id': 'scan-42' } });
    expect(mine.headers.get('x-request-id')).toBe('scan-42');
    expect(mine.headers.get('content-type')).toBe('application/json');
    const again = await t.runtime.app.request(path);
    expect(await again.text()).toBe(await mine.text());
    expect(again.headers.get('etag')).toBe(mine.headers.get('etag'));
    const missing = await t.runtime.app.request(`/api/v1/verify/${formatInspectionCode({ year: 2026, platform: 'weibo', sequence: 9877 })}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBe('no-cache');
    const stale = await t.runtime.app.request(path, { headers: { cookie: 'imp_session=ended' } });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('set-cookie')).toMatch(/^imp_session=; Max-Age=0; Path=\//);
    const head = await t.runtime.app.request(path, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(mine.headers.get('etag'));
    // The contract still documents If-None-Match, which the handler reads itself.
    const spec = (await t.request('GET', '/openapi.json')).body;
    expect(spec.paths['/api/v1/verify/{code}'].get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['path:code', 'header:if-none-match']);
  });

  it('a change made by another process shows within the cache lifetime; one made here shows at once', async () => {
    const seeded = await t.seed();
    expect((await t.request('GET', `/api/v1/verify/${seeded.inspectionCode}`)).body.status).toBe('valid');
    // Another process revokes: this process does not see its commit, so it answers from memory a little longer.
    await t.runtime.database.db.execute(sql`update inspection_codes set revoked_at = now(), revoked_reason = 'elsewhere' where code = ${seeded.inspectionCode}`);
    expect((await t.request('GET', `/api/v1/verify/${seeded.inspectionCode}`)).body.status).toBe('valid');
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + VERIFY_CACHE_MS + 1 });
    try {
      expect((await t.request('GET', `/api/v1/verify/${seeded.inspectionCode}`)).body.status).toBe('revoked');
    } finally {
      vi.useRealTimers();
    }
    // Suspending the account here (a commit in this process) shows on the very next check.
    const other = await t.seed();
    expect((await t.request('GET', `/api/v1/verify/${other.inspectionCode}`)).body.valid).toBe(true);
    await t.request('POST', `/api/v1/accounts/${other.accountId}/suspend`, { token: demo.tokens.publicity, body: { reason: '舆情处置' } });
    expect((await t.request('GET', `/api/v1/verify/${other.inspectionCode}`)).body.valid).toBe(false);
  });
});

describe('GET /verify/{code} (HTML)', () => {
  it('shows the verdict and the facts, zh-CN first with English', async () => {
    const res = await raw(`/verify/${demo.inspectionCode}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('审查合格编码有效');
    expect(html).toContain('Valid inspection pass code');
    expect(html.indexOf('审查合格编码有效')).toBeLessThan(html.indexOf('Valid inspection pass code'));
    for (const fact of ['示范学院官方微信', '微信公众号', 'WeChat official account', `${cstYear(t.clock.now)} 年度`, '合格', '已登记备案', demo.inspectionCode, `/verify/${demo.inspectionCode}/qr.svg`]) expect(html).toContain(fact);
    expect(html).toContain('data-valid="true"');
  });

  it('a revoked code is shown revoked and when (北京时间 date), never the internal reason', async () => {
    const html = await (await raw(`/verify/${revokedDemo.inspectionCode}`)).text();
    expect(html).toContain('该审查合格编码已撤销');
    expect(html).toContain('撤销日期');
    expect(html).not.toContain('年检材料不实');
    expect(html).not.toContain('撤销原因');
    expect(html).toContain('data-valid="false"');
  });

  it('unknown and malformed codes get a page with the reason and the right status', async () => {
    const unknown = await raw(`/verify/${formatInspectionCode({ year: 2026, platform: 'weibo', sequence: 9876 })}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('未找到审查合格编码');
    const malformed = await raw('/verify/not-a-code');
    expect(malformed.status).toBe(400);
    const body = await malformed.text();
    expect(body).toContain('不是有效的审查合格编码');
    expect(body).toContain('not an inspection pass code');
    expect(body).toContain('“not-a-code”');
    expect(body).not.toContain('参数 code'); // the public page speaks of the code as typed, not of a parameter
  });

  it('escapes what the registry holds', async () => {
    const account = await registered(t, demo, { name: '<script>alert(1)</script>测试号' });
    const graded = await t.request('POST', `/api/v1/inspections/${account.inspections[0].id}/grade`, { token: demo.tokens.publicity, body: { result: 'pass' } });
    expect(graded.status, graded.text).toBe(200);
    const html = await (await raw(`/verify/${graded.body.code.code}`)).text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;测试号');
  });

  it('the lookup form sends the visitor to the code’s page', async () => {
    const form = await raw('/verify');
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="code"');
    const go = await raw(`/verify?code=${encodeURIComponent(' ' + demo.inspectionCode + ' ')}`);
    expect(go.status).toBe(303);
    expect(go.headers.get('location')).toBe(`/verify/${demo.inspectionCode}`);
  });
});

/** The PNG's chunks, each CRC checked: a broken file fails here rather than in someone's phone. */
function pngChunks(bytes: Uint8Array) {
  expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: { type: string; data: Uint8Array }[] = [];
  const table = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (b: Uint8Array) => { let c = 0xffffffff; for (const x of b) c = table[(c ^ x) & 0xff]! ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  for (let at = 8; at < bytes.length;) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(bytes.slice(at + 4, at + 8));
    expect(view.getUint32(at + 8 + length), `${type} CRC`).toBe(crc(bytes.slice(at + 4, at + 8 + length)));
    chunks.push({ type, data: bytes.slice(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

describe('QR codes', () => {
  const verifyUrl = () => `${PUBLIC}/verify/${demo.inspectionCode}`;

  it('SVG: an SVG document drawing the QR code of the verify page', async () => {
    const res = await raw(`/verify/${demo.inspectionCode}/qr.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    const svg = await res.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* viewBox="0 0 (\d+) \1"[^>]*>.*<path[^>]* d="M[^"]+"[^>]*\/><\/svg>\s*$/s);
    const size = QRCode.create(verifyUrl(), { errorCorrectionLevel: 'M' }).modules.size;
    expect(svg).toContain(`viewBox="0 0 ${size + 8} ${size + 8}"`);
    expect(svg).toBe(await QRCode.toString(verifyUrl(), { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }));
  });

  it('PNG: a well-formed greyscale PNG whose pixels are exactly the QR modules of the verify URL', async () => {
    const res = await raw(`/verify/${demo.inspectionCode}/qr.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const chunks = pngChunks(new Uint8Array(await res.arrayBuffer()));
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const ihdr = new DataView(chunks[0]!.data.buffer);
    const side = ihdr.getUint32(0);
    expect(ihdr.getUint32(4)).toBe(side);
    expect([...chunks[0]!.data.slice(8)]).toEqual([8, 0, 0, 0, 0]);

    const { size, data } = QRCode.create(verifyUrl(), { errorCorrectionLevel: 'M' }).modules;
    const scale = side / (size + 8);
    expect(Number.isInteger(scale)).toBe(true);
    const pixels = inflateSync(chunks[1]!.data);
    expect(pixels.length).toBe(side * (side + 1));
    const dark = (x: number, y: number) => pixels[y * (side + 1) + 1 + x] === 0;
    for (let my = -4; my < size + 4; my++) {
      for (let mx = -4; mx < size + 4; mx++) {
        const want = my >= 0 && mx >= 0 && my < size && mx < size && data[my * size + mx] === 1;
        // Sample the middle of each module's square.
        const x = (mx + 4) * scale + Math.floor(scale / 2);
        const y = (my + 4) * scale + Math.floor(scale / 2);
        if (dark(x, y) !== want) throw new Error(`module (${mx}, ${my}) is ${dark(x, y) ? 'dark' : 'light'}`);
      }
    }
  });

  it('no QR code for an unknown or malformed code; none needs a token', async () => {
    expect((await raw(`/verify/${formatInspectionCode({ year: 2026, platform: 'weibo', sequence: 9876 })}/qr.svg`)).status).toBe(404);
    expect((await raw('/verify/bogus/qr.png')).status).toBe(400);
  });
});

describe('expiry', () => {
  it('a code expires when the next year’s campaign closes', async () => {
    const year = cstYear(t.clock.now);
    const next = await t.request('POST', '/api/v1/inspections/campaigns', { token: demo.tokens.publicity, body: { year: year + 1, deadline: new Date(t.clock.now.getTime() + 3600_000).toISOString() } });
    expect(next.status, next.text).toBe(201);
    expect((await t.request('GET', `/api/v1/verify/${demo.inspectionCode}`)).body.status).toBe('valid');
    t.clock.advance(1); // the self-report deadline: closed by hand no earlier
    expect((await t.request('POST', `/api/v1/inspections/campaigns/${next.body.id}/close`, { token: demo.tokens.publicity })).status).toBe(200);
    const res = await t.request('GET', `/api/v1/verify/${demo.inspectionCode}`);
    expect(res.body).toMatchObject({ valid: false, status: 'expired', expiredAt: t.clock.now.toISOString(), year });
    // A revoked code stays revoked rather than becoming "expired".
    expect((await t.request('GET', `/api/v1/verify/${revokedDemo.inspectionCode}`)).body.status).toBe('revoked');
    const html = await (await raw(`/verify/${demo.inspectionCode}`)).text();
    expect(html).toContain('该审查合格编码已过期');
    expect(html).toContain('has expired');
  });
});
