import { InvalidInputError } from '../errors';
import { STORAGE, bufferFrom, readFloat32, readUint32 } from '../gpu/buffers';
import type { ComputeStep } from '../gpu/compute';
import { runCompute } from '../gpu/compute';
import type { GpuContext } from '../gpu/device';
import { dispatchFor, foldDispatch } from '../gpu/dispatch';
import { declareKernel, dispatch, kernelPipeline, uniformBlock } from '../gpu/kernel';
import type { GpuTiming } from '../gpu/timing';
import { MEMORY_METRIC, MEMORY_TOPK_ITEMS_PER_THREAD } from './wgsl-constants';
import { MEMORY_QUERY_INFO_BYTES, writeMemoryQueryInfo } from './memory-query-norm';

/**
 * Vector search kernels: a distance kernel (scores of resident vectors against a query) and a
 * block top-k selection kernel, with CPU references of the same semantics.
 *
 * Scores: cosine similarity (0 when either norm is 0), dot product, or −‖v − q‖₂ for 'l2', so a
 * higher score is always a better match. Ties: equal scores rank the LOWER index first.
 */
export type MemoryMetric = 'cosine' | 'dot' | 'l2';
export const MEMORY_METRIC_CODE: Record<MemoryMetric, number> = MEMORY_METRIC;
export const MEMORY_DISTANCE_WORKGROUP_SIZE = 256;
export const MEMORY_TOPK_WORKGROUP_SIZE = 256;

/** Scores of one chunk of rows against the query (shaders/wgsl/memory-distance.wgsl); WORKGROUP_SIZE per run. */
export const MEMORY_DISTANCE_KERNEL = declareKernel({
  shader: 'memory-distance',
  constants: { WORKGROUP_SIZE: MEMORY_DISTANCE_WORKGROUP_SIZE },
  workgroupSize: MEMORY_DISTANCE_WORKGROUP_SIZE,
  uniforms: { rows: 'u32', dim: 'u32', metric: 'u32', outOffset: 'u32' },
  bindings: ['vectors', 'query', 'queryInfo', 'scores'],
});

/** One pass of block top-k selection (shaders/wgsl/memory-topk.wgsl). */
export const MEMORY_TOPK_KERNEL = declareKernel({
  shader: 'memory-topk',
  constants: { WORKGROUP_SIZE: MEMORY_TOPK_WORKGROUP_SIZE },
  workgroupSize: MEMORY_TOPK_WORKGROUP_SIZE,
  uniforms: { count: 'u32', k: 'u32', hasIndices: 'u32' },
  bindings: ['inScores', 'inIndices', 'outScores', 'outIndices'],
});

/** All pairwise Euclidean distances (shaders/wgsl/memory-pairwise.wgsl). */
export const MEMORY_PAIRWISE_KERNEL = declareKernel({
  shader: 'memory-pairwise',
  constants: { WORKGROUP_SIZE: MEMORY_DISTANCE_WORKGROUP_SIZE },
  workgroupSize: MEMORY_DISTANCE_WORKGROUP_SIZE,
  uniforms: { n: 'u32', dim: 'u32' },
  bindings: ['points', 'distances'],
});
/** The largest k the selection kernel accepts (k rounds per pass; passes must shrink the candidates). */
export const MEMORY_MAX_K = 256;

/** Scores per invocation of the selection kernel (declared once in wgsl-constants.ts, a WGSL const there). */
export function memoryTopKItemsPerThread(): number {
  return MEMORY_TOPK_ITEMS_PER_THREAD;
}

export function memoryTopKBlock(workgroupSize = MEMORY_TOPK_WORKGROUP_SIZE): number {
  return workgroupSize * memoryTopKItemsPerThread();
}

export function vectorNorm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** CPU reference (and the fast CPU path): scores of `rows` vectors stored row-major, into `out` at `outOffset`. */
export function vectorScoresCpu(
  vectors: Float32Array,
  rows: number,
  dim: number,
  query: Float32Array,
  metric: MemoryMetric,
  out: Float32Array,
  outOffset = 0,
  queryNorm = vectorNorm(query),
): Float32Array {
  for (let r = 0; r < rows; r++) {
    const base = r * dim;
    let score: number;
    if (metric === 'l2') {
      let sum = 0;
      for (let j = 0; j < dim; j++) {
        const d = vectors[base + j] - query[j];
        sum += d * d;
      }
      score = -Math.sqrt(sum);
    } else {
      let dot = 0;
      let norm = 0;
      for (let j = 0; j < dim; j++) {
        const v = vectors[base + j];
        dot += v * query[j];
        norm += v * v;
      }
      score = dot;
      if (metric === 'cosine') {
        const denom = Math.sqrt(norm) * queryNorm;
        score = denom > 0 ? dot / denom : 0;
      }
    }
    out[outOffset + r] = score;
  }
  return out;
}

