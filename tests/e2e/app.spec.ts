import { test, expect } from '@playwright/test';

test('the app loads the runtime, shows the adapter and bandwidth, and answers a request', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // backend=cpu: every stage on its CPU path, the quick start on SwiftShader.
  await page.goto('/?backend=cpu');
  await expect(page.getByTestId('architecture')).toHaveText('swiftshader', { timeout: 120_000 });
  await expect(page.getByTestId('fallback')).toHaveText('yes');
  await expect(page.getByTestId('features')).toContainText('timestamp-query');
  // The bandwidth probe runs when the collapsed device panel is first opened.
  await page.getByTestId('device-details').locator('summary').click();
  await expect(page.getByTestId('bandwidth')).toHaveText(/^\d+\.\d\d GB\/s$/, { timeout: 60_000 });
  await expect(page.getByTestId('plan')).toContainText('forced');

  await page.getByTestId('text').fill('remember that the meeting moved to friday');
  await page.getByTestId('series').fill('0, 0.5, 0.9, 1, 0.8, 0.4, -0.1, -0.6, -0.9, -1, -0.7, -0.3');
  await page.getByTestId('send').click();
  await expect(page.getByTestId('decision')).not.toBeEmpty({ timeout: 60_000 });
  await expect(page.getByTestId('energy')).toHaveText(/^[\d.]+ (pJ|nJ|µJ|mJ|J)$/);
  await expect(page.getByTestId('timings')).toContainText('route');
  await expect(page.getByTestId('consensus-status')).toContainText('replicas');
  await expect(page.getByTestId('memory-stats')).toContainText('items');
  await page.screenshot({ path: 'test-results/app.png', fullPage: true });
  expect(errors).toEqual([]);
});
