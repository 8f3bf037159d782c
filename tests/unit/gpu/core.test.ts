import { afterEach, describe, expect, it } from 'vitest';
import { acquireGpu, adoptDevice } from '../../../src/gpu/device';
import { BufferPool } from '../../../src/gpu/buffer-pool';
import { STORAGE } from '../../../src/gpu/buffers';
import { cachedPipelineCount, pipelineKey } from '../../../src/gpu/pipeline-cache';
import { GpuRuntime } from '../../../src/gpu/runtime';
import { loadWgsl } from '../../../src/gpu/wgsl';
import { scaleGpu, scalePipeline } from '../../../src/kernels/scale';
import { DeviceLostError, GpuUnavailableError, InvalidInputError } from '../../../src/errors';
import { testGpu, withGpu } from '../../helpers/gpu';

describe('device acquisition', () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  afterEach(() => {
    if (saved) Object.defineProperty(globalThis, 'navigator', saved);
    else delete (globalThis as { navigator?: unknown }).navigator;
  });

  it('reports the adapter, its features and limits', async () => {
    const ctx = await testGpu();
    expect(ctx.adapter.host).toBe('node');
    expect(ctx.adapter.architecture).toBe('swiftshader');
    expect(ctx.adapter.isFallback).toBe(true);
    expect(ctx.features).toContain('timestamp-query');
    expect(ctx.limits.maxComputeWorkgroupsPerDimension).toBeGreaterThanOrEqual(65_535);
  });

  it('no adapter gives a typed error that says what to install or enable', async () => {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: { requestAdapter: async () => null } }, configurable: true });
    const error = await acquireGpu().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GpuUnavailableError);
    expect((error as GpuUnavailableError).hint).toMatch(/Vulkan|chromium|enable/i);
  });
});

describe('pipeline cache', () => {
  it('keys ignore the order of override constants', () => {
    expect(pipelineKey({ shader: 's', code: '', constants: { A: 1, B: 2 } })).toBe(pipelineKey({ shader: 's', code: '', constants: { B: 2, A: 1 } }));
    expect(pipelineKey({ shader: 's', code: '', constants: { A: 1 } })).not.toBe(pipelineKey({ shader: 's', code: '', constants: { A: 2 } }));
  });

  it('builds a pipeline once per device, for every size', () =>
    withGpu(async (ctx) => {
      const first = scalePipeline(ctx.device);
      const before = cachedPipelineCount(ctx.device);
      await scaleGpu(ctx, new Float32Array(10), 1);
      await scaleGpu(ctx, new Float32Array(1000), 1);
      expect(scalePipeline(ctx.device)).toBe(first);
      expect(cachedPipelineCount(ctx.device)).toBe(before);
    }));
});

describe('buffer pool', () => {
  it('rounds to power-of-two buckets and reuses released buffers', () =>
    withGpu(async (ctx) => {
      expect(BufferPool.bucketSize(1)).toBe(256);
      expect(BufferPool.bucketSize(257)).toBe(512);
      const pool = new BufferPool(ctx.device);
      const a = pool.acquire(300, STORAGE);
      expect(a.size).toBe(512);
      await pool.releaseAfterSubmit(a);
      expect(pool.acquire(400, STORAGE)).toBe(a);
      expect(pool.acquire(400, STORAGE)).not.toBe(a);
      expect(pool.stats().liveBuffers).toBe(2);
      pool.destroy();
      expect(() => pool.acquire(4, STORAGE)).toThrow(/destroy/);
    }));

  it('keeps at most its byte budget: a released buffer past it is destroyed, not kept', () =>
    withGpu(async (ctx) => {
      const budget = 1 << 20;
      const pool = new BufferPool(ctx.device, { budgetBytes: budget, idleMs: 60_000 });
      // One 100,000-value request: a 512 KiB bucket, then three more of them at once.
      const big = [0, 1, 2, 3].map(() => pool.acquire(100_000 * 4, STORAGE));
      expect(pool.stats().liveBytes).toBe(4 * 512 * 1024);
      pool.release(...big);
      expect(pool.stats().bytes).toBeLessThanOrEqual(budget);
      expect(pool.stats().freeBuffers).toBe(2);
      pool.destroy();
    }));

  it('destroys free buffers left idle for idleMs', () =>
    withGpu(async (ctx) => {
      const pool = new BufferPool(ctx.device, { idleMs: 50 });
      pool.release(...Array.from({ length: 20 }, (_, i) => pool.acquire(256 * (i + 1), STORAGE)));
      expect(pool.stats().freeBuffers).toBe(20);
      await new Promise((r) => setTimeout(r, 200));
      expect(pool.stats()).toMatchObject({ liveBuffers: 0, freeBuffers: 0, bytes: 0 });
      pool.destroy();
    }));
});

