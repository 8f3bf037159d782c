import { STORAGE, checkBindingSize } from '../../gpu/buffers';
import { runCompute, type ComputeStep } from '../../gpu/compute';
import type { GpuContext } from '../../gpu/device';
import { MEMORY_QUERY_INFO_BYTES, memoryQueryNormParams, memoryQueryNormStep, writeMemoryQueryInfo } from '../../kernels/memory-query-norm';
import {
  memoryDistanceParams,
  memoryDistanceStep,
  memoryTopKSteps,
  readTopK,
  type MemoryMetric,
} from '../../kernels/memory-vector-search';
import { cpuSearchBlockRows, rowNormsCpu, vectorSearchCpu } from '../../kernels/memory-vector-search-cpu';
import { WasmRowStore, wasmRowScanAvailable } from '../../kernels/wasm-row-scan';
import type { GpuTensor } from '../../gpu/tensor';
import { InvalidInputError } from '../../errors';
import { MemoryBudgetError } from './errors';
import { queryTensorProblem, submitMemoryQueryCopy } from './query-tensor';

export interface VectorSearchResult {
  keys: string[];
  scores: Float32Array;
  path: 'gpu' | 'cpu';
  ms: number;
}

/**
 * Vectors resident for search. Rows are compact (removal moves the last row into the hole), mirrored
 * in a growable Float32Array (the CPU path, and the source for rewriting rows) and, on the GPU path,
 * in fixed-size chunk buffers added as the index grows: a query runs the distance kernel over every
 * chunk and the top-k kernel over all scores in ONE submission, and reads back only k pairs.
 */
export class VectorIndex {
  private mirror: Float32Array;
  /** √(Σ v²) per slot, kept with the mirror: the CPU cosine scan reads each row once (memory-vector-search-cpu.ts). */
  private norms: Float64Array;
  /** Where WebAssembly SIMD runs and dim is a multiple of 4, the mirror lives in its memory (searched in place). */
  private readonly store: WasmRowStore | null;
  private readonly keys: string[] = [];
  private readonly slots = new Map<string, number>();
  private readonly chunks: GPUBuffer[] = [];

  constructor(
    readonly dim: number,
    private options: { gpu: GpuContext | null; chunkRows: number; budgetBytes: number; label: string },
  ) {
    this.store = dim > 0 && dim % 4 === 0 && wasmRowScanAvailable() ? new WasmRowStore(dim, cpuSearchBlockRows(dim), 64) : null;
    this.mirror = this.store ? this.store.rows : new Float32Array(dim * 64);
    this.norms = new Float64Array(this.mirror.length / Math.max(dim, 1));
    if (options.gpu) checkBindingSize(options.gpu.device, options.chunkRows * dim * 4, `${options.label} chunk`);
  }

  get size(): number {
    return this.keys.length;
  }

  get bytes(): number {
    return this.keys.length * this.dim * 4;
  }

  /** GPU bytes held in chunks (whole chunks, some rows unused). */
  /** The device the vectors are resident on; null on the CPU path. */
  get device(): GPUDevice | null {
    return this.options.gpu?.device ?? null;
  }

  get gpuBytes(): number {
    return this.chunks.length * this.options.chunkRows * this.dim * 4;
  }

  has(key: string): boolean {
    return this.slots.has(key);
  }

  get(key: string): Float32Array | undefined {
    const slot = this.slots.get(key);
    return slot === undefined ? undefined : this.mirror.slice(slot * this.dim, (slot + 1) * this.dim);
  }

  /** Throws MemoryBudgetError when adding these keys would exceed the byte budget. */
  requireRoom(keys: readonly string[]): void {
    const added = keys.filter((k) => !this.slots.has(k)).length;
    const needed = (this.keys.length + added) * this.dim * 4;
    if (needed > this.options.budgetBytes) {
      throw new MemoryBudgetError(
        `${this.options.label} would need ${needed} bytes for ${this.keys.length + added} vectors; its budget is ${this.options.budgetBytes}`,
        'raise vectorBudgetBytes or delete items that carry vectors',
      );
    }
  }

