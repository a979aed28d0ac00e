import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser, listen } from './browser';
import { DATA_SECURITY_HEADERS, isDataType, SECURITY_HEADERS } from '../src/lib/http-guards';
import { createTestEnv, type TestEnv } from './harness';
import { bytesReadPerConnection, streamBody } from './support/stream-body';

/** Security headers, no-store on sign-off answers, same-origin form posts and body limits. */
let t: TestEnv;
let demo: Awaited<ReturnType<TestEnv['seed']>>;
let token: string;
let base: string;
let server: Awaited<ReturnType<typeof listen>>['server'];

beforeAll(async () => {
  t = await createTestEnv('postgres');
  demo = await t.seed();
  const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '加固', body: '正文', unitId: demo.unitId, accountIds: [demo.accountId] } });
  await t.request('POST', `/api/v1/drafts/${created.body.id}/submit`, { token: demo.tokens.drafter });
  token = await t.linkFor(demo.people.section_head!);
  ({ url: base, server } = await listen(t));
});
afterAll(async () => {
  server?.close();
  await t?.close();
});

describe('form posts from another site are refused', () => {
  it('on the sign-off form and the dashboard sign-in, with a clear 403', async () => {
    const foreign: Record<string, string>[] = [{ origin: 'https://evil.example' }, { origin: 'null', 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }];
    for (const path of [`/s/${token}`, '/admin/login']) {
      for (const headers of foreign) {
        const res = await t.runtime.app.request(path, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=approve' });
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(await res.text()).toMatch(/foreign_origin|其他网站/);
      }
    }
    const view = await t.request('GET', `/api/v1/signoff/${token}`);
    expect(view.status).toBe(200); // the link is untouched
  });
});

describe('a form body that cannot be read', () => {
  it('is a 400 naming the form, on pages signed in or not (the dashboard sign-in: workers.test.ts), never a 500', async () => {
    const email = (await t.request('GET', '/api/v1/me', { token: demo.tokens.drafter })).body.email;
    const { cookie, csrf } = await t.signIn(email);
    const broken: [string, string][] = [
      ['multipart/form-data; boundary=zz', 'garbage'],
      ['multipart/form-data; boundary=zz', `--zz\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--zz\r\nContent-Disposition: form-data; name="title"\r\n\r\ncut sho`],
      ['multipart/form-data', 'no boundary at all'],
    ];
    for (const path of ['/login', `/s/${token}`, '/drafts/new', '/settings/notifications']) {
      for (const [type, body] of broken) {
        const res = await t.request('POST', path, { raw: body, cookie, headers: { 'content-type': type, 'x-csrf-token': csrf } });
        expect(res.status, `${path} ${type}: ${res.text.slice(0, 300)}`).toBe(400);
        expect(res.text, res.text.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").slice(-700)).toMatch(/表单内容无法读取/);
      }
    }
    const view = await t.request('GET', `/api/v1/signoff/${token}`);
    expect(view.status).toBe(200); // the link is untouched
  });
});

describe('security headers on every page and API answer', () => {
  const paths = () => ['/healthz', '/api/v1/me', '/api/v1/verify/SJ-2026-WX-0001-T', `/verify/${demo.inspectionCode}`, `/s/${token}`, '/s/not-a-token', '/docs', '/openapi.json', '/nothing-here'];
  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8])('path %#', async (i) => {
    const path = paths()[i]!;
    const res = await t.runtime.app.request(path);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp, path).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    if (isDataType(res.headers.get('content-type'))) {
      // Data loads nothing at all, not even from this origin.
      expect(csp).toBe("default-src 'none'; frame-ancestors 'none'");
    } else {
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('pages get the page set, data answers (JSON, CSV; a complete one too: the public verify, 200 and 304) the data set', async () => {
    const verify = `/api/v1/verify/${demo.inspectionCode}`;
    const tag = (await t.runtime.app.request(verify)).headers.get('etag')!;
    const data = [
      await t.runtime.app.request(verify), await t.runtime.app.request(verify, { headers: { 'if-none-match': tag } }), await t.runtime.app.request(verify, { method: 'HEAD' }),
      await t.runtime.app.request('/api/v1/verify/SJ-2026-WX-9999-A'), await t.runtime.app.request('/healthz'), await t.runtime.app.request('/api/v1/nothing-here'),
      await t.runtime.app.request('/api/v1/exports/accounts.csv', { headers: { authorization: `Bearer ${demo.tokens.publicity}` } }),
    ];
    const pages = [await t.runtime.app.request(`/verify/${demo.inspectionCode}`), await t.runtime.app.request('/login'), await t.runtime.app.request(`/verify/${demo.inspectionCode}/qr.svg`)];
    expect([...data, ...pages].map((r) => r.status)).toEqual([200, 304, 200, 404, 200, 401, 200, 200, 200, 200]);
    for (const [set, answers] of [[DATA_SECURITY_HEADERS, data], [SECURITY_HEADERS, pages]] as const) {
      for (const res of answers) {
        for (const [name, value] of Object.entries(set)) expect(res.headers.get(name), `${name} on ${res.status}`).toBe(value);
        expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
        expect(res.headers.get('x-powered-by')).toBeNull();
      }
    }
    // Nothing of the page-only set rides on data.
    for (const res of data) for (const name of ['cross-origin-opener-policy', 'origin-agent-cluster', 'x-xss-protection', 'x-download-options']) expect(res.headers.get(name)).toBeNull();
    // The page values are hono's secureHeaders defaults with our policy: nothing was dropped in writing them out.
    expect(Object.keys(SECURITY_HEADERS)).toHaveLength(12);
  });

  it('no-store on every sign-off answer, JSON and page, good link or not', async () => {
    for (const path of [`/api/v1/signoff/${token}`, '/api/v1/signoff/nope', `/s/${token}`, '/s/nope']) {
      const res = await t.runtime.app.request(path);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('no-store on every API answer that names no caching of its own: a new token, the caller, a draft; public verify keeps its own', async () => {
    const made = await t.request('POST', '/api/v1/tokens', { token: demo.tokens.drafter, body: { label: 'phone' } });
    expect(made.status).toBe(201);
    expect(made.body.token).toBeTruthy();
    expect(made.headers.get('cache-control')).toBe('no-store');
    expect((await t.request('GET', '/api/v1/me', { token: demo.tokens.drafter })).headers.get('cache-control')).toBe('no-store');
    expect((await t.request('GET', '/api/v1/drafts?mine=true', { token: demo.tokens.drafter })).headers.get('cache-control')).toBe('no-store');
    expect((await t.request('GET', '/api/v1/drafts/nope', { token: demo.tokens.drafter })).headers.get('cache-control')).toBe('no-store');
    expect((await t.request('GET', `/api/v1/verify/${demo.inspectionCode}`)).headers.get('cache-control')).toBe('no-cache');
  });

  it.skipIf(!hasChromium)('the sign-off page still works in Chromium under the CSP (its script is a served file)', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ locale: 'zh-CN' });
      const violations: string[] = [];
      page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
      await page.goto(`${base}/s/${token}`);
      for (const box of await page.locator('input[name=checklist]').all()) await box.check();
      await page.click('button.approve');
      await page.waitForURL(/\?done=1$/);
      expect(await page.textContent('.notice.ok')).toContain('已记录');
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('what Node’s HTTP parser refuses', () => {
  /** Raw bytes to the listening server; the whole answer back. */
  const rawRequest = (bytes: string) => new Promise<string>((resolve, reject) => {
    const url = new URL(base);
    const socket = connect(Number(url.port), url.hostname, () => socket.write(bytes));
    let answer = '';
    socket.setEncoding('utf8').on('data', (d: string) => (answer += d)).on('end', () => resolve(answer)).on('error', reject);
  });

  it('a URL or headers over 16 KB, a NUL in the request line: the JSON error shape, not a bare status line', async () => {
    const cases: [string, RegExp, string][] = [
      [`GET /api/v1/drafts?${'p=1&'.repeat(5000)} HTTP/1.1\r\nHost: x\r\n\r\n`, /^HTTP\/1\.1 431 /, 'request_too_large'],
      [`GET /api/v1/verify/x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, /^HTTP\/1\.1 431 /, 'request_too_large'],
      ['GET /api/v1/verify/a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n', /^HTTP\/1\.1 400 /, 'malformed_request'],
    ];
    for (const [bytes, status, code] of cases) {
      const answer = await rawRequest(bytes);
      expect(answer).toMatch(status);
      expect(answer).toMatch(/content-type: application\/json/i);
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
      expect(body.error.code).toBe(code);
      expect(body.error.message).toMatch(/^请求.* \/ The request/);
    }
  });
});

describe('request bodies are limited before they are read', () => {
  it('a JSON body over the limit is a 413 JSON error', async () => {
    const big = JSON.stringify({ decision: 'approve', checklist: {}, comment: 'x'.repeat(1_100_000) });
    const res = await t.request('POST', `/api/v1/signoff/${token}`, { raw: big });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it.each(['/s/imp_forged_link', '/s/imp_forged_link/transfer'])('the sign-off form %s checks the link before it reads a body: a forged link is answered while the body is still coming', async (path) => {
    const url = new URL(path, base);
    const res = await new Promise<{ status: number }>((resolve, reject) => {
      const req = httpRequest({
        host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '60000', origin: 'http://imprimatur.test' },
      });
      req.on('response', (r) => { r.resume(); resolve({ status: r.statusCode! }); req.destroy(); });
      req.on('error', reject);
      req.write('decision=approve&'); // …and never the rest: a server reading the body first would wait for it
      setTimeout(() => reject(new Error(`no answer from ${path} while its body was incomplete`)), 5_000).unref();
    });
    expect(res.status).toBe(404);
  });

  it.each([false, true])('an unauthenticated 100 MB POST to /api/v1/signoff/<x> is refused with 413 JSON without buffering it (chunked: %s)', async (chunked) => {
    const bytesRead = bytesReadPerConnection(server);
    const res = await streamBody(base, { path: '/api/v1/signoff/anything', total: 100 * 1024 * 1024, chunked });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.code).toBe('payload_too_large');
    // Reading the body would take 100 MB off the socket; a limit of 1 MB stops after about that,
    // with what the sender had in flight when the answer came.
    expect(bytesRead()).toBeLessThan(16 * 1024 * 1024);
  });
});
