import type { Page } from 'playwright-core';

/** Ticks the person named in a people picker: types part of the name into its search box and waits for the match. */
export async function pick(page: Page, field: string, name: string) {
  const box = page.locator(`#f-${field}`);
  await box.getByLabel(/搜索|Search/).fill(name.slice(0, 2));
  await box.locator('label.choice', { hasText: name }).first().locator('input').check();
}