  /** Adds or replaces vectors; the GPU copy is written once per touched chunk. */
  upsertMany(entries: ReadonlyArray<{ key: string; vector: Float32Array }>): void {
    this.requireRoom(entries.map((e) => e.key));
    let lo = Infinity;
    let hi = -1;
    for (const { key, vector } of entries) {
      let slot = this.slots.get(key);
      if (slot === undefined) {
        slot = this.keys.length;
        this.keys.push(key);
        this.slots.set(key, slot);
        this.growMirror(this.keys.length);
      }
      this.mirror.set(vector, slot * this.dim);
      rowNormsCpu(this.mirror.subarray(slot * this.dim, (slot + 1) * this.dim), 1, this.dim, this.norms, slot);
      lo = Math.min(lo, slot);
      hi = Math.max(hi, slot);
    }
    if (hi >= 0) this.syncRows(lo, hi + 1);
  }

  remove(key: string): void {
    const slot = this.slots.get(key);
    if (slot === undefined) return;
    const last = this.keys.length - 1;
    if (slot !== last) {
      const moved = this.keys[last];
      this.mirror.copyWithin(slot * this.dim, last * this.dim, (last + 1) * this.dim);
      this.norms[slot] = this.norms[last];
      this.keys[slot] = moved;
      this.slots.set(moved, slot);
      this.syncRows(slot, slot + 1);
    }
    this.keys.pop();
    this.slots.delete(key);
  }

  /**
   * Top-k rows for a query in CPU memory, or for a GPU tensor on this index's device (checked by the
   * caller: shape [dim], float32), which is copied on the GPU and never read back.
   */
  async search(query: Float32Array | GpuTensor, k: number, metric: MemoryMetric): Promise<VectorSearchResult> {
    const start = performance.now();
    const n = this.keys.length;
    if (n === 0) return { keys: [], scores: new Float32Array(0), path: this.options.gpu ? 'gpu' : 'cpu', ms: 0 };
    const gpu = this.options.gpu;
    let top: { indices: Uint32Array; scores: Float32Array };
    if (gpu) top = await this.searchGpu(gpu, query, k, metric);
    else if (query instanceof Float32Array) top = vectorSearchCpu(this.mirror, n, this.dim, query, 1, k, metric, this.norms, this.store ?? undefined)[0];
    else throw new InvalidInputError('a GPU-resident query reached an index on the CPU', 'read the tensor back first (tensorValues)');
    return { keys: [...top.indices].map((i) => this.keys[i]), scores: top.scores, path: gpu ? 'gpu' : 'cpu', ms: performance.now() - start };
  }

  /**
   * Top-k rows for each of several CPU queries (each of length dim). On the CPU path one pass over
   * the rows scores them all (each block of rows is read from memory once, for every query); on the
   * GPU path the queries run one after another. `ms` is the whole batch's time, on every result.
   */
  async searchMany(queries: readonly Float32Array[], k: number, metric: MemoryMetric): Promise<VectorSearchResult[]> {
    if (this.options.gpu || queries.length === 0) {
      const out: VectorSearchResult[] = [];
      for (const q of queries) out.push(await this.search(q, k, metric));
      return out;
    }
    const start = performance.now();
    const packed = new Float32Array(queries.length * this.dim);
    queries.forEach((q, i) => packed.set(q.subarray(0, this.dim), i * this.dim));
    const tops = vectorSearchCpu(this.mirror, this.keys.length, this.dim, packed, queries.length, k, metric, this.norms, this.store ?? undefined);
    const ms = performance.now() - start;
    return tops.map((top) => ({ keys: [...top.indices].map((i) => this.keys[i]), scores: top.scores, path: 'cpu' as const, ms }));
  }

