import { existsSync } from 'node:fs';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { answerClientErrors } from '../src/lib/client-errors';
import type { AddressInfo } from 'node:net';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll } from 'vitest';
import { people } from '../db/schema';
import { createTestEnv, type TestEnv } from './harness';

/** Debian's Chromium, never a downloaded browser; flags keep it off the (closed) network. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Serves the test app on a loopback port, so the browser talks to the real HTTP stack; `arrived`
 * sees each request as the server received it (its headers as the browser sent them).
 */
export async function listen(t: TestEnv, arrived?: (req: Request) => void): Promise<{ url: string; server: ServerType }> {
  const fetch = arrived ? (req: Request, ...rest: unknown[]) => { arrived(req); return (t.runtime.app.fetch as (...a: unknown[]) => Response | Promise<Response>)(req, ...rest); } : t.runtime.app.fetch;
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve({ url: `http://127.0.0.1:${info.port}`, server }));
    // As src/node.ts serves it.
    answerClientErrors(server);
  });
}

/** The test app on a loopback port with Chromium ready to visit it; `close()` undoes both. */
export async function openBrowser(t: TestEnv): Promise<{ base: string; browser: Browser; close(): Promise<void> }> {
  const { url, server } = await listen(t);
  const browser = await launchBrowser();
  return {
    base: url,
    browser,
    async close() {
      await browser.close();
      server.close();
    },
  };
}

/** A person's browser: a context carrying the session cookie `t.signIn` got by the mailed link. */
export async function browserAs(t: TestEnv, browser: Browser, base: string, email: string, viewport = { width: 1280, height: 900 }, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const { cookie } = await t.signIn(email);
  const [name, value] = cookie.split('=') as [string, string];
  const context = await browser.newContext({ viewport, locale: 'zh-CN', acceptDownloads: true, ...options });
  await context.addCookies([{ name, value, url: base, httpOnly: true, sameSite: 'Lax' }]);
  return context;
}

/**
 * Aborts and records the page's every request to an origin other than `base`'s (a CDN script, a web
 * font, a telemetry beacon): campus networks block them, so no page may need one. With the pages'
 * CSP set aside (bypassCSP), this sees what the page's own code asks for, not only what CSP lets by.
 */
export async function recordOutside(page: Page, base: string): Promise<string[]> {
  const outside: string[] = [];
  const origin = new URL(base).origin;
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) return route.continue();
    outside.push(url);
    return route.abort('blockedbyclient');
  });
  return outside;
}

export const noSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

type Demo = Awaited<ReturnType<TestEnv['seed']>>;

/**
 * The demo people's addresses, to sign them in by mail: by role (`section_head`), or by
 * `<name>.<role>` when several colleges are seeded (`{ a, b }` gives `a.section_head`, `b.…`).
 */
export async function emailsOf(t: TestEnv, demos: Demo | Record<string, Demo>): Promise<Record<string, string>> {
  const named: [string, Demo][] = 'people' in demos && 'tokens' in demos ? [['', demos as Demo]] : Object.entries(demos as Record<string, Demo>);
  const ids = named.flatMap(([, d]) => Object.values(d.people) as string[]);
  const rows = await t.runtime.database.db.select({ id: people.id, email: people.email }).from(people).where(inArray(people.id, ids));
  const byId = new Map(rows.map((r) => [r.id, r.email]));
  return Object.fromEntries(named.flatMap(([name, d]) => Object.entries(d.people).map(([role, id]) => [name ? `${name}.${role}` : role, byId.get(id as string)!])));
}

export interface SeededBrowser { t: TestEnv; demo: Demo; browser: Browser; base: string; emailOf(personId: string): Promise<string> }

/**
 * A page suite's fixture: a Postgres service seeded with the demo college and Chromium open on it,
 * made before the suite's tests (`prepare` runs between seeding and opening the browser) and closed
 * after them. `assign` hands the fixture to the suite's own variables, which its tests then use.
 */
export function seededBrowser(assign: (s: SeededBrowser) => void, options: { env?: Record<string, string>; prepare?: (t: TestEnv, demo: Demo) => Promise<void> } = {}) {
  let close: (() => Promise<void>) | undefined;
  let t: TestEnv | undefined;
  beforeAll(async () => {
    t = await createTestEnv('postgres', options.env);
    const env = t;
    const demo = await env.seed();
    await options.prepare?.(env, demo);
    const opened = await openBrowser(env);
    close = opened.close;
    const emailOf = async (id: string) => (await env.request('GET', `/api/v1/people/${id}`, { token: demo.tokens.admin })).body.email as string;
    assign({ t: env, demo, browser: opened.browser, base: opened.base, emailOf });
  }, 60_000);
  afterAll(async () => {
    await close?.();
    await t?.close();
  });
}
