import { describe, expect, it } from 'vitest';
import { runCompute } from '../../../src/gpu/compute';
import { STORAGE, bufferFrom, readFloat32 } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/device';
import { createSnnCounters, emptySnnCounts, snnTickStep } from '../../../src/kernels/snn-counters';
import { adaptStep, adaptStepCpu, initialAdaptState, lifKernelParams, lifStep, lifStepCpu, SNN_STATE_PLANES, type LifKernelParams, type SnnNeuron } from '../../../src/kernels/snn-lif';
import { TOLERANCE, maxAbsDiff, withGpu } from '../../helpers/gpu';

interface Trace {
  spikes: number[][];
  v: number[][];
  i: number[][];
  theta: number[][];
}

/** Runs the CPU reference over per-step currents (batch 1 unless currents are longer than width). */
function runCpu(p: LifKernelParams, width: number, currents: Float32Array[]): Trace {
  const n = currents[0].length;
  const state = new Float32Array(SNN_STATE_PLANES * n);
  const adapt = initialAdaptState(p, n / width);
  const spikes = new Float32Array(n);
  const fanout = new Uint32Array(width).fill(1);
  const counts = emptySnnCounts();
  const out: Trace = { spikes: [], v: [], i: [], theta: [] };
  for (const current of currents) {
    lifStepCpu(p, width, current, adapt, state, spikes, fanout, counts);
    if (p.adaptive) adaptStepCpu(p.adaptive, width, spikes, adapt);
    out.spikes.push([...spikes]);
    out.v.push([...state.subarray(0, n)]);
    out.i.push([...state.subarray(n, 2 * n)]);
    out.theta.push([...adapt].filter((_, k) => k % 2 === 1));
  }
  return out;
}

/** The same on the GPU, one step per submission so each step's state can be read. */
async function runGpu(ctx: GpuContext, p: LifKernelParams, width: number, currents: Float32Array[], workgroupSize = 256): Promise<Trace> {
  const { device } = ctx;
  const n = currents[0].length;
  const batch = n / width;
  const counters = createSnnCounters(device);
  const current = bufferFrom(device, currents[0], STORAGE);
  const state = bufferFrom(device, new Float32Array(SNN_STATE_PLANES * n), STORAGE);
  const adapt = bufferFrom(device, initialAdaptState(p, batch), STORAGE);
  const spikes = bufferFrom(device, new Float32Array(n), STORAGE);
  const fanout = bufferFrom(device, new Uint32Array(width).fill(1), STORAGE);
  const raster = bufferFrom(device, new Float32Array(1), STORAGE);
  const lif = lifStep(device, p, { current, adapt, state, spikes, counters, raster }, { batch, width, raster: false }, workgroupSize);
  const ad = p.adaptive ? adaptStep(device, p.adaptive, spikes, adapt, { batch, width }, workgroupSize) : undefined;
  const out: Trace = { spikes: [], v: [], i: [], theta: [] };
  try {
    for (const c of currents) {
      device.queue.writeBuffer(current, 0, c as Float32Array<ArrayBuffer>);
      await runCompute(device, [lif.step, ...(ad ? [ad.step] : []), snnTickStep(device, counters)]);
      const s = await readFloat32(device, state, 2 * n);
      out.spikes.push([...(await readFloat32(device, spikes, n))]);
      out.v.push([...s.subarray(0, n)]);
      out.i.push([...s.subarray(n, 2 * n)]);
      out.theta.push([...(await readFloat32(device, adapt, 2 * batch))].filter((_, k) => k % 2 === 1));
    }
  } finally {
    for (const b of [counters, current, state, adapt, spikes, fanout, raster, lif.uniforms, ad?.uniforms]) b?.destroy();
  }
  return out;
}

const constant = (value: number, steps: number) => Array.from({ length: steps }, () => new Float32Array([value]));
const col = (rows: number[][]) => rows.map((r) => r[0]);

/** Each hand-worked sequence runs on the CPU reference and on the GPU kernel; both must match it. */
async function bothPaths(neuron: SnnNeuron, currents: Float32Array[], ge = false): Promise<Trace[]> {
  const p = lifKernelParams(neuron, ge);
  return withGpu(async (ctx) => [runCpu(p, 1, currents), await runGpu(ctx, p, 1, currents)]);
}

