import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { hasChromium, noSideways, recordOutside, seededBrowser, type SeededBrowser } from './browser';
import { prepareTour, TOUR, tourVisitors, type TourFixture } from './page-tour';

/** axe-core from node_modules, put into each page by the test: nothing comes from a CDN. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The WCAG 2 A/AA rules every page must pass: contrast, a name for every control, link and image,
 * the page's language and title, and the structure a screen reader walks (lists, tables, ARIA, ids).
 */
export const AXE_RULES = [
  'color-contrast', 'label', 'button-name', 'link-name', 'image-alt', 'select-name', 'html-has-lang', 'document-title',
  'html-lang-valid', 'input-button-name', 'input-image-alt', 'form-field-multiple-labels', 'frame-title', 'list', 'listitem',
  'definition-list', 'dlitem', 'th-has-data-cells', 'td-headers-attr', 'duplicate-id-aria', 'aria-allowed-attr', 'aria-required-attr',
  'aria-required-children', 'aria-required-parent', 'aria-valid-attr', 'aria-valid-attr-value', 'aria-roles', 'aria-hidden-focus',
  'aria-hidden-body', 'nested-interactive', 'meta-viewport', 'role-img-alt', 'svg-img-alt', 'autocomplete-valid', 'link-in-text-block',
];

const WIDTHS = [{ width: 1280, height: 900 }, { width: 390, height: 844 }];

interface Violation { rule: string; node: string; summary: string }

/** Runs axe-core's rules on the page as it stands (axe put in by the caller); one entry per failing node. */
async function axeViolations(page: Page): Promise<Violation[]> {
  return page.evaluate(async (rules) => {
    type Result = { violations: { id: string; nodes: { target: string[]; failureSummary?: string }[] }[] };
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<Result> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'rule', values: rules }, resultTypes: ['violations'] });
    return result.violations.flatMap((v) => v.nodes.map((n) => ({ rule: v.id, node: n.target.join(' '), summary: (n.failureSummary ?? '').replaceAll(/\s+/g, ' ') })));
  }, AXE_RULES);
}

const slug = (path: string) => path.replaceAll(/[^A-Za-z0-9]+/g, '-').slice(0, 60);

/**
 * Each page of the tour is loaded once, as the person who uses it: with every request to another
 * origin aborted and recorded (the offline test, test/offline-pages.test.ts, covers the rest), then
 * looked at on a laptop and, resized, on a phone (the CSS's media queries apply as the width changes).
 */
describe.skipIf(!hasChromium && !process.env.CI)('accessibility: every page passes axe-core at 1280 and 390 px, never scrolls sideways, and asks no other origin', () => {
  let s: SeededBrowser;
  let tour: TourFixture;
  let visitors: ReturnType<typeof tourVisitors>;
  // The test's own script tag needs the pages' CSP (scripts from this origin only) set aside.
  seededBrowser((fixture) => { s = fixture; visitors = tourVisitors(s.t, s.demo, s.browser, s.base, { bypassCSP: true }); }, {
    prepare: async (t, demo) => { tour = await prepareTour(t, demo); },
  });
  afterAll(async () => { await visitors?.close().catch(() => {}); });

  it.each(TOUR.map((stop) => ({ ...stop, name: `${stop.pattern}${stop.note ? ` (${stop.note})` : ''} as ${stop.as ?? 'nobody signed in'}` })))('$name', async (stop) => {
    const found: string[] = [];
    const path = stop.path(tour);
    const page = await (await visitors.context(stop.as)).newPage();
    const outside = await recordOutside(page, s.base);
    await page.setViewportSize(WIDTHS[0]!);
    const res = await page.goto(s.base + path, { waitUntil: 'networkidle' });
    expect(res?.headers()['content-type'], path).toContain('text/html');
    await stop.check(page, tour);
    await page.addScriptTag({ content: AXE_SOURCE });
    for (const viewport of WIDTHS) {
      await page.setViewportSize(viewport);
      for (const v of await axeViolations(page)) found.push(`${path} at ${viewport.width} px, ${v.rule}: ${v.node} — ${v.summary}`);
      // Usable on a phone: nothing wider than the screen, so no page scrolls sideways.
      if (!(await noSideways(page))) found.push(`${path} at ${viewport.width} px scrolls sideways`);
      await page.screenshot({ path: `test/artifacts/a11y${slug(stop.pattern + (stop.note ?? ''))}-${viewport.width}.png`, fullPage: true });
    }
    await page.close();
    expect(outside, `${path} asked another origin`).toEqual([]);
    expect(found).toEqual([]);
  }, 90_000);
});

/**
 * Presses Tab until the element matching `selector` has focus (never clicking), and records every
 * element passed on the way that shows no focus ring (a :focus-visible outline of 2 px or more).
 */
async function tabTo(page: Page, selector: string, unringed: Set<string>) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate((sel) => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return { here: false, ring: true, name: 'body' };
      const style = getComputedStyle(el);
      const ring = el.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
      return { here: el.matches(sel), ring, name: el.id || el.className || el.tagName };
    }, selector);
    if (!at.ring) unringed.add(at.name);
    if (at.here) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe.skipIf(!hasChromium && !process.env.CI)('the keyboard alone', () => {
  let s: SeededBrowser;
  seededBrowser((fixture) => { s = fixture; });

  it('signs in by the mailed link and submits a draft with Tab, typing, Space and Enter; every stop shows its focus ring', async () => {
    const email = await s.emailOf(s.demo.people.secretary!);
    const context = await s.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const unringed = new Set<string>();
    await page.goto(`${s.base}/login`);
    await tabTo(page, '#f-email', unringed);
    await page.keyboard.type(email);
    await page.keyboard.press('Enter');
    await page.locator('.notice.ok').waitFor();
    const mail = (await s.t.deliver()).find((m) => m.kind === 'sign_in' && m.to.email === email);
    // The mailed link, opened as a mail client opens it; its page's 登录 button signs in.
    await page.goto(s.base + new URL(mail!.link!).pathname);
    await tabTo(page, 'main button[type=submit]', unringed);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${s.base}/`);
    await tabTo(page, 'a[href="/drafts/new"]', unringed);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${s.base}/drafts/new`);
    await page.locator('.jodit-wysiwyg').waitFor();
    await tabTo(page, '#f-title', unringed);
    await page.keyboard.type('键盘提交的通知');
    await tabTo(page, '.jodit-wysiwyg', unringed);
    await page.keyboard.type('只用键盘写成的正文。');
    await tabTo(page, '#f-accountIds-0', unringed);
    if (!(await page.locator('#f-accountIds-0').isChecked())) await page.keyboard.press('Space');
    expect(await page.locator('#f-accountIds-0').isChecked()).toBe(true);
    await tabTo(page, '#submit-draft', unringed);
    await page.screenshot({ path: 'test/artifacts/keyboard-submit-390.png' });
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/drafts\/[0-9a-f-]{36}\?done=\w+$/);
    const id = new URL(page.url()).pathname.split('/')[2]!;
    const draft = await s.t.request('GET', `/api/v1/drafts/${id}`, { token: s.demo.tokens.admin });
    expect(draft.body).toMatchObject({ title: '键盘提交的通知', status: 'in_review' });
    expect(draft.body.body).toContain('只用键盘写成的正文。');
    expect([...unringed]).toEqual([]);
    await context.close();
  }, 120_000);
});
