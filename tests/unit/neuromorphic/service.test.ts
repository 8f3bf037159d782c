import { describe, expect, it } from 'vitest';
import { BufferTooLargeError, GpuUnavailableError, InvalidInputError } from '../../../src/errors';
import { createFeedForwardSnn } from '../../../src/services/neuromorphic/network';
import { SNN_E_AC_PJ, SNN_E_MAC_PJ } from '../../../src/metrics/energy';
import { SnnEncodingRangeError } from '../../../src/services/neuromorphic/errors';
import { NeuromorphicService, type NeuromorphicRequest } from '../../../src/services/neuromorphic/service';
import { withGpu } from '../../helpers/gpu';

const features = Array.from({ length: 16 }, (_, i) => ((i * 37) % 16) / 16);

describe('NeuromorphicService.process', () => {
  it('the default model answers with every field; GPU and CPU paths give the same spikes and energy', () =>
    withGpu(async (ctx) => {
      const gpu = new NeuromorphicService(ctx, { backend: 'gpu' });
      const cpu = new NeuromorphicService(null, { backend: 'cpu' });
      try {
        const req: NeuromorphicRequest = { input: features, timeSteps: 25, encoding: { kind: 'rate', seed: 4 }, raster: true };
        const g = await gpu.process(req);
        const c = await cpu.process(req);
        expect(g.path).toBe('gpu');
        expect(c.path).toBe('cpu');
        expect(g.outputShape).toEqual([1, 4]);
        expect(Array.from(g.output)).toEqual(Array.from(c.output));
        for (const v of g.output) expect(v >= 0 && v <= 1).toBe(true);
        expect(g.spikeCount).toBe(c.spikeCount);
        expect(g.spikeCount).toBeGreaterThan(0);
        expect(g.synapticOps).toBe(c.synapticOps);
        expect(g.energyPj).toBe(c.energyPj);
        expect(g.energyModel).toBe('horowitz-45nm');
        // SOPs: input spikes × 64 (fan-out into the hidden layer) + hidden spikes × 4; no MACs for spikes.
        expect(g.macs).toBe(0);
        expect(g.energyPj).toBeCloseTo(g.synapticOps * SNN_E_AC_PJ, 6);
        expect(g.energyPerSpikePj).toBeCloseTo(g.energyPj / g.spikeCount, 9);
        expect(g.spikeRate).toBeCloseTo(g.spikeCount / ((64 + 4) * 25), 12);
        expect(g.sparsity).toBeCloseTo(1 - g.spikeRate, 12);
        expect(g.membrane.length).toBe(4);
        expect(g.threshold.length).toBe(1);
        expect(g.raster?.spikes.length).toBe(25 * 4);
        expect(g.raster?.spikes.reduce((a, b) => a + b, 0)).toBe(Math.round(g.output.reduce((a, b) => a + b, 0) * 25));
        expect(g.timing.ms).toBeGreaterThan(0);
      } finally {
        gpu.destroy();
      }
    }));

  it('direct current counts dense MACs on the first layer exactly (T × in × out), on both paths', () =>
    withGpu(async (ctx) => {
      const gpu = new NeuromorphicService(ctx, { backend: 'gpu' });
      const cpu = new NeuromorphicService(null, { backend: 'cpu' });
      try {
        const req: NeuromorphicRequest = { input: [features, features.map((x) => 1 - x)], timeSteps: 10, encoding: 'direct' };
        const g = await gpu.process(req);
        const c = await cpu.process(req);
        expect(g.macs).toBe(2 * 10 * 16 * 64);
        expect(c.macs).toBe(g.macs);
        expect(g.synapticOps).toBe(c.synapticOps);
        expect(g.outputShape).toEqual([2, 4]);
        expect(g.energyPj).toBeCloseTo(g.synapticOps * SNN_E_AC_PJ + g.macs * SNN_E_MAC_PJ, 6);
      } finally {
        gpu.destroy();
      }
    }));

  it("the predecessor's energy formula as a second named model", async () => {
    const service = new NeuromorphicService(null, { backend: 'cpu', neuron: { model: 'aura' } });
    const r = await service.process({ input: features, timeSteps: 20, encoding: 'rate', energyModel: 'predecessor' });
    expect(r.energyModel).toBe('predecessor');
    // N_spikes·1.0 + Σ|i|·0.5·dt/1000 + N_neurons·10·dt/1000 per step: bounded below by its two exact terms.
    const fixed = r.spikeCount + ((64 + 4) * 20 * 10) / 1000;
    expect(r.energyPj).toBeGreaterThan(fixed);
    const h = await service.process({ input: features, timeSteps: 20, encoding: 'rate' });
    expect(h.energyModel).toBe('horowitz-45nm');
  });

  it('a batch row gives the same result as the sample alone (row 0: same random counters)', async () => {
    const service = new NeuromorphicService(null, { backend: 'cpu' });
    const one = await service.process({ input: features, timeSteps: 15, encoding: { kind: 'poisson', seed: 2, maxRateHz: 800 } });
    const two = await service.process({ input: [features, features], timeSteps: 15, encoding: { kind: 'poisson', seed: 2, maxRateHz: 800 } });
    expect(Array.from(two.output.subarray(0, 4))).toEqual(Array.from(one.output));
  });

  it('the reservoir model answers through its readout', async () => {
    const service = new NeuromorphicService(null, { backend: 'cpu', model: 'reservoir', inputSize: 6 });
    const r = await service.process({ input: [0.2, 0.9, 0.4, 0.7, 0.1, 1], timeSteps: 20, encoding: 'rate' });
    expect(r.outputShape).toEqual([1, 4]);
    expect(r.membrane.length).toBe(500);
    expect(r.spikeCount).toBeGreaterThan(0);
  });
});

