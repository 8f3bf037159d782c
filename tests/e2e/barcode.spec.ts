import { test, expect } from './fixtures';

// The memory panel's barcode component, drawn by Chromium from a real diagram: the stored series'
// diagram comes from the memory service (signatureOf), and the canvas's pixels are read back.
test('the barcode of a stored noisy sine draws its H0 and H1 bars on the canvas', async ({ auraPage }) => {
  const result = await auraPage.evaluate(async () => {
    const { MemoryService } = (window as unknown as { aura: typeof import('../../src/index') }).aura;
    const { barcodeCanvas, BARCODE_COLORS } = (await import('/src/app/barcode.ts' as string)) as typeof import('../../src/app/barcode');
    const memory = await MemoryService.open({ name: `e2e-barcode-${Date.now()}`, dimension: 2, backend: 'cpu' });
    const series = Array.from({ length: 160 }, (_, t) => Math.sin((2 * Math.PI * t) / 40) + 0.05 * Math.sin(t * 12.9898));
    await memory.store({ key: 'sine', data: 'a noisy sine', shape: { series } });
    const { diagram } = await memory.signatureOf({ series });
    await memory.close();
    const canvas = barcodeCanvas(diagram);
    document.body.append(canvas);
    const ctx = canvas.getContext('2d')!;
    const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
    const count = (rgb: number[]) => {
      let n = 0;
      for (let i = 0; i < pixels.length; i += 4) if (Math.abs(pixels[i] - rgb[0]) + Math.abs(pixels[i + 1] - rgb[1]) + Math.abs(pixels[i + 2] - rgb[2]) < 12) n++;
      return n;
    };
    const longestLoop = Math.max(...diagram.h1.map((b) => b.death - b.birth));
    return { h0Pixels: count(hex(BARCODE_COLORS.h0)), h1Pixels: count(hex(BARCODE_COLORS.h1)), h0: diagram.h0.length, h1: diagram.h1.length, longestLoop, label: canvas.getAttribute('aria-label'), visible: canvas.getBoundingClientRect().width };
  });
  expect(result.h1).toBeGreaterThan(0);
  expect(result.longestLoop).toBeGreaterThan(1); // the sine's loop
  expect(result.h0Pixels).toBeGreaterThan(500); // 150-odd H0 bars, 2 px thick
  expect(result.h1Pixels).toBeGreaterThan(100); // the loop's bar alone is > 100 px long
  expect(result.label).toBe(`persistence barcode: ${result.h0} H0 bars, ${result.h1} H1 bars`);
  expect(result.visible).toBe(480);
  await auraPage.locator('[data-testid=shape-barcode]').screenshot({ path: test.info().outputPath('barcode.png') });
});