describe('device ownership', () => {
  it('an adopted device has one context and pool, and its destroy() leaves the device alive', async () => {
    const owner = await acquireGpu();
    expect(owner.owned).toBe(true);
    const adopted = adoptDevice(owner.device);
    expect(adoptDevice(owner.device)).toBe(adopted);
    expect(adopted.pool).toBe(owner.pool);
    const runtime = GpuRuntime.adopt(owner.device);
    expect((await runtime.context()).owned).toBe(false);
    expect(runtime.view.owned).toBe(false);
    await runtime.destroy();
    adopted.destroy();
    // Still usable: nobody but its owner destroyed it.
    const { y } = await scaleGpu(owner, new Float32Array([1, 2]), 2);
    expect([...y]).toEqual([2, 4]);
    owner.destroy();
    const info = await owner.device.lost;
    expect(info.reason).toBe('destroyed');
  });

  it("the runtime's view follows the new device after a loss; in-flight work fails with DeviceLostError", async () => {
    const runtime = await GpuRuntime.acquire();
    const first = runtime.view.device;
    const recovered = new Promise((resolve) => runtime.on((e) => e.type === 'recovered' && resolve(e)));
    const pending = scaleGpu(runtime.view, new Float32Array(4096), 2);
    first.destroy();
    await expect(pending).rejects.toBeInstanceOf(DeviceLostError);
    await recovered;
    expect(runtime.view.device).not.toBe(first);
    const { y } = await scaleGpu(runtime.view, new Float32Array([1, 2]), 3);
    expect([...y]).toEqual([3, 6]);
    await runtime.destroy();
  });
});

describe('timing', () => {
  it('uses timestamp-query where the device has it and says so', () =>
    withGpu(async (ctx) => {
      const { timing } = await scaleGpu(ctx, new Float32Array(4096), 2);
      expect(timing.source).toBe(ctx.hasTimestamps ? 'gpu-timestamp' : 'cpu');
      expect(timing.ms).toBeGreaterThan(0);
    }));
});

describe('WGSL loader', () => {
  it('loads shaders/wgsl files and names a missing one', () => {
    expect(loadWgsl('scale')).toContain('@compute');
    expect(() => loadWgsl('no-such-shader')).toThrow(InvalidInputError);
  });
});

describe('device loss', () => {
  it('after device.destroy() the next call runs on a new device with rebuilt pipelines', async () => {
    const runtime = new GpuRuntime();
    const events: string[] = [];
    runtime.on((e) => events.push(e.type));
    const first = await runtime.context();
    await scaleGpu(first, new Float32Array([1]), 2);
    first.device.destroy();
    await first.device.lost;
    const second = await runtime.context();
    expect(second.device).not.toBe(first.device);
    const { y } = await scaleGpu(second, new Float32Array([1, 2]), 3);
    expect([...y]).toEqual([3, 6]);
    expect(events).toEqual(['lost', 'recovered']);
    expect(runtime.errors[0]?.code).toBe('DEVICE_LOST');
    await runtime.destroy();
  });
});