describe('NeuromorphicService rejects bad requests with typed errors', () => {
  const service = new NeuromorphicService(null, { backend: 'cpu' });
  const ok: NeuromorphicRequest = { input: features, timeSteps: 5, encoding: 'rate' };
  const cases: Array<[string, Partial<NeuromorphicRequest> & Record<string, unknown>, new (...a: never[]) => Error, RegExp]> = [
    ['NaN input', { input: [...features.slice(1), NaN] }, InvalidInputError, /input\[15\] is NaN/],
    ['infinite input', { input: [Infinity, ...features.slice(1)] }, InvalidInputError, /Infinity/],
    ['wrong width', { input: features.slice(3) }, InvalidInputError, /13 values.*16 values/],
    ['wrong width in a batch row', { input: [features, features.slice(1)] }, InvalidInputError, /input\[1\] has 15/],
    ['empty batch', { input: [] }, InvalidInputError, /input has 0 values|batch has 0/],
    ['timeSteps 0', { timeSteps: 0 }, InvalidInputError, /timeSteps is 0/],
    ['timeSteps negative', { timeSteps: -3 }, InvalidInputError, /timeSteps/],
    ['timeSteps fractional', { timeSteps: 2.5 }, InvalidInputError, /timeSteps/],
    ['timeSteps absurd', { timeSteps: 1e9 }, InvalidInputError, /from 1 to 1000/],
    ['rate value above 1', { input: [1.5, ...features.slice(1)] }, SnnEncodingRangeError, /outside the rate encoder's range/],
    ['latency value below 0', { input: [-0.1, ...features.slice(1)], encoding: 'latency' }, SnnEncodingRangeError, /latency/],
    ['direct value absurd', { input: [1e9, ...features.slice(1)], encoding: 'direct' }, SnnEncodingRangeError, /direct/],
    ['Poisson probability above 1', { encoding: { kind: 'poisson', dt: 0.01, maxRateHz: 500 } }, SnnEncodingRangeError, /dt·maxRateHz/],
    ['unknown encoding', { encoding: 'morse' as never }, InvalidInputError, /encoding/],
    ['reward out of [−1, 1]', { reward: 2 }, InvalidInputError, /reward/],
    ['seed not an integer', { encoding: { kind: 'rate', seed: 1.5 } }, InvalidInputError, /seed/],
    ['unknown energy model', { energyModel: 'guess' as never }, InvalidInputError, /energyModel/],
  ];
  for (const [name, patch, type, message] of cases) {
    it(name, async () => {
      const run = service.process({ ...ok, ...patch } as NeuromorphicRequest);
      await expect(run).rejects.toBeInstanceOf(type);
      await expect(run).rejects.toThrow(message);
    });
  }
  it("backend 'gpu' without a context", () => {
    expect(() => new NeuromorphicService(null, { backend: 'gpu' })).toThrow(GpuUnavailableError);
  });
  it('a failed request does not block the next one', async () => {
    await expect(service.process({ ...ok, timeSteps: 0 })).rejects.toThrow();
    await expect(service.process(ok)).resolves.toHaveProperty('path', 'cpu');
  });
});

describe('NeuromorphicService on the GPU: oversized runs', () => {
  it('a raster that cannot be bound is a BufferTooLargeError before any GPU work', () =>
    withGpu(async (ctx) => {
      const service = new NeuromorphicService(ctx, { backend: 'gpu', network: createFeedForwardSnn({ sizes: [1, 65_536], seed: 1 }) });
      try {
        // The raster is T × batch × 65,536 floats: pick the batch that makes it one float too many.
        const max = Math.min(ctx.device.limits.maxStorageBufferBindingSize, ctx.device.limits.maxBufferSize);
        const rows = Math.floor(max / (4 * 65_536 * 1000)) + 1;
        const batch = Array.from({ length: rows }, () => [0.5]);
        await expect(service.process({ input: batch, timeSteps: 1000, encoding: 'rate', raster: true })).rejects.toBeInstanceOf(BufferTooLargeError);
      } finally {
        service.destroy();
      }
    }));
});