describe('snnTorch Leaky: hand-worked sequences (reset_delay=True: the reset lands on the next step)', () => {
  it('subtract, beta 0.5, threshold 1, input 0.9', async () => {
    for (const t of await bothPaths({ model: 'snntorch', beta: 0.5, reset: 'subtract' }, constant(0.9, 5))) {
      expect(col(t.spikes)).toEqual([0, 1, 0, 1, 0]);
      // Step 1 spikes at 1.35 and keeps it; step 2 subtracts θ: 0.5·1.35 + 0.9 − 1 = 0.575.
      [0.9, 1.35, 0.575, 1.1875, 0.49375].forEach((v, k) => expect(t.v[k][0]).toBeCloseTo(v, 6));
    }
  });
  it('zero, beta 0.5: the membrane is zeroed before the decay on the step after a spike', async () => {
    for (const t of await bothPaths({ model: 'snntorch', beta: 0.5, reset: 'zero' }, constant(0.9, 5))) {
      expect(col(t.spikes)).toEqual([0, 1, 0, 1, 0]);
      [0.9, 1.35, 0.9, 1.35, 0.9].forEach((v, k) => expect(t.v[k][0]).toBeCloseTo(v, 6));
    }
  });
  it('none, beta 0.5: pure integration, every step above threshold spikes', async () => {
    for (const t of await bothPaths({ model: 'snntorch', beta: 0.5, reset: 'none' }, constant(0.9, 5))) {
      expect(col(t.spikes)).toEqual([0, 1, 1, 1, 1]);
      [0.9, 1.35, 1.575, 1.6875, 1.74375].forEach((v, k) => expect(t.v[k][0]).toBeCloseTo(v, 6));
    }
  });
  it('threshold test: v = θ does not spike with > (snnTorch), does with ≥ (GeNN)', async () => {
    const neuron: SnnNeuron = { model: 'snntorch', beta: 0, reset: 'subtract' };
    for (const t of await bothPaths(neuron, constant(1, 4))) expect(col(t.spikes)).toEqual([0, 0, 0, 0]);
    // With ≥: spike at 1; next step resets by subtraction to 0·1 + 1 − 1 = 0; then 1 again.
    for (const t of await bothPaths(neuron, constant(1, 4), true)) {
      expect(col(t.spikes)).toEqual([1, 0, 1, 0]);
      expect(col(t.v)).toEqual([1, 0, 1, 0]);
    }
  });
  it('beta is clamped to [0, 1] as snnTorch does', () => {
    expect(lifKernelParams({ model: 'snntorch', beta: 1.7 }).a).toBe(1);
    expect(lifKernelParams({ model: 'snntorch', beta: -0.2 }).a).toBe(0);
  });
});

describe('Norse lif_feed_forward_step: hand-worked order (v from the old i, i decays, spike, reset, then the input jump)', () => {
  it('defaults (dt·τ_mem⁻¹ = 0.1, dt·τ_syn⁻¹ = 0.2), input 5 at step 0', async () => {
    const currents = [new Float32Array([5]), ...constant(0, 4)];
    for (const t of await bothPaths({ model: 'norse' }, currents)) {
      expect(col(t.spikes)).toEqual([0, 0, 0, 1, 0]);
      // Step 0: the jump lands after the update, so v stays 0 and i becomes 5.
      [0, 0.5, 0.85, 0, 0.256].forEach((v, k) => expect(t.v[k][0]).toBeCloseTo(v, 6));
      [5, 4, 3.2, 2.56, 2.048].forEach((i, k) => expect(t.i[k][0]).toBeCloseTo(i, 5));
    }
  });
});

describe("the predecessor's LIF: hand-worked refractory period and adaptive threshold", () => {
  it('input 10: no spike at v = θ = 1, spike at step 1, 5 refractory steps, spike again at step 7', async () => {
    for (const t of await bothPaths({ model: 'aura' }, constant(10, 9))) {
      expect(col(t.spikes)).toEqual([0, 1, 0, 0, 0, 0, 0, 1, 0]);
      expect(t.v[0][0]).toBeCloseTo(1, 6); // i = 10, v = 0 + (10 − 0)·0.1
      // i = 10·e^(−1/5) + 10 = 18.1873; v = 1 + (18.1873 − 1)·0.1 = 2.71873 > θ_a → spike, reset to 0.
      expect(t.i[1][0]).toBeCloseTo(18.187308, 4);
      for (let k = 1; k <= 6; k++) expect(t.v[k][0]).toBe(0);
      // rate: 0.95·0.05 + 0.05·0 = 0.0475 → θ_a = 1 + 0.1·(0.0475 − 0.05) = 0.99975; after the spike
      // rate = 0.95·0.0475 + 0.05·1 = 0.095125 → θ_a = 1.0045125; then it decays back.
      expect(t.theta[0][0]).toBeCloseTo(0.99975, 6);
      expect(t.theta[1][0]).toBeCloseTo(1.0045125, 6);
      expect(t.theta[2][0]).toBeCloseTo(1 + 0.1 * (0.95 * 0.095125 - 0.05), 6);
    }
  });
  it('the adaptive threshold lets a membrane at θ fire once the rate has fallen below target', async () => {
    // v is driven to exactly 1 (= θ) and held there: at step 0 θ_a = 1 (no spike with >), after it θ_a < 1.
    const p = lifKernelParams({ model: 'aura', tauMem: 1, tauSyn: 1e-9 });
    const trace = withGpu(async (ctx) => [runCpu(p, 1, constant(1, 3)), await runGpu(ctx, p, 1, constant(1, 3))]);
    for (const t of await trace) expect(col(t.spikes)).toEqual([0, 1, 0]);
  });
});

