import { describe, expect, it } from 'vitest';
import { topKCpu, vectorScoresCpu, type MemoryMetric } from '../../../src/kernels/memory-vector-search';
import { TopKSelector, rowNormsCpu, vectorSearchCpu } from '../../../src/kernels/memory-vector-search-cpu';
import { measureCpuBandwidth, streamingSum } from '../../../src/kernels/cpu-bandwidth';
import { VectorIndex } from '../../../src/services/memory/vector-index';
import { WasmRowStore, wasmRowScanAvailable } from '../../../src/kernels/wasm-row-scan';
import { TOLERANCE, maxAbsDiff } from '../../helpers/gpu';

/** Uniform floats in [−0.5, 0.5): sums round, so a change of summation order would show. */
function randomFloats(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 32 - 0.5;
  }
  return x;
}

function reference(vectors: Float32Array, rows: number, dim: number, query: Float32Array, k: number, metric: MemoryMetric) {
  return topKCpu(vectorScoresCpu(vectors, rows, dim, query, metric, new Float32Array(rows)), rows, k);
}

function norms(vectors: Float32Array, rows: number, dim: number): Float64Array {
  return rowNormsCpu(vectors, rows, dim, new Float64Array(rows));
}

const METRICS: MemoryMetric[] = ['cosine', 'dot', 'l2'];
const K = 10;

describe('vectorSearchCpu equals the reference (vectorScoresCpu + topKCpu) bit for bit', () => {
  // Rows 0, 1, k−1, k, k+1, not a multiple of the 4-row unroll, and across a row block (dim 5: 3,276 rows a block).
  const rowCounts = [0, 1, K - 1, K, K + 1, 4 * 7 + 3, 3276, 3277, 3276 * 2 + 5];
  const dims = [1, 3, 5, 384];
  for (const metric of METRICS) {
    for (const dim of dims) {
      it(`${metric}, dim ${dim}, rows ${rowCounts.join('/')}, three queries in one pass`, () => {
        for (const rows of rowCounts) {
          if (dim === 384 && rows > 3277) continue; // enough blocks at dim 384 (42 rows a block) already
          const vectors = randomFloats(rows * dim, rows + dim);
          const queries = randomFloats(3 * dim, 99 + dim);
          const got = vectorSearchCpu(vectors, rows, dim, queries, 3, K, metric, norms(vectors, rows, dim));
          for (let q = 0; q < 3; q++) {
            const want = reference(vectors, rows, dim, queries.subarray(q * dim, (q + 1) * dim), K, metric);
            expect([...got[q].indices]).toEqual([...want.indices]);
            expect(maxAbsDiff(got[q].scores, want.scores)).toBe(TOLERANCE.exact);
          }
        }
      });
    }
  }

  it('ties (identical rows) rank the lower index first; zero rows score 0 under cosine', () => {
    const dim = 7;
    const rows = 23;
    const vectors = new Float32Array(rows * dim);
    const base = randomFloats(dim, 5);
    for (let r = 0; r < rows; r++) if (r % 3 !== 2) vectors.set(base, r * dim); // every third row stays zero
    const query = randomFloats(dim, 6);
    for (const metric of METRICS) {
      for (const k of [1, 5, 15, 16, 30]) {
        const got = vectorSearchCpu(vectors, rows, dim, query, 1, k, metric, norms(vectors, rows, dim))[0];
        const want = reference(vectors, rows, dim, query, k, metric);
        expect([...got.indices]).toEqual([...want.indices]);
        expect([...got.scores]).toEqual([...want.scores]);
      }
    }
  });

  it('cosine without row norms is refused', () => {
    expect(() => vectorSearchCpu(new Float32Array(4), 1, 4, new Float32Array(4), 1, 1, 'cosine')).toThrow(RangeError);
  });
});

