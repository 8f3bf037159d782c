import { describe, expect, it } from 'vitest';
import { DeviceLostError } from '../../../src/errors';
import { createAura } from '../../../src/runtime/create-aura';
import { acquireGpu } from '../../../src/gpu/device';
import { raceDeviceLoss } from '../../../src/gpu/device-lost';
import type { UnifiedResponse } from '../../../src/pipeline/response';

/**
 * `aura.gpu.device.destroy()` while requests run on the GPU paths (Dawn): the requests in flight fail
 * with DeviceLostError (not an untyped TypeError), the runtime acquires a new device, and later
 * requests give the same answers as before the loss. Then the pool, after a burst and idle, holds no
 * more than its budget.
 */
const requests = [
  { id: 'text', text: 'remember that the backup of the photos finished last night' },
  { id: 'sine', series: Array.from({ length: 48 }, (_, t) => Math.sin(t / 5)) },
  { id: 'spikes', series: Array.from({ length: 32 }, (_, t) => (t % 4 === 0 ? 1 : 0)) },
  { id: 'both', text: 'how warm is the greenhouse', series: [18, 19, 21, 24, 26, 25, 23, 20] },
];

/** A response without its timings (they differ run to run). */
function answer(r: UnifiedResponse) {
  return {
    decision: r.decision,
    confidence: r.confidence,
    route: r.route.selected.map((s) => [s.service, s.weight]),
    services: Object.fromEntries(Object.entries(r.services).map(([name, o]) => [name, { status: o?.status, path: o?.path, decision: o?.decision }])),
  };
}

describe('device loss under createAura (Node, Dawn)', () => {
  it('in-flight requests get DeviceLostError; after recovery the same answers', async () => {
    const aura = await createAura({ backend: { language: 'cpu', neuromorphic: 'gpu', lnn: 'gpu', router: 'gpu' }, planStore: false, services: ['language', 'neuromorphic', 'lnn'] });
    try {
      expect(aura.gpu.owned).toBe(true);
      const before: ReturnType<typeof answer>[] = [];
      for (const r of requests) before.push(answer(await aura.infer(r)));

      // Mid-stream: the device is destroyed right after the first GPU submission of the next requests,
      // while that work is in flight.
      const lostDevice = aura.gpu.device;
      const queue = lostDevice.queue;
      const submit = queue.submit.bind(queue);
      queue.submit = (buffers: Iterable<GPUCommandBuffer>) => {
        submit(buffers);
        lostDevice.destroy();
      };
      const inFlight = requests.map((r) => aura.infer({ ...r, id: `${r.id}-in-flight` }));
      const settled = await Promise.allSettled(inFlight);
      const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason);
      expect(failures.length).toBeGreaterThan(0);
      for (const failure of failures) {
        expect(failure).toBeInstanceOf(DeviceLostError);
        expect((failure as DeviceLostError).code).toBe('DEVICE_LOST');
      }
      expect(aura.metrics()).toMatch(/aura_requests_total\{outcome="device_lost"\} [1-9]/);

      const after: ReturnType<typeof answer>[] = [];
      for (const r of requests) after.push(answer(await aura.infer(r)));
      expect(aura.gpu.device).not.toBe(lostDevice);
      after.forEach((a, i) => {
        expect(a.decision, requests[i].id).toEqual(before[i].decision);
        expect(a.route, requests[i].id).toEqual(before[i].route);
        expect(a.services, requests[i].id).toEqual(before[i].services);
        expect(a.confidence).toBe(before[i].confidence);
      });
      for (const a of after) for (const s of Object.values(a.services)) expect(s.status).toBe('ok');
    } finally {
      await aura.destroy();
    }
  });

  it('after 500 concurrent requests and idle, live plus free pooled bytes are under the budget', async () => {
    const aura = await createAura({ backend: { language: 'cpu', neuromorphic: 'gpu', lnn: 'gpu', router: 'gpu' }, planStore: false, services: ['language', 'neuromorphic', 'lnn'] });
    try {
      const pool = aura.gpu.pool;
      const burst = Array.from({ length: 500 }, (_, i) => aura.infer({ ...requests[i % requests.length], id: `burst-${i}`, timeoutMs: 600_000 }));
      const responses = await Promise.all(burst);
      expect(responses).toHaveLength(500);
      await new Promise((resolve) => setTimeout(resolve, pool.idleMs * 2 + 200));
      const stats = pool.stats();
      expect(stats.bytes).toBeLessThanOrEqual(pool.budgetBytes);
      expect(stats.freeBuffers).toBe(0);
      expect(stats.liveBuffers).toBe(0);
    } finally {
      await aura.destroy();
    }
  });
});

// The language service races each BERT run on onnxruntime-web's device against that device's loss, so
// a run the lost device never finishes cannot hold a request (Chromium: tests/e2e/device-loss.spec.ts).
describe('raceDeviceLoss (Node, Dawn)', () => {
  it('work that never ends fails with DeviceLostError once its device is lost; finished work keeps its result or error', async () => {
    const ctx = await acquireGpu();
    const { device } = ctx;
    expect(await raceDeviceLoss(device, Promise.resolve(7))).toBe(7);
    const bad = new RangeError('not a loss');
    await expect(raceDeviceLoss(device, Promise.reject(bad))).rejects.toBe(bad);
    const never = raceDeviceLoss(device, new Promise<number>(() => {}));
    const t0 = performance.now();
    device.destroy();
    const error = await never.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceLostError);
    expect((error as DeviceLostError).code).toBe('DEVICE_LOST');
    expect(performance.now() - t0).toBeLessThan(5_000);
    // On a device already lost, work still racing fails at once too.
    await expect(raceDeviceLoss(device, new Promise<number>(() => {}))).rejects.toBeInstanceOf(DeviceLostError);
  }, 30_000);
});
