import { vectorNorm, type MemoryMetric } from './memory-vector-search';
import type { WasmRowStore } from './wasm-row-scan';

/**
 * The fast CPU vector search: one pass over contiguous Float32 rows, bit-exact with the reference
 * (vectorScoresCpu + topKCpu in memory-vector-search.ts).
 *
 * Why it is exact: the reference sums each row's products in f64, in index order, with one
 * accumulator per row. Here four ROWS are summed side by side (four independent chains for the
 * CPU's pipelines, one load of q[j] for four rows), each chain still in index order, so every sum is
 * the same f64 value. Cosine uses the row norms the index keeps (rowNormsCpu: the same sum, the same
 * order, computed once per stored vector), so the scan reads each row once and does one multiply-add
 * per element. Scores are rounded to f32 (as the reference stores them) before selection.
 *
 * Rows are read in blocks small enough to stay in cache while every query of a batch is scored
 * against them, so a batch of queries still streams the vectors from memory once. Where the rows
 * live in a WasmRowStore (VectorIndex puts them there), the same sums run in WebAssembly SIMD
 * (wasm-row-scan.ts, equally exact); the JS loops take the rest of a block and every other case.
 */

/** Bytes of rows scored against every query before moving on: stays in a core's L2 cache (2 MiB here). */
const BLOCK_BYTES = 512 * 1024;

/** Rows per block for this dimension: a multiple of 8 (the SIMD scan's step), at least 8. */
export function cpuSearchBlockRows(dim: number): number {
  return Math.max(8, Math.floor(BLOCK_BYTES / (4 * Math.max(dim, 1))) & ~7);
}

/**
 * Bounded top-k with the reference's semantics (topKCpu): best first, equal scores keep the lower
 * index (offers come in index order and a later one displaces only on a strictly greater score).
 * Preallocated: offering allocates nothing.
 */
export class TopKSelector {
  readonly indices: Uint32Array;
  readonly scores: Float32Array;
  private filled = 0;

  constructor(readonly k: number) {
    this.indices = new Uint32Array(k);
    this.scores = new Float32Array(k);
  }

  /** `score` must already be an f32 value (as the reference compares them). */
  offer(score: number, index: number): void {
    const k = this.k;
    const val = this.scores;
    const idx = this.indices;
    if (this.filled === k && !(score > val[k - 1])) return;
    let p = this.filled < k ? this.filled++ : k - 1;
    while (p > 0 && score > val[p - 1]) {
      val[p] = val[p - 1];
      idx[p] = idx[p - 1];
      p--;
    }
    val[p] = score;
    idx[p] = index;
  }

  /** The selection, best first: copies of the first min(k, offered) entries. */
  result(): { indices: Uint32Array; scores: Float32Array } {
    return { indices: this.indices.slice(0, this.filled), scores: this.scores.slice(0, this.filled) };
  }
}

/** √(Σ v²) of each row, summed in f64 in index order (the reference's cosine norm), into `out` at `outOffset`. */
export function rowNormsCpu(vectors: Float32Array, rows: number, dim: number, out: Float64Array, outOffset = 0): Float64Array {
  for (let r = 0; r < rows; r++) {
    const base = r * dim;
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const v = vectors[base + j];
      norm += v * v;
    }
    out[outOffset + r] = Math.sqrt(norm);
  }
  return out;
}

/**
 * Sum of v·q (or of (v − q)² when `l2`) for rows [r0, r1), four rows at a time, into out[0..r1−r0).
 * `q` is the query at offset `qo` of `queries`.
 */
