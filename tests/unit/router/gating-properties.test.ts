import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gatingCpu } from '../../../src/kernels/gating-cpu';
import { expertCapacity, flushSubnormals } from '../../../src/kernels/gating-options';
import { gatingGpu } from '../../../src/kernels/gating-gpu';
import { TOLERANCE, maxAbsDiff, testGpu, withGpu } from '../../helpers/gpu';

/** Random gating problems: shape, logits (with frequent ties), mode and capacity. */
const problem = fc
  .record({ tokens: fc.integer({ min: 1, max: 40 }), experts: fc.integer({ min: 1, max: 64 }), kSeed: fc.nat(), seed: fc.nat(), levels: fc.constantFrom(0, 3) })
  .chain((p) =>
    fc.record({
      tokens: fc.constant(p.tokens),
      experts: fc.constant(p.experts),
      k: fc.constant(1 + (p.kSeed % p.experts)),
      logits: fc.array(p.levels ? fc.integer({ min: -1, max: 1 }) : fc.double({ min: -20, max: 20, noNaN: true }), { minLength: p.tokens * p.experts, maxLength: p.tokens * p.experts }),
      mode: fc.constantFrom('softmax-topk' as const, 'topk-softmax' as const),
      capacity: fc.option(fc.record({ factor: fc.double({ min: 0.1, max: 3, noNaN: true }), overflow: fc.constantFrom('drop' as const, 'reroute' as const) }), { nil: undefined }),
    }),
  );

describe('gating CPU reference invariants (fast-check)', () => {
  it('subnormal logits compare as zero (ties to the lower index), as on a GPU that flushes them', () => {
    const r = gatingCpu(new Float32Array([0, 1e-45, -1e-45, 0]), { tokens: 1, experts: 4, k: 2 });
    expect(Array.from(r.indices)).toEqual([0, 1]);
  });

  it('distinct experts in rank order (ties to the lower index), weights summing to 1, capacity never exceeded', () => {
    fc.assert(
      fc.property(problem, ({ tokens: T, experts: E, k, logits, mode, capacity }) => {
        // Subnormal inputs count as zero in both paths (GPUs may flush them).
        const x = flushSubnormals(Float32Array.from(logits));
        const r = gatingCpu(x, { tokens: T, experts: E, k, mode, capacity });
        for (let t = 0; t < T; t++) {
          const row = x.subarray(t * E, t * E + E);
          const kept = Array.from(r.indices.subarray(t * k, t * k + k)).filter((e) => e >= 0);
          expect(new Set(kept).size).toBe(kept.length);
          if (!capacity) {
            // The first choice is the lowest index of the maximum; each later one is no better than the one before.
            expect(kept[0]).toBe(row.indexOf(Math.max(...row)));
            for (let j = 1; j < kept.length; j++) {
              const a = row[kept[j - 1]], b = row[kept[j]];
              expect(a > b || (a === b && kept[j - 1] < kept[j])).toBe(true);
            }
            const sum = Array.from(r.weights.subarray(t * k, t * k + k)).reduce((s, w) => s + w, 0);
            expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
          }
        }
        if (capacity) {
          const c = expertCapacity(capacity.factor, k, T, E);
          expect(r.capacity).toBe(c);
          for (const load of r.expertLoad) expect(load).toBeLessThanOrEqual(c);
        }
        expect(r.losses.balance).toBeGreaterThan(0);
        expect(r.losses.z).toBeGreaterThanOrEqual(0);
        expect(r.fraction.reduce((s, f) => s + f, 0)).toBeCloseTo(k, 4);
        expect(r.probability.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 4);
      }),
      { numRuns: 150, seed: 42 },
    );
  });
});

describe('gating kernel equals the CPU reference on random problems (fast-check, Dawn)', () => {
  it('indices exactly, weights within f32Elementwise, losses within f32Reduction', async () => {
    const ctx = await testGpu();
    await fc.assert(
      fc.asyncProperty(problem, fc.boolean(), async ({ tokens: T, experts: E, k, logits, mode, capacity }, subgroup) => {
        const x = Float32Array.from(logits);
        const options = { tokens: T, experts: E, k, mode, capacity };
        const reduction = subgroup && ctx.hasSubgroups ? ('subgroup' as const) : ('workgroup' as const);
        const gpu = await withGpu((c) => gatingGpu(c, x, { ...options, reduction }));
        const cpu = gatingCpu(x, options);
        expect(Array.from(gpu.indices)).toEqual(Array.from(cpu.indices));
        expect(maxAbsDiff(gpu.weights, cpu.weights)).toBeLessThanOrEqual(TOLERANCE.f32Elementwise);
        expect(Math.abs(gpu.losses.balance - cpu.losses.balance) / Math.max(1, cpu.losses.balance)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
        expect(Math.abs(gpu.losses.z - cpu.losses.z) / Math.max(1, cpu.losses.z)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
      }),
      { numRuns: 25, seed: 7 },
    );
  }, 60_000);
});
