import type { Page } from 'playwright-core';

/** Ticks the person named in a people picker, typing part of the name into its filter first. */
export async function pick(page: Page, field: string, name: string) {
  const box = page.locator(`#f-${field}`);
  await box.getByLabel(/筛选|Filter/).fill(name.slice(0, 2));
  await box.locator('label.choice:visible', { hasText: name }).first().locator('input').check();
}