describe('snnTorch Leaky reset_delay=False: the reset lands in the step that fires (values from snnTorch\'s leaky.py)', () => {
  const cases: Array<[string, SnnNeuron, number, number[], number[]]> = [
    ['subtract, input 0.9', { model: 'snntorch', beta: 0.5, reset: 'subtract', resetDelay: false }, 0.9, [0, 1, 1, 0, 1], [0.9, 0.35, 0.075, 0.9375, 0.36875]],
    ['zero, input 0.9', { model: 'snntorch', beta: 0.5, reset: 'zero', resetDelay: false }, 0.9, [0, 1, 0, 1, 0], [0.9, 0, 0.9, 0, 0.9]],
    // A membrane still above θ after its reset: the next step's delayed reset and do_reset = spk − reset
    // cancel ("avoid double reset"), so θ is subtracted once per step, not twice.
    ['subtract, input 2.5', { model: 'snntorch', beta: 0.5, reset: 'subtract', resetDelay: false }, 2.5, [1, 1, 1, 1, 1], [1.5, 2.25, 2.625, 2.8125, 2.90625]],
    ['zero, input 2.5', { model: 'snntorch', beta: 0.5, reset: 'zero', resetDelay: false }, 2.5, [1, 1, 1, 1, 1], [0, 0, 0, 0, 0]],
  ];
  for (const [name, neuron, input, spikes, v] of cases) {
    it(name, async () => {
      for (const t of await bothPaths(neuron, constant(input, 5))) {
        expect(col(t.spikes)).toEqual(spikes);
        v.forEach((x, k) => expect(t.v[k][0]).toBeCloseTo(x, 6));
      }
    });
  }
});

describe('LIF kernel equals its CPU reference at boundary sizes', () => {
  const neurons: SnnNeuron[] = [
    { model: 'aura' }, { model: 'snntorch', beta: 0.9, reset: 'subtract' }, { model: 'snntorch', beta: 0.9, reset: 'zero' }, { model: 'norse', tauMemInv: 300 },
    { model: 'snntorch', beta: 0.9, reset: 'subtract', resetDelay: false }, { model: 'snntorch', beta: 0.9, reset: 'zero', resetDelay: false },
  ];
  function currents(n: number, steps: number): Float32Array[] {
    return Array.from({ length: steps }, (_, t) => new Float32Array(n).map((_, i) => (((i * 7919 + t * 104729) % 1000) / 1000) * 1.5));
  }
  for (const [n, width, wg] of [[1, 1, 256], [259, 37, 256], [65_537, 1, 1]] as const) {
    it(`${n} neurons (width ${width}, workgroup ${wg})`, () =>
      withGpu(async (ctx) => {
        // The large case (65,537 workgroups of 1) runs the AURA neuron (with its one-workgroup-per-row
        // threshold update over 65,537 rows) and snnTorch.
        for (const neuron of n > 1000 ? neurons.slice(0, 2) : neurons) {
          const p = lifKernelParams(neuron);
          const c = currents(n, n > 1000 ? 2 : 6);
          const cpu = runCpu(p, width, c);
          const gpu = await runGpu(ctx, p, width, c, wg);
          for (let k = 0; k < c.length; k++) {
            expect(gpu.spikes[k]).toEqual(cpu.spikes[k]);
            expect(maxAbsDiff(gpu.v[k], cpu.v[k])).toBeLessThanOrEqual(TOLERANCE.f32Elementwise);
            expect(maxAbsDiff(gpu.i[k], cpu.i[k])).toBeLessThanOrEqual(TOLERANCE.f32Elementwise);
            expect(maxAbsDiff(gpu.theta[k], cpu.theta[k])).toBeLessThanOrEqual(TOLERANCE.f32Elementwise);
          }
        }
      }));
  }
});
