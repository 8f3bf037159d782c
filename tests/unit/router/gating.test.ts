import { describe, expect, it } from 'vitest';
import { gatingCpu } from '../../../src/kernels/gating-cpu';
import { gatingGpu, type GatingGpuOptions, type GatingReduction } from '../../../src/kernels/gating-gpu';
import { expertCapacity, GATING_DROPPED } from '../../../src/kernels/gating-options';
import { gatingNormal } from '../../../src/kernels/gating-noise';
import { InvalidInputError } from '../../../src/errors';
import { TOLERANCE, maxAbsDiff, testGpu, withGpu } from '../../helpers/gpu';

/** Deterministic logits in [−4, 4) from a small LCG. */
function randomLogits(n: number, seed: number, levels = 0): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32;
    // `levels` > 0 quantises, so many scores tie exactly.
    x[i] = levels > 0 ? Math.floor(u * levels) - levels / 2 : u * 8 - 4;
  }
  return x;
}

/** Indices exactly equal; weights within f32Elementwise; losses and f, P within f32Reduction. */
async function expectGpuEqualsCpu(logits: Float32Array, options: GatingGpuOptions, weightTolerance: number = TOLERANCE.f32Elementwise): Promise<void> {
  const cpu = gatingCpu(logits, options);
  const gpu = await withGpu((ctx) => gatingGpu(ctx, logits, options));
  expect(gpu.path).toBe('gpu');
  expect(Array.from(gpu.indices)).toEqual(Array.from(cpu.indices));
  expect(maxAbsDiff(gpu.weights, cpu.weights)).toBeLessThanOrEqual(weightTolerance);
  expect(Array.from(gpu.expertLoad)).toEqual(Array.from(cpu.expertLoad));
  expect(gpu.capacity).toBe(cpu.capacity);
  expect(Math.abs(gpu.losses.balance - cpu.losses.balance) / Math.max(1, cpu.losses.balance)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
  expect(Math.abs(gpu.losses.z - cpu.losses.z) / Math.max(1, cpu.losses.z)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
  expect(maxAbsDiff(gpu.fraction, cpu.fraction)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
  expect(maxAbsDiff(gpu.probability, cpu.probability)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
}

/**
 * Noisy gating: WGSL allows cos() an absolute error of 2^-11 on [−π, π] (and SwiftShader uses it),
 * so the noise, and the weights built on it, agree with Math.cos to about that much.
 */
const NOISY_WEIGHT_TOLERANCE = 2 ** -9;

const reductions: GatingReduction[] = ['workgroup', 'subgroup'];

describe('CPU reference follows the published semantics', () => {
  it('softmax → top-k → renormalise equals Mixtral on a worked example', () => {
    const logits = new Float32Array([1, 2, 3, 0]);
    const r = gatingCpu(logits, { tokens: 1, experts: 4, k: 2 });
    expect(Array.from(r.indices)).toEqual([2, 1]);
    const p = [1, 2, 3, 0].map((v) => Math.exp(v));
    expect(r.weights[0]).toBeCloseTo(p[2] / (p[2] + p[1]), 6);
    expect(r.weights[1]).toBeCloseTo(p[1] / (p[2] + p[1]), 6);
    const noRenorm = gatingCpu(logits, { tokens: 1, experts: 4, k: 2, renormalize: false });
    const sum = p.reduce((a, b) => a + b);
    expect(noRenorm.weights[0]).toBeCloseTo(p[2] / sum, 6);
  });

  it('load-balancing loss equals Mixtral load_balancing_loss_func and z-loss equals ST-MoE, in f64', () => {
    const T = 7, E = 5, k = 2;
    const logits = randomLogits(T * E, 3);
    const r = gatingCpu(logits, { tokens: T, experts: E, k });
    // Straight from the Python: routing_weights = softmax; expert_mask = one_hot(topk);
    // tokens_per_expert = mean(mask, dim=0) [k, E]; loss = E · Σ tokens_per_expert · mean(probs).
    const tokensPerExpert = Array.from({ length: k }, () => new Float64Array(E));
    const probMean = new Float64Array(E);
    let z = 0;
    for (let t = 0; t < T; t++) {
      const row = Array.from(logits.slice(t * E, t * E + E));
      const m = Math.max(...row);
      const ex = row.map((v) => Math.exp(v - m));
      const s = ex.reduce((a, b) => a + b);
      ex.forEach((v, e) => (probMean[e] += v / s / T));
      const order = row.map((v, e) => [v, e]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      for (let j = 0; j < k; j++) tokensPerExpert[j][order[j][1]] += 1 / T;
      z += (m + Math.log(s)) ** 2 / T;
    }
    let loss = 0;
    for (let j = 0; j < k; j++) for (let e = 0; e < E; e++) loss += tokensPerExpert[j][e] * probMean[e];
    expect(r.losses.balance).toBeCloseTo(loss * E, 5);
    expect(r.losses.z).toBeCloseTo(z, 4);
  });

  it('the counter-based noise is standard normal (mean 0, variance 1) and seed-dependent', () => {
    const n = 20_000;
    let sum = 0, sq = 0;
    for (let i = 0; i < n; i++) {
      const z = gatingNormal(7, i);
      sum += z;
      sq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.05);
    expect(gatingNormal(7, 0)).not.toBe(gatingNormal(8, 0));
  });

  it('ties go to the lower index', () => {
    const r = gatingCpu(new Float32Array([1, 3, 3, 1, 3]), { tokens: 1, experts: 5, k: 3 });
    expect(Array.from(r.indices)).toEqual([1, 2, 4]);
  });

  it('capacity drops or reroutes overflow in token order', () => {
    // Every token prefers expert 0, then 1, then 2; capacity = floor(1·1·4/3) = 1.
    const logits = new Float32Array([3, 2, 1, 3, 2, 1, 3, 2, 1, 3, 2, 1]);
    const base = { tokens: 4, experts: 3, k: 1 } as const;
    expect(expertCapacity(1, 1, 4, 3)).toBe(1);
    const dropped = gatingCpu(logits, { ...base, capacity: { factor: 1, overflow: 'drop' } });
    expect(Array.from(dropped.indices)).toEqual([0, GATING_DROPPED, GATING_DROPPED, GATING_DROPPED]);
    expect(Array.from(dropped.weights)).toEqual([1, 0, 0, 0]);
    const rerouted = gatingCpu(logits, { ...base, capacity: { factor: 1, overflow: 'reroute' } });
    expect(Array.from(rerouted.indices)).toEqual([0, 1, 2, GATING_DROPPED]);
    expect(Array.from(rerouted.expertLoad)).toEqual([1, 1, 1]);
  });
});

describe('gating kernel on Dawn equals the CPU reference', () => {
  for (const reduction of reductions) {
    describe(`${reduction} reduction`, () => {
      it('k = 1 … E for E = 5 and 8, all three modes', async () => {
        if (reduction === 'subgroup' && !(await testGpu()).hasSubgroups) return;
        for (const E of [5, 8]) {
          const T = 37;
          const logits = randomLogits(T * E, E);
          for (let k = 1; k <= E; k++) {
            await expectGpuEqualsCpu(logits, { tokens: T, experts: E, k, reduction });
            await expectGpuEqualsCpu(logits, { tokens: T, experts: E, k, reduction, renormalize: false });
            await expectGpuEqualsCpu(logits, { tokens: T, experts: E, k, reduction, mode: 'topk-softmax' });
          }
        }
      });

      it('ties (scores quantised to a few levels)', async () => {
        if (reduction === 'subgroup' && !(await testGpu()).hasSubgroups) return;
        const T = 70, E = 16;
        const logits = randomLogits(T * E, 11, 3);
        for (const k of [1, 2, 5, 16]) await expectGpuEqualsCpu(logits, { tokens: T, experts: E, k, reduction });
      });

      it('capacity overflow: drop and reroute, k = 1 and 2', async () => {
        if (reduction === 'subgroup' && !(await testGpu()).hasSubgroups) return;
        const T = 100, E = 6;
        const logits = randomLogits(T * E, 5);
        for (let i = 0; i < T; i++) logits[i * E] += 2; // expert 0 is popular, so it overflows
        for (const k of [1, 2]) {
          for (const overflow of ['drop', 'reroute'] as const) {
            for (const mode of ['softmax-topk', 'topk-softmax'] as const) {
              const options = { tokens: T, experts: E, k, reduction, mode, capacity: { factor: 1, overflow } };
              const cpu = gatingCpu(logits, options);
              expect(cpu.expertLoad[0]).toBe(cpu.capacity);
              if (overflow === 'drop') expect(Array.from(cpu.indices)).toContain(GATING_DROPPED);
              await expectGpuEqualsCpu(logits, options);
            }
          }
        }
      });

      it('noisy top-k with a seed', async () => {
        if (reduction === 'subgroup' && !(await testGpu()).hasSubgroups) return;
        const T = 50, E = 8;
        const logits = randomLogits(T * E, 21);
        const noiseLogits = randomLogits(T * E, 22);
        for (const k of [1, 2]) {
          await expectGpuEqualsCpu(logits, { tokens: T, experts: E, k, reduction, mode: 'topk-softmax', noise: { seed: 1234, noiseLogits } }, NOISY_WEIGHT_TOLERANCE);
        }
        const a = gatingCpu(logits, { tokens: T, experts: E, k: 2, noise: { seed: 1, noiseLogits } });
        const b = gatingCpu(logits, { tokens: T, experts: E, k: 2, noise: { seed: 2, noiseLogits } });
        expect(Array.from(a.indices)).not.toEqual(Array.from(b.indices));
      });

      it('boundary sizes: 1 token, a non-multiple of the workgroup, E from 2 to 64', async () => {
        if (reduction === 'subgroup' && !(await testGpu()).hasSubgroups) return;
        for (const [T, E] of [[1, 2], [1, 64], [67, 2], [129, 33], [65, 64]]) {
          const logits = randomLogits(T * E, T + E);
          for (const k of [1, 2, E]) await expectGpuEqualsCpu(logits, { tokens: T, experts: E, k, reduction });
        }
        // The largest workgroup: a partial last workgroup of 44 tokens.
        await expectGpuEqualsCpu(randomLogits(300 * 5, 3), { tokens: 300, experts: 5, k: 2, reduction, workgroupSize: 256 });
      });
    });
  }

  it('more than 65,535 workgroups (cheapest config: E = 2, k = 1, one token a workgroup), both reductions', async () => {
    const T = 65_536 + 5;
    const logits = randomLogits(T * 2, 99);
    for (const reduction of reductions) {
      if (reduction === 'subgroup' && !(await testGpu()).hasSubgroups) continue;
      await expectGpuEqualsCpu(logits, { tokens: T, experts: 2, k: 1, workgroupSize: 1, reduction });
    }
  }, 60_000);

  it('rejects bad input with typed errors', async () => {
    const ctx = await testGpu();
    const bad = [
      () => gatingGpu(ctx, new Float32Array([1, NaN]), { tokens: 1, experts: 2, k: 1 }),
      () => gatingGpu(ctx, new Float32Array(6), { tokens: 2, experts: 2, k: 1 }),
      () => gatingGpu(ctx, new Float32Array(4), { tokens: 2, experts: 2, k: 3 }),
      () => gatingGpu(ctx, new Float32Array(65 * 2), { tokens: 2, experts: 65, k: 1 }),
      () => gatingGpu(ctx, new Float32Array(4), { tokens: 2, experts: 2, k: 1, workgroupSize: 48 }),
      () => gatingGpu(ctx, new Float32Array(4), { tokens: 2, experts: 2, k: 1, workgroupSize: 512 }),
      () => gatingGpu(ctx, new Float32Array(4), { tokens: 2, experts: 2, k: 1, capacity: { factor: -1, overflow: 'drop' } }),
      () => gatingGpu(ctx, new Float32Array(4), { tokens: 2, experts: 2, k: 1, noise: { seed: 1, noiseLogits: new Float32Array(3) } }),
    ];
    for (const call of bad) await expect(call()).rejects.toBeInstanceOf(InvalidInputError);
  });
});
