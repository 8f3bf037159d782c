import { readFileSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';

const gallery = JSON.parse(readFileSync(new URL('../../src/app/gallery.json', import.meta.url), 'utf8')) as { examples: Array<{ id: string; expect: string }> };

/** What each gallery example's answer says, by the service that should answer it. */
const EXPECTED: Record<string, RegExp> = {
  spam: /^(spam|ham) \(p=\d\.\d{3}\)/,
  ham: /^(spam|ham) \(p=\d\.\d{3}\)/,
  digit: /^It's a \d \(p=\d\.\d\d\)\. [\d,]+ spikes, [\d.]+ [pnµm]?J; the same-size ANN: [\d.]+ [pnµm]?J\.$/,
  births: /^Forecast: next [\d,.]+ \(95 % interval [\d,.]+ to [\d,.]+\), then/,
  remember: /^Remembered "the backup finished at 2 am last night" \(stored in L\d/,
  recall: /^You said: "the backup finished at 2 am last night" \(similarity \d\.\d\d\)/,
  agree: /replicas agreed on your request/,
};

/** Saturated (non-grey) pixels inside a canvas's plot area: lines and spikes, not axes or grid. */
async function inkedPixels(page: Page, selector: string, margin: { left: number; top: number; right: number; bottom: number }, dark: boolean): Promise<number> {
  return page.locator(selector).first().evaluate((node, { m, dark }) => {
    const canvas = node as HTMLCanvasElement;
    const ctx = canvas.getContext('2d')!;
    const w = canvas.width - m.left - m.right;
    const h = canvas.height - m.top - m.bottom;
    const { data } = ctx.getImageData(m.left, m.top, w, h);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
      if (a === 0) continue;
      const saturated = Math.max(r, g, b) - Math.min(r, g, b) > 60;
      if (dark ? r + g + b < 150 : saturated) n++;
    }
    return n;
  }, { m: margin, dark });
}

test('a person opens the app and tries every example: each gets its kind of answer, no errors, charts that drew', async ({ page }, testInfo) => {
  test.setTimeout(600_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (msg) => msg.type() === 'error' && errors.push(`console error: ${msg.text()}`));
  // backend=cpu: every stage on its CPU path (the quick start on SwiftShader); a fresh profile per test.
  await page.goto('/?backend=cpu');
  await expect(page.getByTestId('load-progress')).toBeVisible();
  await expect(page.getByTestId('gallery')).toBeVisible({ timeout: 240_000 });
  await expect(page.getByTestId('memory-items')).toContainText('Nothing stored yet');
  for (const example of gallery.examples) {
    await page.getByTestId(`example-${example.id}`).click();
    const answer = page.getByTestId('answer');
    await expect(answer, example.id).toHaveText(EXPECTED[example.id], { timeout: 120_000 });
    await expect(answer).toHaveClass(new RegExp(`answer-${example.expect}`));
    // Energy rows in readable units, the total last.
    await expect(page.getByTestId('energy')).toHaveText(/^[\d.]+ (pJ|nJ|µJ|mJ|J)$/);
    const shot = testInfo.outputPath(`answer-${example.id}.png`);
    await page.getByTestId('response').screenshot({ path: shot });
    await testInfo.attach(`answer-${example.id}`, { path: shot, contentType: 'image/png' });
  }
  await expect(page.getByTestId('memory-items')).toContainText('the backup finished at 2 am last night');
  await expect(page.getByTestId('consensus-status')).toContainText('replicas');
  // The forecast chart drew coloured lines in its plot area; the raster drew spikes inside its axes.
  const lnnInk = await inkedPixels(page, '[data-testid=lnn-chart] canvas', { left: 60, top: 10, right: 10, bottom: 50 }, false);
  const rasterInk = await inkedPixels(page, '[data-testid=raster]', { left: 44, top: 8, right: 8, bottom: 30 }, true);
  expect(lnnInk, 'LNN chart lines').toBeGreaterThan(200);
  expect(rasterInk, 'raster spikes').toBeGreaterThan(20);
  await page.screenshot({ path: testInfo.outputPath('app.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('no expert fits: a plain "I can\'t help with that"; the digit pad is usable from the keyboard', async ({ page }) => {
  test.setTimeout(300_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  await page.goto('/?backend=cpu');
  await expect(page.getByTestId('gallery')).toBeVisible({ timeout: 240_000 });
  await page.getByLabel('Your request').fill('Write me a haiku about autumn leaves');
  await page.getByLabel('Your request').press('Control+Enter');
  await expect(page.getByTestId('answer')).toHaveText(/^I can't help with that\./, { timeout: 120_000 });
  // Keyboard: focus the pad's first cell, ink it and its right neighbour.
  await page.getByRole('button', { name: 'row 1, column 1' }).focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
  await expect(page.getByLabel('Numbers (optional): a daily series, or 64 pixel values')).toHaveValue(/^16, 16, 0, /);
  expect(errors).toEqual([]);
});
