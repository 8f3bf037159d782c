import { describe, expect, it } from 'vitest';
import {
  memoryTopKBlock,
  pairwiseDistancesCpu,
  pairwiseDistancesGpu,
  topKCpu,
  vectorTopKCpu,
  vectorTopKGpu,
  type MemoryMetric,
} from '../../../src/kernels/memory-vector-search';
import { TOLERANCE, maxAbsDiff, maxRelDiff, withGpu } from '../../helpers/gpu';

/** Small integers: every dot product and sum is exact in f32, so GPU and CPU scores agree bit for bit. */
function intVectors(rows: number, dim: number, seed = 7): Float32Array {
  const v = new Float32Array(rows * dim);
  let s = seed;
  for (let i = 0; i < v.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    v[i] = ((s >>> 16) % 9) - 4;
  }
  return v;
}

describe('topKCpu', () => {
  it('ranks by score, ties by lower index', () => {
    const r = topKCpu(new Float32Array([1, 3, 3, 2, 3, -1]), 6, 4);
    expect([...r.indices]).toEqual([1, 2, 4, 3]);
    expect([...r.scores]).toEqual([3, 3, 3, 2]);
  });
  it('returns fewer than k when there are fewer items', () => {
    expect([...topKCpu(new Float32Array([5, 6]), 2, 10).indices]).toEqual([1, 0]);
  });
});

describe('GPU top-k equals exact CPU top-k (ties: lower index first)', () => {
  const block = memoryTopKBlock();
  // 1 row, a non-multiple of the workgroup, several blocks (two selection passes), many ties.
  const cases: Array<{ rows: number; dim: number; k: number; metric: MemoryMetric }> = [
    { rows: 1, dim: 3, k: 1, metric: 'dot' },
    { rows: 259, dim: 5, k: 10, metric: 'dot' },
    { rows: 3 * block + 17, dim: 4, k: 10, metric: 'l2' },
    { rows: 777, dim: 6, k: 64, metric: 'cosine' },
  ];
  for (const { rows, dim, k, metric } of cases) {
    it(`${metric}, rows=${rows}, dim=${dim}, k=${k}`, () =>
      withGpu(async (ctx) => {
        const vectors = intVectors(rows, dim);
        const query = intVectors(1, dim, 99);
        const gpu = await vectorTopKGpu(ctx, vectors, rows, dim, query, k, metric);
        const cpu = vectorTopKCpu(vectors, rows, dim, query, k, metric);
        expect(gpu.indices.length).toBe(Math.min(k, rows));
        if (metric === 'cosine') {
          // sqrt/division may round differently: scores within f32 tolerance, and the ranks equal
          // wherever neighbouring scores are not within that tolerance of each other.
          expect(maxRelDiff(gpu.scores, cpu.scores)).toBeLessThanOrEqual(TOLERANCE.f32Elementwise);
          for (let i = 0; i < gpu.indices.length; i++) {
            if (gpu.indices[i] === cpu.indices[i]) continue;
            // A different item at rank i must be a near-tie: its exact score is within tolerance of rank i's.
            const exactScoreOfGpuPick = vectorTopKCpu(vectors.subarray(gpu.indices[i] * dim, (gpu.indices[i] + 1) * dim), 1, dim, query, 1, metric).scores[0];
            expect(Math.abs(exactScoreOfGpuPick - cpu.scores[i])).toBeLessThanOrEqual(TOLERANCE.f32Elementwise);
          }
        } else {
          expect(maxAbsDiff(gpu.scores, cpu.scores)).toBe(TOLERANCE.exact);
          expect([...gpu.indices]).toEqual([...cpu.indices]);
        }
      }));
  }

  it('exact ties (identical rows) come back lower index first on the GPU', () =>
    withGpu(async (ctx) => {
      const dim = 4;
      const rows = block + 5;
      const vectors = new Float32Array(rows * dim); // all zero: every l2 score ties
      for (const r of [3, 1500 % rows, rows - 1]) vectors.set([1, 1, 1, 1], r * dim);
      const query = new Float32Array([1, 1, 1, 1]);
      const gpu = await vectorTopKGpu(ctx, vectors, rows, dim, query, 6, 'l2');
      const cpu = vectorTopKCpu(vectors, rows, dim, query, 6, 'l2');
      expect([...gpu.indices]).toEqual([...cpu.indices]);
      expect([...gpu.indices]).toEqual([3, 1500 % rows, rows - 1, 0, 1, 2]);
    }));
});

describe('more than 65,535 workgroups (folded dispatch), cheapest config: workgroup size 1, dim 1, k 1', () => {
  // Distance: 262,149 workgroups; first selection pass (block of 4): 65,538 workgroups.
  it('rows = 65,537 · 4 + 1', () =>
    withGpu(async (ctx) => {
      const rows = 65_537 * 4 + 1;
      const vectors = new Float32Array(rows);
      for (let i = 0; i < rows; i++) vectors[i] = (i * 7919) % 100_003;
      const query = new Float32Array([100_002.5]);
      const gpu = await vectorTopKGpu(ctx, vectors, rows, 1, query, 1, 'dot', 1);
      const cpu = vectorTopKCpu(vectors, rows, 1, query, 1, 'dot');
      expect([...gpu.indices]).toEqual([...cpu.indices]);
    }));
});

describe('pairwise distances', () => {
  it('GPU equals the CPU reference (n = 1, and n not a multiple of the workgroup)', () =>
    withGpu(async (ctx) => {
      for (const n of [1, 37]) {
        const points = intVectors(n, 3, n);
        const { distances } = await pairwiseDistancesGpu(ctx, points, n, 3);
        expect(maxRelDiff(distances, pairwiseDistancesCpu(points, n, 3))).toBeLessThanOrEqual(TOLERANCE.f32Elementwise);
      }
    }));
});