describe('the WebAssembly SIMD row scan (WasmRowStore) gives the reference bit for bit', () => {
  it('is available in this Node (the CPU path uses it wherever dim is a multiple of 4)', () => {
    expect(wasmRowScanAvailable()).toBe(true);
  });
  // Blocks of 16 rows: rows 0, 1, 7, 8, 9 (SIMD step 8), k±1, one block, a block and a tail.
  const rowCounts = [0, 1, 7, 8, 9, K - 1, K, K + 1, 16, 16 * 3 + 5];
  for (const metric of METRICS) {
    for (const dim of [4, 12, 384]) {
      it(`${metric}, dim ${dim}, rows ${rowCounts.join('/')}, one and three queries`, () => {
        for (const rows of rowCounts) {
          const store = new WasmRowStore(dim, 16, 1);
          store.ensureRows(rows);
          const vectors = store.rows;
          vectors.set(randomFloats(rows * dim, 31 * rows + dim));
          for (const count of [1, 3]) {
            const queries = randomFloats(count * dim, 7 + dim + count);
            const got = vectorSearchCpu(vectors, rows, dim, queries, count, K, metric, norms(vectors, rows, dim), store);
            for (let q = 0; q < count; q++) {
              const want = reference(vectors, rows, dim, queries.subarray(q * dim, (q + 1) * dim), K, metric);
              expect([...got[q].indices]).toEqual([...want.indices]);
              expect(maxAbsDiff(got[q].scores, want.scores)).toBe(TOLERANCE.exact);
            }
          }
        }
      });
    }
  }

  it('keeps its rows when the memory grows, and refuses vectors it does not hold', () => {
    const store = new WasmRowStore(8, 8, 1);
    store.ensureRows(2);
    store.rows.set([1, 2, 3, 4, 5, 6, 7, 8], 8);
    store.ensureRows(100_000);
    expect([...store.rows.subarray(8, 16)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => vectorSearchCpu(new Float32Array(16), 2, 8, new Float32Array(8), 1, 1, 'dot', undefined, store)).toThrow(RangeError);
  });
});

describe('TopKSelector keeps topKCpu semantics', () => {
  it('ranks by score, ties by lower index, −Infinity admitted while not full', () => {
    const scores = new Float32Array([1, 3, 3, -Infinity, 2, 3, -1]);
    for (const k of [1, 3, 4, 7, 9]) {
      const s = new TopKSelector(Math.min(k, scores.length));
      scores.forEach((v, i) => s.offer(v, i));
      const want = topKCpu(scores, scores.length, k);
      expect([...s.result().indices]).toEqual([...want.indices]);
      expect([...s.result().scores]).toEqual([...want.scores]);
    }
  });
});

for (const dim of [13, 12]) describe(`VectorIndex on the CPU path uses the one-pass search (dim ${dim}: ${dim % 4 ? 'JS loops' : 'SIMD rows'})`, () => {
  const make = () => new VectorIndex(dim, { gpu: null, chunkRows: 1024, budgetBytes: 1 << 24, label: 'test' });

  it('after upserts, a replacement and removals (norms move with rows), search and searchMany equal the reference', async () => {
    const index = make();
    const rows = 200;
    const all = randomFloats(rows * dim, 3);
    index.upsertMany(Array.from({ length: rows }, (_, i) => ({ key: `v${i}`, vector: all.subarray(i * dim, (i + 1) * dim) })));
    index.upsertMany([{ key: 'v5', vector: randomFloats(dim, 77) }]);
    for (const key of ['v0', 'v17', 'v199']) index.remove(key);
    // The index's own rows, in slot order, as the reference sees them.
    const keys: string[] = [];
    const live = new Float32Array(index.size * dim);
    for (let i = 0; i < rows; i++) {
      const v = index.get(`v${i}`);
      if (v) {
        live.set(v, keys.length * dim);
        keys.push(`v${i}`);
      }
    }
    const queries = [randomFloats(dim, 11), randomFloats(dim, 12)];
    for (const metric of METRICS) {
      const many = await index.searchMany(queries, K, metric);
      for (let q = 0; q < queries.length; q++) {
        const one = await index.search(queries[q], K, metric);
        expect(one.path).toBe('cpu');
        expect(many[q].keys).toEqual(one.keys);
        expect([...many[q].scores]).toEqual([...one.scores]);
        // Reference over the same vectors; compare by key and score (slots may be ordered differently, ties are absent).
        const want = reference(live, keys.length, dim, queries[q], K, metric);
        expect(one.keys.slice().sort()).toEqual([...want.indices].map((i) => keys[i]).sort());
        expect([...one.scores]).toEqual([...want.scores]);
      }
    }
  });

  it('an empty index returns nothing', async () => {
    expect((await make().searchMany([randomFloats(dim, 1)], K, 'cosine'))[0].keys).toEqual([]);
  });
});

describe('CPU bandwidth probe', () => {
  it('measures positive, finite rates and sums exactly', () => {
    const x = new Float32Array(19).map((_, i) => i);
    expect(streamingSum(x)).toBe(171);
    const r = measureCpuBandwidth({ megabytes: 1, iterations: 2 });
    expect(r.copyGBps).toBeGreaterThan(0);
    expect(r.readGBps).toBeGreaterThan(0);
    expect(r.gbPerSecond).toBe(Math.max(r.copyGBps, r.readGBps));
    expect(Number.isFinite(r.gbPerSecond)).toBe(true);
    expect(r.cpuTime?.gbPerSecond).toBeGreaterThan(0); // Node reports its CPU time
  });
});
