import { describe, expect, it } from 'vitest';
import { STORAGE, bufferFrom, readFloat32 } from '../../../src/gpu/buffers';
import { runCompute } from '../../../src/gpu/compute';
import type { GpuContext } from '../../../src/gpu/device';
import { createSnnCounters, emptySnnCounts, readSnnCounters, snnCountStep, snnTickStep } from '../../../src/kernels/snn-counters';
import { encodeStep, encodeStepCpu, encoderParams, type SnnEncoding } from '../../../src/kernels/snn-encode';
import { snnPcgHash, snnUniform } from '../../../src/kernels/snn-rng';
import { withGpu } from '../../helpers/gpu';

/** All T steps of an encoder in one submission; returns the spikes of every step and the counts. */
/** `n` inputs per step (batch × width); a recorded input holds timeSteps × n values. */
async function encodeGpu(ctx: GpuContext, e: SnnEncoding, input: Float32Array, width: number, timeSteps: number, fanout: number, wg = 256, n = input.length) {
  const { device } = ctx;
  const p = encoderParams(e);
  const counters = createSnnCounters(device);
  const inBuf = bufferFrom(device, input, STORAGE);
  const encoded = bufferFrom(device, new Float32Array(n), STORAGE);
  const inputCounts = bufferFrom(device, new Float32Array(n), STORAGE);
  const fanoutBuf = bufferFrom(device, new Uint32Array(width).fill(fanout), STORAGE);
  const enc = encodeStep(device, p, { input: inBuf, encoded, counters, inputCounts }, { count: n, width, timeSteps }, wg);
  const count = snnCountStep(device, { tallies: inputCounts, fanout: fanoutBuf, counters }, { count: n, width, offset: 0, slot: 'inputSpikes' }, wg);
  const steps: Float32Array[] = [];
  try {
    for (let t = 0; t < timeSteps; t++) {
      await runCompute(device, [enc.step, snnTickStep(device, counters)]);
      steps.push(await readFloat32(device, encoded, n));
    }
    await runCompute(device, [count.step]);
    return { steps, counts: await readSnnCounters(device, counters) };
  } finally {
    for (const b of [counters, inBuf, encoded, inputCounts, fanoutBuf, enc.uniforms, count.uniforms]) b.destroy();
  }
}

function encodeCpu(e: SnnEncoding, input: Float32Array, width: number, timeSteps: number, fanout: number, n = input.length) {
  const p = encoderParams(e);
  const counts = emptySnnCounts();
  const steps: Float32Array[] = [];
  for (let t = 0; t < timeSteps; t++) {
    const out = new Float32Array(n);
    encodeStepCpu(p, input, width, timeSteps, t, fanout, out, counts);
    steps.push(out);
  }
  return { steps, counts };
}

const ramp = (n: number) => new Float32Array(n).map((_, i) => ((i * 7919) % 1001) / 1000);

describe('counter-based RNG', () => {
  it('is a pure function of (seed, step, row, column), uniform in [0, 1)', () => {
    expect(snnUniform(42, 3, 1, 7)).toBe(snnUniform(42, 3, 1, 7));
    expect(snnUniform(42, 3, 1, 7)).not.toBe(snnUniform(43, 3, 1, 7));
    // PCG-RXS-M-XS values computed independently with arbitrary-precision integers (Python):
    // a change of the generator would change every stored spike train.
    expect([snnPcgHash(0), snnPcgHash(1), snnPcgHash(12345)]).toEqual([129708002, 2831084092, 4099845390]);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = snnUniform(7, 0, 0, i);
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / 100_000));
  });
});

describe('encoders on the GPU equal the CPU reference spike for spike', () => {
  const encodings: SnnEncoding[] = [
    { kind: 'rate', seed: 5 },
    { kind: 'rate', seed: 5, gain: 0.5, offset: 0.25 },
    { kind: 'poisson', seed: 9, dt: 0.001, maxRateHz: 400 },
    { kind: 'latency' },
    { kind: 'direct', gain: 2 },
  ];
  for (const [n, width, wg] of [[1, 1, 256], [300, 60, 256], [65_537, 97, 1]] as const) {
    it(`${n} inputs (workgroup ${wg})`, () =>
      withGpu(async (ctx) => {
        for (const e of n > 1000 ? encodings.slice(0, 1) : encodings) {
          const x = ramp(n);
          const T = n > 1000 ? 2 : 7;
          const gpu = await encodeGpu(ctx, e, x, width, T, 10, wg);
          const cpu = encodeCpu(e, x, width, T, 10);
          for (let t = 0; t < T; t++) expect(Array.from(gpu.steps[t])).toEqual(Array.from(cpu.steps[t]));
          expect({ sop: gpu.counts.sop, inputSpikes: gpu.counts.inputSpikes }).toEqual({ sop: cpu.counts.sop, inputSpikes: cpu.counts.inputSpikes });
        }
      }));
  }
});

