import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAura, type Aura } from '../../../src/runtime/create-aura';

/**
 * A timeout stops the work, not only the wait: the liquid network reads a long series in chunks and
 * checks the deadline between them, so a request that timed out stops within one chunk and the next
 * request is not held up behind it. The bounds are of behaviour (a chunk is a few ms here), not a benchmark.
 */
describe('a timed-out request', () => {
  let aura: Aura;
  beforeAll(async () => {
    aura = await createAura({ backend: 'cpu', planStore: false, services: ['lnn'] });
    await aura.infer({ series: [1, 2, 3] }); // warm
  });
  afterAll(() => aura.destroy());
  // A failed test must not leave its spy on lnn.infer for the next one to wrap.
  afterEach(() => vi.restoreAllMocks());

  it('after a 100,000-value request with timeoutMs 50, a small request is answered within 100 ms of it', async () => {
    const series = Array.from({ length: 100_000 }, (_, t) => Math.sin(t / 50));
    const lnn = aura.services.lnn!;
    // Warm the code that reads a long series (validation, router features, standardising) once.
    await aura.infer({ series, timeoutMs: 50 }).catch(() => {});
    const started: number[] = [];
    const original = lnn.infer.bind(lnn);
    const infer = vi.spyOn(lnn, 'infer').mockImplementation((request) => {
      started.push(performance.now());
      return original(request);
    });
    const t0 = performance.now();
    const error = await aura.infer({ series, timeoutMs: 50 }).catch((e: unknown) => e);
    const failedAt = performance.now();
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    // It stopped at its deadline, not after the whole series ran (hundreds of chunks, 1.2–1.8 s before
    // this change). The deadline is checked before each chunk; t0 is taken a little before the request's
    // deadline starts, so on a loaded machine one more chunk may start after t0 + 50 ms.
    expect(started.filter((t) => t > t0 + 50).length).toBeLessThanOrEqual(2);
    const small = await aura.infer({ series: [1, 2, 3, 4, 5] });
    const gap = performance.now() - failedAt;
    expect(small.decision.service).toBe('lnn');
    console.log(`100,000 values, timeoutMs 50: failed after ${(failedAt - t0).toFixed(0)} ms; the next small request answered ${gap.toFixed(1)} ms later`);
    expect(gap).toBeLessThan(100);
    // And the long request stopped: no chunk of it runs once it has failed.
    const calls = infer.mock.calls.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(infer.mock.calls.length).toBe(calls);
    infer.mockRestore();
  });

  it('cancelled while its series is being read, a request stops at the next chunk', async () => {
    const series = Array.from({ length: 100_000 }, (_, t) => Math.cos(t / 40));
    const lnn = aura.services.lnn!;
    const controller = new AbortController();
    let calls = 0;
    let callsAtAbort = 0;
    const original = lnn.infer.bind(lnn);
    const infer = vi.spyOn(lnn, 'infer').mockImplementation((request) => {
      if (++calls === 3) {
        controller.abort();
        callsAtAbort = calls;
      }
      return original(request);
    });
    const error = await aura.infer({ series, signal: controller.signal, timeoutMs: 600_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CANCELLED' });
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(callsAtAbort); // the chunk running when it was cancelled was the last
    infer.mockRestore();
  });

  it('a long series read in chunks is answered exactly as one run of the whole sequence', async () => {
    const series = Array.from({ length: 5_000 }, (_, t) => Math.sin(t / 30) + 0.1 * Math.cos(t / 7));
    const response = await aura.infer({ series });
    const output = response.services.lnn!.output as { forecast: number; prediction: number[]; dynamics: unknown };
    const { standardise } = await import('../../../src/services/lnn/standardise');
    const { z, mean, scale } = standardise(Float32Array.from(series));
    const whole = await aura.services.lnn!.infer({ sequence: [Array.from(z, (v) => [v])], returnDynamics: true });
    expect(output.forecast).toBe(whole.output[(whole.shape[1] - 1) * whole.shape[2]] * scale + mean);
    expect(output.dynamics).toEqual(whole.dynamics);
    expect(output.prediction).toHaveLength(5_000);
  });
});

describe('on the GPU path (Dawn)', () => {
  it('a long series is submitted in chunks, and answered as one run of the whole sequence', async () => {
    const aura = await createAura({ backend: { lnn: 'gpu', router: 'cpu' }, planStore: false, services: ['lnn'] });
    try {
      const lnn = aura.services.lnn!;
      expect(lnn.path).toBe('gpu');
      const series = Array.from({ length: 300 }, (_, t) => Math.sin(t / 20));
      const infer = vi.spyOn(lnn, 'infer');
      const response = await aura.infer({ series });
      expect(infer.mock.calls.length).toBeGreaterThan(1); // chunks: a timed-out request stops submitting between them
      infer.mockRestore();
      const output = response.services.lnn!.output as { forecast: number; dynamics: { mean: number } };
      const { standardise } = await import('../../../src/services/lnn/standardise');
      const { z, mean, scale } = standardise(Float32Array.from(series));
      const whole = await lnn.infer({ sequence: [Array.from(z, (v) => [v])], returnDynamics: true });
      expect(output.forecast).toBeCloseTo(whole.output[(whole.shape[1] - 1) * whole.shape[2]] * scale + mean, 5);
      expect(output.dynamics.mean).toBeCloseTo(whole.dynamics.mean, 5);
    } finally {
      await aura.destroy();
    }
  });
});
