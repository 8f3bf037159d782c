import { test, expect } from '@playwright/test';

test('the app shows the adapter and a measured bandwidth', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('architecture')).toHaveText('swiftshader');
  await expect(page.getByTestId('fallback')).toHaveText('yes');
  await expect(page.getByTestId('features')).toContainText('timestamp-query');
  await expect(page.getByTestId('bandwidth')).toHaveText(/^\d+\.\d\d GB\/s$/, { timeout: 60_000 });
});
