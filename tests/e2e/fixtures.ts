import { test as base, expect, type Page } from '@playwright/test';

/** GPU errors that Chromium reports on the console rather than to the page. */
const GPU_ERROR = /WebGPU|GPUValidationError|Validation Error|uncaptured|device lost/i;

/**
 * `auraPage`: the harness page with `window.aura` (the public API) loaded. The test fails on any
 * WebGPU validation error printed by Chromium or any uncaught page error, and the page is closed after.
 */
export const test = base.extend<{ auraPage: Page }>({
  auraPage: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (msg) => {
      if ((msg.type() === 'error' || msg.type() === 'warning') && GPU_ERROR.test(msg.text())) errors.push(msg.text());
    });
    page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
    await page.goto('/tests/e2e/harness.html');
    await page.waitForFunction(() => (window as unknown as { auraReady?: boolean }).auraReady === true);
    await use(page);
    await page.close();
    expect(errors, 'GPU validation or page errors during the test').toEqual([]);
  },
});

export { expect };

/** The origin the harness page is served from (playwright.config.ts): blob servers allow it for CORS. */
export const E2E_ORIGIN = `http://localhost:${Number(process.env.AURA_E2E_PORT ?? 5174)}`;

/** The public API as seen inside the page (for typing page.evaluate bodies). */
export type AuraModule = typeof import('../../src/index');
export type AuraWindow = Window & { aura: AuraModule };