function rowSums(vectors: Float32Array, dim: number, queries: Float32Array, qo: number, r0: number, r1: number, l2: boolean, out: Float64Array): void {
  let r = r0;
  for (; r + 4 <= r1; r += 4) {
    const b0 = r * dim;
    const b1 = b0 + dim;
    const b2 = b1 + dim;
    const b3 = b2 + dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    if (l2) {
      for (let j = 0; j < dim; j++) {
        const q = queries[qo + j];
        const d0 = vectors[b0 + j] - q;
        const d1 = vectors[b1 + j] - q;
        const d2 = vectors[b2 + j] - q;
        const d3 = vectors[b3 + j] - q;
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
      }
    } else {
      for (let j = 0; j < dim; j++) {
        const q = queries[qo + j];
        s0 += vectors[b0 + j] * q;
        s1 += vectors[b1 + j] * q;
        s2 += vectors[b2 + j] * q;
        s3 += vectors[b3 + j] * q;
      }
    }
    const o = r - r0;
    out[o] = s0;
    out[o + 1] = s1;
    out[o + 2] = s2;
    out[o + 3] = s3;
  }
  for (; r < r1; r++) {
    const b = r * dim;
    let s = 0;
    if (l2) {
      for (let j = 0; j < dim; j++) {
        const d = vectors[b + j] - queries[qo + j];
        s += d * d;
      }
    } else {
      for (let j = 0; j < dim; j++) s += vectors[b + j] * queries[qo + j];
    }
    out[r - r0] = s;
  }
}

/**
 * Exact top-k of `queryCount` queries (stored one after another in `queries`) over `rows` rows of
 * `vectors`, in one pass over the rows. `rowNorms` (rowNormsCpu) is needed for cosine only.
 * Returns one selection per query, the same as topKCpu(vectorScoresCpu(...)) for each.
 */
export function vectorSearchCpu(
  vectors: Float32Array,
  rows: number,
  dim: number,
  queries: Float32Array,
  queryCount: number,
  k: number,
  metric: MemoryMetric,
  rowNorms?: Float64Array,
  /** The store `vectors` is the `rows` view of: its SIMD scan is used (it must hold this dim). */
  store?: WasmRowStore,
): Array<{ indices: Uint32Array; scores: Float32Array }> {
  if (metric === 'cosine' && (!rowNorms || rowNorms.length < rows)) throw new RangeError(`cosine needs the norms of all ${rows} rows`);
  const selectors = Array.from({ length: queryCount }, () => new TopKSelector(Math.min(k, rows)));
  if (rows === 0 || k === 0) return selectors.map((s) => s.result());
  const queryNorms = new Float64Array(queryCount);
  for (let qi = 0; qi < queryCount; qi++) queryNorms[qi] = vectorNorm(queries.subarray(qi * dim, (qi + 1) * dim));
  if (store && (store.rows !== vectors || store.dim !== dim)) throw new RangeError('the row store does not hold these vectors');
  const blockRows = store ? store.maxBlockRows : cpuSearchBlockRows(dim);
  const sums = new Float64Array(blockRows);
  const l2 = metric === 'l2';
  const cosine = metric === 'cosine';
  for (let r0 = 0; r0 < rows; r0 += blockRows) {
    const r1 = Math.min(rows, r0 + blockRows);
    for (let qi = 0; qi < queryCount; qi++) {
      const simdRows = store ? (r1 - r0) & ~7 : 0;
      if (simdRows > 0) {
        if (queryCount > 1 || r0 === 0) store!.setQuery(queries, qi * dim);
        store!.sums(r0, simdRows, l2, sums);
      }
      // The tail, summed into the same scratch after the SIMD rows.
      if (r0 + simdRows < r1) rowSums(vectors, dim, queries, qi * dim, r0 + simdRows, r1, l2, sums.subarray(simdRows));
      const selector = selectors[qi];
      const qNorm = queryNorms[qi];
      for (let r = r0; r < r1; r++) {
        const s = sums[r - r0];
        let score: number;
        if (l2) score = -Math.sqrt(s);
        else if (cosine) {
          const denom = rowNorms![r] * qNorm;
          score = denom > 0 ? s / denom : 0;
        } else score = s;
        selector.offer(Math.fround(score), r);
      }
    }
  }
  return selectors.map((s) => s.result());
}