/** Exact top-k of `scores[0..count)`: best first, equal scores by lower index. O(count · k). */
export function topKCpu(scores: Float32Array, count: number, k: number): { indices: Uint32Array; scores: Float32Array } {
  const m = Math.min(k, count);
  const idx = new Uint32Array(m);
  const val = new Float32Array(m);
  let filled = 0;
  for (let i = 0; i < count; i++) {
    const s = scores[i];
    // Scanning in index order, a later index only displaces on a strictly greater score.
    if (filled === m && !(s > val[m - 1])) continue;
    let p = filled < m ? filled++ : m - 1;
    while (p > 0 && s > val[p - 1]) {
      val[p] = val[p - 1];
      idx[p] = idx[p - 1];
      p--;
    }
    val[p] = s;
    idx[p] = i;
  }
  return { indices: idx, scores: val };
}

/** Brute-force top-k in JS: the CPU path of the memory service and the reference for the GPU path. */
export function vectorTopKCpu(vectors: Float32Array, rows: number, dim: number, query: Float32Array, k: number, metric: MemoryMetric) {
  const scores = vectorScoresCpu(vectors, rows, dim, query, metric, new Float32Array(rows));
  return topKCpu(scores, rows, k);
}

/**
 * Encodes the distance kernel over one chunk. `queryInfo` holds the query's norm and non-finite flag
 * (memory-query-norm.ts): written from the CPU for a CPU query, by the norm pass for a resident one.
 */
export function memoryDistanceStep(
  device: GPUDevice,
  params: GPUBuffer,
  vectors: GPUBuffer,
  query: GPUBuffer,
  queryInfo: GPUBuffer,
  scores: GPUBuffer,
  rows: number,
  workgroupSize = MEMORY_DISTANCE_WORKGROUP_SIZE,
): ComputeStep {
  const pipeline = kernelPipeline(device, MEMORY_DISTANCE_KERNEL, { WORKGROUP_SIZE: workgroupSize });
  return { pipeline, buffers: [params, vectors, query, queryInfo, scores], workgroups: dispatchFor(device, rows, workgroupSize) };
}

export function memoryDistanceParams(device: GPUDevice, rows: number, dim: number, metric: MemoryMetric, outOffset: number): GPUBuffer {
  return uniformBlock(device, MEMORY_DISTANCE_KERNEL, { rows, dim, metric: MEMORY_METRIC_CODE[metric], outOffset });
}

/**
 * Encodes the selection passes over `scores[0..count)`: each pass keeps k per block, until one
 * block remains. Returns the steps, the buffers holding the final k (score, index) pairs, and the
 * transient buffers to release after the submission.
 */
export function memoryTopKSteps(ctx: GpuContext, scores: GPUBuffer, count: number, k: number, workgroupSize = MEMORY_TOPK_WORKGROUP_SIZE) {
  const { device } = ctx;
  const block = memoryTopKBlock(workgroupSize);
  if (k >= block) throw new InvalidInputError(`k = ${k} is not below the selection block of ${block}`, `use k < ${block} or a larger workgroup size`);
  const pipeline = kernelPipeline(device, MEMORY_TOPK_KERNEL, { WORKGROUP_SIZE: workgroupSize });
  const steps: ComputeStep[] = [];
  const uniforms: GPUBuffer[] = [];
  const pooled: GPUBuffer[] = [];
  let inScores = scores;
  let inIndices = ctx.pool.acquire(4, STORAGE, 'topk-no-indices');
  pooled.push(inIndices);
  let n = count;
  let hasIndices = 0;
  for (;;) {
    const blocks = Math.ceil(n / block);
    const outScores = ctx.pool.acquire(blocks * k * 4, STORAGE, 'topk-scores');
    const outIndices = ctx.pool.acquire(blocks * k * 4, STORAGE, 'topk-indices');
    pooled.push(outScores, outIndices);
    const params = uniformBlock(device, MEMORY_TOPK_KERNEL, { count: n, k, hasIndices });
    uniforms.push(params);
    steps.push({
      pipeline,
      buffers: [params, inScores, inIndices, outScores, outIndices],
      workgroups: foldDispatch(blocks, device.limits.maxComputeWorkgroupsPerDimension),
    });
    inScores = outScores;
    inIndices = outIndices;
    n = blocks * k;
    hasIndices = 1;
    if (blocks === 1) break;
  }
  return { steps, scores: inScores, indices: inIndices, release: () => (uniforms.forEach((u) => u.destroy()), ctx.pool.release(...pooled)) };
}