describe('recorded inputs (T × batch × width): step t passes slice t through, on both paths', () => {
  for (const [n, width, wg] of [[1, 1, 256], [300, 60, 256], [65_537, 97, 1]] as const) {
    it(`${n} inputs per step (workgroup ${wg})`, () =>
      withGpu(async (ctx) => {
        const T = 3;
        const current = new Float32Array(T * n).map((_, i) => Math.sin(i) * 3);
        const spikes = current.map((x) => (x > 1 ? 1 : 0));
        for (const [e, x] of [[{ kind: 'recorded-current' }, current], [{ kind: 'recorded-spikes' }, spikes]] as const) {
          const gpu = await encodeGpu(ctx, e, x, width, T, 10, wg, n);
          const cpu = encodeCpu(e, x, width, T, 10, n);
          for (let t = 0; t < T; t++) {
            expect(Array.from(cpu.steps[t])).toEqual(Array.from(x.subarray(t * n, (t + 1) * n)));
            expect(Array.from(gpu.steps[t])).toEqual(Array.from(cpu.steps[t]));
          }
          // Spikes are counted (each reaching `fanout` synapses); a current is not (its MACs are the synapses').
          const ones = e.kind === 'recorded-spikes' ? x.reduce((a, v) => a + v, 0) : 0;
          expect({ sop: gpu.counts.sop, inputSpikes: gpu.counts.inputSpikes }).toEqual({ sop: ones * 10, inputSpikes: ones });
          expect({ sop: cpu.counts.sop, inputSpikes: cpu.counts.inputSpikes }).toEqual({ sop: ones * 10, inputSpikes: ones });
        }
      }));
  }
});

describe('encoder statistics and timing', () => {
  it('rate: spike frequencies fall within binomial tolerance of clamp(x·gain + offset)', () => {
    const n = 4000;
    const T = 10;
    for (const [x, gain, offset] of [[0.3, 1, 0], [0.8, 1, 0], [0.5, 0.5, 0.1], [0.9, 2, 0]] as const) {
      const { counts } = encodeCpu({ kind: 'rate', seed: 17, gain, offset }, new Float32Array(n).fill(x), n, T, 0);
      const p = Math.min(Math.max(x * gain + offset, 0), 1);
      const trials = n * T;
      const sigma = Math.sqrt((p * (1 - p)) / trials);
      expect(Math.abs(counts.inputSpikes / trials - p)).toBeLessThanOrEqual(Math.max(4 * sigma, 1e-9));
    }
  });
  it('poisson: rand < dt·f_max·x within binomial tolerance', () => {
    const n = 5000;
    const T = 8;
    const { counts } = encodeCpu({ kind: 'poisson', seed: 3, dt: 0.001, maxRateHz: 200 }, new Float32Array(n).fill(0.75), n, T, 0);
    const p = 0.001 * 200 * 0.75;
    expect(Math.abs(counts.inputSpikes / (n * T) - p)).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / (n * T)));
  });
  it('latency: x = 1 fires at step 0, x = 0.5 at the middle step, x ≤ threshold never', () => {
    const x = new Float32Array([1, 0.5, 0, 0.005, 0.1]);
    const { steps } = encodeCpu({ kind: 'latency' }, x, 5, 11, 1);
    const firstSpike = (j: number) => steps.findIndex((s) => s[j] === 1);
    expect([0, 1, 2, 3, 4].map(firstSpike)).toEqual([0, 5, -1, -1, 9]);
    for (let j = 0; j < 5; j++) expect(steps.filter((s) => s[j] === 1).length).toBeLessThanOrEqual(1);
  });
  it('the same seed gives the same spikes; another seed different ones', () => {
    const x = ramp(500);
    const a = encodeCpu({ kind: 'rate', seed: 1 }, x, 500, 4, 0).steps;
    const b = encodeCpu({ kind: 'rate', seed: 1 }, x, 500, 4, 0).steps;
    const c = encodeCpu({ kind: 'rate', seed: 2 }, x, 500, 4, 0).steps;
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});
