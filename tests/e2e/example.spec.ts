import { test, expect } from '@playwright/test';

// The built library (dist/lib, from `npm run build`, which `npm test` runs first) embedded in plain HTML.
test('a plain HTML page embeds the built ES module and runs a request', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/examples/embed.html');
  await expect(page.locator('#out')).toContainText('ready on google swiftshader', { timeout: 60_000 });
  await page.locator('#run').click();
  await expect(page.locator('#out')).toContainText('"decision"');
  const shown = JSON.parse(await page.locator('#out').textContent() as string);
  expect(['lnn', 'neuromorphic']).toContain(shown.decision.service);
  expect(shown.energyPj).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});