/** Reads the k (score, index) pairs back: the only data that crosses to the CPU. */
export async function readTopK(device: GPUDevice, scores: GPUBuffer, indices: GPUBuffer, k: number, count: number) {
  const m = Math.min(k, count);
  const [s, i] = await Promise.all([readFloat32(device, scores, m), readUint32(device, indices, m)]);
  return { scores: s, indices: i };
}

export function requireTopK(k: unknown): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > MEMORY_MAX_K) {
    throw new InvalidInputError(`k is ${String(k)}`, `k must be an integer from 1 to ${MEMORY_MAX_K}`);
  }
  return k;
}

/**
 * One-shot GPU top-k over a row-major matrix (uploads, scores, selects, reads back k): for tests
 * and benchmarks of the kernels; the service keeps vectors resident instead (VectorIndex).
 */
export async function vectorTopKGpu(
  ctx: GpuContext,
  vectors: Float32Array,
  rows: number,
  dim: number,
  query: Float32Array,
  k: number,
  metric: MemoryMetric,
  /** Workgroup size of both kernels (a power of two); tests use 1 to reach >65,535 workgroups cheaply. */
  workgroupSize?: number,
): Promise<{ indices: Uint32Array; scores: Float32Array; timing: GpuTiming }> {
  requireTopK(k);
  if (rows < 1) throw new InvalidInputError('no rows', 'pass at least one vector');
  if (vectors.length < rows * dim || query.length !== dim) {
    throw new InvalidInputError(`vectors hold ${vectors.length} floats, query ${query.length}`, `pass rows·dim = ${rows * dim} floats and a query of ${dim}`);
  }
  const { device } = ctx;
  const vb = bufferFrom(device, vectors.subarray(0, rows * dim), STORAGE, 'vectors');
  const qb = bufferFrom(device, query, STORAGE, 'query');
  const info = ctx.pool.acquire(MEMORY_QUERY_INFO_BYTES, STORAGE, 'query-info');
  writeMemoryQueryInfo(device, info, query);
  const sb = ctx.pool.acquire(rows * 4, STORAGE, 'scores');
  const params = memoryDistanceParams(device, rows, dim, metric, 0);
  const topk = memoryTopKSteps(ctx, sb, rows, k, workgroupSize);
  try {
    const timing = await runCompute(device, [memoryDistanceStep(device, params, vb, qb, info, sb, rows, workgroupSize), ...topk.steps]);
    return { ...(await readTopK(device, topk.scores, topk.indices, k, rows)), timing };
  } finally {
    vb.destroy();
    qb.destroy();
    params.destroy();
    ctx.pool.release(sb, info);
    topk.release();
  }
}

/** CPU reference: all pairwise Euclidean distances, n × n row-major. */
export function pairwiseDistancesCpu(points: Float32Array, n: number, dim: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let sum = 0;
      for (let c = 0; c < dim; c++) {
        const d = points[i * dim + c] - points[j * dim + c];
        sum += d * d;
      }
      out[i * n + j] = out[j * n + i] = Math.sqrt(sum);
    }
  }
  return out;
}

/** All pairwise Euclidean distances on the GPU, read back as n × n. */
export async function pairwiseDistancesGpu(ctx: GpuContext, points: Float32Array, n: number, dim: number): Promise<{ distances: Float32Array; timing: GpuTiming }> {
  const { device, pool } = ctx;
  const pb = pool.acquire(n * dim * 4, STORAGE, 'points');
  const out = pool.acquire(n * n * 4, STORAGE, 'distances');
  try {
    device.queue.writeBuffer(pb, 0, points.subarray(0, n * dim) as Float32Array<ArrayBuffer>);
    const timing = await dispatch(ctx, { kernel: MEMORY_PAIRWISE_KERNEL, uniforms: { n, dim }, buffers: { points: pb, distances: out }, elements: n * n });
    return { distances: await readFloat32(device, out, n * n), timing };
  } finally {
    pool.release(pb, out);
  }
}
