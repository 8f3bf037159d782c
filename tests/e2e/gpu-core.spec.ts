import { test, expect, type AuraWindow } from './fixtures';

test('WebGPU on SwiftShader: scale kernel equals its CPU reference at boundary sizes', async ({ auraPage }) => {
  const result = await auraPage.evaluate(async () => {
    const { acquireGpu, scaleGpu, scaleCpu } = (window as unknown as AuraWindow).aura;
    const ctx = await acquireGpu();
    const out: Array<{ n: number; maxDiff: number }> = [];
    for (const n of [1, 259, 65_536 * 256 + 5]) {
      const x = new Float32Array(n).map((_, i) => ((i * 7919) % 1000) / 37 - 13);
      const { y } = await scaleGpu(ctx, x, 2.5);
      const ref = scaleCpu(x, 2.5);
      let maxDiff = 0;
      for (let i = 0; i < n; i++) maxDiff = Math.max(maxDiff, Math.abs(y[i] - ref[i]));
      out.push({ n, maxDiff });
    }
    const adapter = ctx.adapter;
    ctx.destroy();
    return { out, adapter };
  });
  expect(result.adapter.host).toBe('browser');
  expect(result.adapter.isFallback).toBe(true);
  for (const { maxDiff } of result.out) expect(maxDiff).toBe(0);
});

test('a destroyed device is followed by a successful call on a new device', async ({ auraPage }) => {
  const result = await auraPage.evaluate(async () => {
    const { GpuRuntime, scaleGpu } = (window as unknown as AuraWindow).aura;
    const runtime = new GpuRuntime();
    const events: string[] = [];
    runtime.on((e) => events.push(e.type));
    const first = await runtime.context();
    first.device.destroy();
    await first.device.lost;
    const second = await runtime.context();
    const { y } = await scaleGpu(second, new Float32Array([1, 2, 3]), 2);
    await runtime.destroy();
    return { same: first.device === second.device, y: [...y], events };
  });
  expect(result.same).toBe(false);
  expect(result.y).toEqual([2, 4, 6]);
  expect(result.events).toContain('lost');
});
