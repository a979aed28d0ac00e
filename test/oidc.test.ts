import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { hasChromium, launchBrowser } from './browser';
import { createTestEnv, type TestEnv } from './harness';

/**
 * University single sign-on against a real OpenID Connect provider (the `oidc-provider` package,
 * with its development login and consent pages), driven in Chromium: authorization code with PKCE,
 * state and nonce; the person matched by e-mail or by employee number (工号).
 */

const CLIENT = { client_id: 'imprimatur', client_secret: 'sso-test-secret-0123456789abcdef' };

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The identity provider: logins map to claims; any password is accepted by its dev login page. */
async function startProvider(appBase: string, accounts: Record<string, Record<string, unknown>>): Promise<{ issuer: string; close(): Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ ...CLIENT, redirect_uris: [`${appBase}/login/sso/callback`], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'employee_no'] },
    async findAccount(_ctx, id) {
      const claims = accounts[id];
      if (!claims) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
    },
    pkce: { required: () => true },
    cookies: { keys: ['provider-cookie-key-0123456789'] },
    features: { devInteractions: { enabled: true } },
  });
  server.on('request', provider.callback());
  return { issuer, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

async function signOnEnv(extra: Record<string, string>, accounts: (emails: Record<string, string>) => Record<string, Record<string, unknown>>) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const emails: Record<string, string> = {};
  let idp: Awaited<ReturnType<typeof startProvider>> | undefined;
  const lateAccounts: Record<string, Record<string, unknown>> = {};
  idp = await startProvider(base, lateAccounts);
  const t = await createTestEnv('postgres', { PUBLIC_URL: base, OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: CLIENT.client_id, OIDC_CLIENT_SECRET: CLIENT.client_secret, ...extra });
  const demo = await t.seed();
  const rows = await t.runtime.database.db.execute(sql`select id, email from people`);
  for (const r of (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as { id: string; email: string }[]) emails[r.id] = r.email;
  Object.assign(lateAccounts, accounts(Object.fromEntries(Object.entries(demo.people).map(([k, id]) => [k, emails[id]!]))));
  const server: ServerType = serve({ fetch: t.runtime.app.fetch, port, hostname: '127.0.0.1' });
  return {
    t, demo, base,
    async close() {
      server.close();
      await idp?.close();
      await t.close();
    },
  };
}

/** Clicks through the provider's dev login (any password) and consent pages. */
async function signOnInBrowser(browser: Browser, base: string, login: string, start = '/login') {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(base + start);
  await page.getByRole('button', { name: '统一身份认证登录' }).click();
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any password');
  await page.locator('button[type=submit]').click();
  // Consent, the first time this client asks.
  await page.waitForLoadState();
  if (new URL(page.url()).origin !== base) await page.locator('button[type=submit]').click();
  await page.waitForURL((u) => u.origin === base);
  return { page, context };
}

describe.skipIf(!hasChromium && !process.env.CI)('single sign-on (OIDC)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  describe('matched by e-mail', () => {
    let env: Awaited<ReturnType<typeof signOnEnv>>;
    beforeAll(async () => {
      env = await signOnEnv({}, (e) => ({
        li: { email: e.drafter!.toUpperCase(), email_verified: true, name: '李撰稿' },
        stranger: { email: 'stranger@example.edu.cn', email_verified: true },
        unverified: { email: e.secretary, email_verified: false },
      }));
    }, 60_000);
    afterAll(() => env?.close());

    it('signs a known person in through the provider and lands on the page asked for', async () => {
      const { page, context } = await signOnInBrowser(browser, env.base, 'li', '/login?next=%2Fapi%2Fv1%2Fme');
      expect(new URL(page.url()).pathname).toBe('/api/v1/me');
      const me = JSON.parse(await page.locator('body').innerText());
      expect(me.id).toBe(env.demo.people.drafter);
      const cookie = (await context.cookies()).find((c) => c.name === 'imp_session')!;
      expect(cookie.httpOnly).toBe(true);
      expect(cookie.sameSite).toBe('Lax');
      // The flow's own cookie is gone, and the session says how it began.
      expect((await context.cookies()).find((c) => c.name === 'imp_oidc')).toBeUndefined();
      const sessions = await env.t.request('GET', '/api/v1/sessions', { cookie: `imp_session=${cookie.value}` });
      expect(sessions.body.items[0].method).toBe('oidc');
      await context.close();
    }, 60_000);

    it('refuses someone the provider knows but this service does not, and an unverified address', async () => {
      for (const login of ['stranger', 'unverified']) {
        const { page, context } = await signOnInBrowser(browser, env.base, login);
        expect(new URL(page.url()).pathname, login).toBe('/login/sso/callback');
        expect(await page.locator('.notice.bad').innerText()).toContain('统一身份认证登录失败');
        expect((await context.cookies()).find((c) => c.name === 'imp_session')).toBeUndefined();
        await page.screenshot({ path: `test/artifacts/sso-refused-${login}.png` });
        await context.close();
      }
    }, 60_000);

    it('refuses a callback it did not start (no flow cookie, forged state)', async () => {
      const forged = await env.t.request('GET', '/login/sso/callback?code=abc&state=forged');
      expect(forged.status).toBe(403);
      expect(forged.text).toContain('不是从本系统发起的');
      expect(forged.headers.get('set-cookie') ?? '').not.toContain('imp_session=ims_');
    });

    it('starts with PKCE (S256), state and nonce, and an unreachable provider is a clear page', async () => {
      const started = await env.t.request('GET', '/login/sso?next=/drafts/new');
      expect(started.status).toBe(303);
      const to = new URL(started.headers.get('location')!);
      expect(to.searchParams.get('code_challenge_method')).toBe('S256');
      expect(to.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(to.searchParams.get('state')).toBeTruthy();
      expect(to.searchParams.get('nonce')).toBeTruthy();
      expect(to.searchParams.get('redirect_uri')).toBe(`${env.base}/login/sso/callback`);
      expect(started.headers.get('set-cookie')).toMatch(/imp_oidc=.*HttpOnly/i);
      const page = await env.t.request('GET', '/login');
      expect(page.text).toContain('统一身份认证登录');
    });
  });

  describe('matched by employee number (工号)', () => {
    let env: Awaited<ReturnType<typeof signOnEnv>>;
    beforeAll(async () => {
      env = await signOnEnv({ OIDC_CLAIM: 'employee_no', OIDC_MATCH: 'employeeNo', OIDC_LABEL: '统一身份认证' }, () => ({
        wang: { employee_no: 'T2026-0042', email: 'wang@elsewhere.example' },
      }));
      // The admin records the person's 工号 when adding them.
      const admin = await env.t.tokenFor(env.demo.people.admin!);
      const added = await env.t.request('POST', '/api/v1/people', { token: admin, body: { name: '王老师', email: 'wang.laoshi@example.edu.cn', roles: ['staff'], unitId: env.demo.unitId, employeeNo: 't2026-0042' } });
      expect(added.status, added.text).toBe(201);
      expect(added.body.employeeNo).toBe('t2026-0042');
      const twice = await env.t.request('POST', '/api/v1/people', { token: admin, body: { name: '重号', email: 'other@example.edu.cn', roles: ['staff'], employeeNo: 'T2026-0042' } });
      expect(twice.status).toBe(409);
    }, 60_000);
    afterAll(() => env?.close());

    it('finds the person by the claim, case-insensitively, whatever address the provider gives', async () => {
      const { page, context } = await signOnInBrowser(browser, env.base, 'wang', '/login?next=%2Fapi%2Fv1%2Fme');
      const me = JSON.parse(await page.locator('body').innerText());
      expect(me.name).toBe('王老师');
      await context.close();
    }, 60_000);
  });
});