  /**
   * One submission: [norm pass,] the distance kernel over every chunk, the top-k passes; only k pairs
   * come back. A CPU query is written with its norm (computed here); a resident query is copied into
   * the query buffer on the GPU (a copy, not a binding offset: a batch row need not be 256-aligned)
   * and its norm computed by the norm pass, so both feed the same distance kernel.
   */
  private async searchGpu(ctx: GpuContext, query: Float32Array | GpuTensor, k: number, metric: MemoryMetric) {
    const { device } = ctx;
    const n = this.keys.length;
    const rowsPerChunk = this.options.chunkRows;
    const queryBuffer = ctx.pool.acquire(this.dim * 4, STORAGE, 'query');
    const queryInfo = ctx.pool.acquire(MEMORY_QUERY_INFO_BYTES, STORAGE, 'query-info');
    const scores = ctx.pool.acquire(n * 4, STORAGE, 'scores');
    const params: GPUBuffer[] = [];
    const steps: ComputeStep[] = [];
    let copyProblem: Promise<string | null> = Promise.resolve(null);
    if (query instanceof Float32Array) {
      device.queue.writeBuffer(queryBuffer, 0, query as Float32Array<ArrayBuffer>);
      writeMemoryQueryInfo(device, queryInfo, query);
    } else {
      copyProblem = submitMemoryQueryCopy(query, queryBuffer, this.dim * 4);
      const p = memoryQueryNormParams(device, this.dim);
      params.push(p);
      steps.push(memoryQueryNormStep(device, p, queryBuffer, queryInfo));
    }
    for (let c = 0; c * rowsPerChunk < n; c++) {
      const rows = Math.min(rowsPerChunk, n - c * rowsPerChunk);
      const p = memoryDistanceParams(device, rows, this.dim, metric, c * rowsPerChunk);
      params.push(p);
      steps.push(memoryDistanceStep(device, p, this.chunks[c], queryBuffer, queryInfo, scores, rows));
    }
    const topk = memoryTopKSteps(ctx, scores, n, k);
    try {
      await runCompute(device, [...steps, ...topk.steps], { timing: false });
      const top = await readTopK(device, topk.scores, topk.indices, k, n);
      const problem = await copyProblem;
      if (problem) throw queryTensorProblem(problem);
      return top;
    } finally {
      params.forEach((p) => p.destroy());
      ctx.pool.release(queryBuffer, queryInfo, scores);
      topk.release();
    }
  }

  private growMirror(rows: number): void {
    if (rows * this.dim <= this.mirror.length) return;
    if (this.store) {
      this.store.ensureRows(rows); // grows the memory in place, contents kept
      this.mirror = this.store.rows;
    } else {
      const next = new Float32Array(Math.max(rows * this.dim, this.mirror.length * 2));
      next.set(this.mirror);
      this.mirror = next;
    }
    const norms = new Float64Array(this.mirror.length / this.dim);
    norms.set(this.norms);
    this.norms = norms;
  }

  /** Copies rows [lo, hi) of the mirror to their chunks, adding chunks as the index grows. */
  private syncRows(lo: number, hi: number): void {
    const gpu = this.options.gpu;
    if (!gpu) return;
    const rowsPerChunk = this.options.chunkRows;
    while (this.chunks.length * rowsPerChunk < hi) {
      this.chunks.push(gpu.device.createBuffer({ size: rowsPerChunk * this.dim * 4, usage: STORAGE, label: `${this.options.label} chunk ${this.chunks.length}` }));
    }
    for (let c = Math.floor(lo / rowsPerChunk); c * rowsPerChunk < hi; c++) {
      const from = Math.max(lo, c * rowsPerChunk);
      const to = Math.min(hi, (c + 1) * rowsPerChunk);
      gpu.device.queue.writeBuffer(this.chunks[c], (from - c * rowsPerChunk) * this.dim * 4, this.mirror as Float32Array<ArrayBuffer>, from * this.dim, (to - from) * this.dim);
    }
  }

  /** Rebuilds the chunks on another device from the mirror (the old device was lost or replaced). */
  rebind(gpu: GpuContext): void {
    checkBindingSize(gpu.device, this.options.chunkRows * this.dim * 4, `${this.options.label} chunk`);
    this.destroy();
    this.options = { ...this.options, gpu };
    if (this.keys.length) this.syncRows(0, this.keys.length);
  }

  destroy(): void {
    this.chunks.forEach((b) => b.destroy());
    this.chunks.length = 0;
  }
}
