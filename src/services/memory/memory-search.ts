import { InvalidInputError, requireNumberInRange } from '../../errors';
import type { GpuContext } from '../../gpu/device';
import type { GpuRuntime } from '../../gpu/runtime';
import type { GpuTensor, Handoff } from '../../gpu/tensor';
import { requireTopK } from '../../kernels/memory-vector-search';
import type { MemoryQueryOptions, MemoryQueryResult } from './memory-types';
import { readMemoryQueryTensor, requireMemoryQuery, type CheckedMemoryQuery, type MemoryQueryInput } from './query-tensor';
import type { RipsDiagram } from './rips-persistence';
import { persistenceDiagram, shapePointCloud, type ShapeInput, type ShapeOptions } from './shape';
import { shapeSignature } from './shape-signature';
import type { VectorIndex } from './vector-index';

/**
 * The memory's search: stored vectors by similarity and stored shapes by their persistence
 * signature, over indices resident on the GPU (with a CPU mirror) or in CPU memory, on the memory's
 * path. The tiered store (memory-service.ts) keeps the indices in step with what it stores.
 */
export class MemorySearch {
  /** Keys whose stored signature is of another version and could not be recomputed: left out of shape search. */
  readonly stale = new Set<string>();
  readonly path: 'gpu' | 'cpu';

  constructor(
    readonly vectors: VectorIndex,
    readonly signatures: VectorIndex,
    private device_: GpuContext | null,
    readonly dimension: number,
    readonly shapeOptions: ShapeOptions,
    /** With a runtime, a search after a device loss moves the indices to its new device first. */
    private readonly runtime?: GpuRuntime,
  ) {
    this.path = device_ ? 'gpu' : 'cpu';
  }

  /** The device the indices live on now (null on the CPU path). */
  get gpu(): GpuContext | null {
    return this.device_;
  }

  /** Top-k stored vectors by similarity, best first; equal scores: earlier-stored slot first. */
  async query(query: MemoryQueryInput, k: number, options: MemoryQueryOptions = {}): Promise<Array<{ key: string; score: number }>> {
    return (await this.queryWithInfo(query, k, options)).results;
  }

  /**
   * The query is CPU values (`ArrayLike<number>`, a CpuTensor) or a GpuTensor of shape [dimension]. A
   * GpuTensor on the device the vectors live on stays there (copied into the query buffer, its norm
   * computed on the GPU); otherwise it is read back. A resident query's NaN/Infinity is found after
   * the search (every score NaN) and throws InvalidInputError; nothing stored changes either way.
   */
  async queryWithInfo(query: MemoryQueryInput, k: number, options: MemoryQueryOptions = {}): Promise<MemoryQueryResult> {
    const checked = requireMemoryQuery(query, this.dimension);
    requireTopK(k);
    const metric = options.metric ?? 'cosine';
    if (metric !== 'cosine' && metric !== 'dot' && metric !== 'l2') throw new InvalidInputError(`metric is '${String(metric)}'`, "use 'cosine', 'dot' or 'l2'");
    const min = options.minSimilarity === undefined ? -Infinity : requireNumberInRange('minSimilarity', options.minSimilarity, -Number.MAX_VALUE, Number.MAX_VALUE);
    await this.followRuntimeDevice();
    const { input, handoff } = await this.queryForIndex(checked);
    const found = await this.vectors.search(input, k, metric);
    if (handoff === 'gpu' && found.scores.some(Number.isNaN)) {
      throw new InvalidInputError('the GPU-resident query tensor held NaN or infinite values', 'check the stage that produced it; the query must hold finite numbers only');
    }
    // "+ 0" turns the −0 of −√0 into 0.
    const results = found.keys.map((key, i) => ({ key, score: found.scores[i] + 0 })).filter((r) => r.score >= min);
    return { results, path: found.path, ms: found.ms, metric, handoff };
  }

  /** Keeps a GPU tensor on its device when the vectors live there; reads it back otherwise. */
  private async queryForIndex(query: CheckedMemoryQuery): Promise<{ input: Float32Array | GpuTensor; handoff: Handoff }> {
    const indexDevice = this.vectors.device;
    if (query.kind === 'cpu') return { input: query.values, handoff: indexDevice ? 'cpu→gpu' : 'cpu' };
    if (indexDevice && query.tensor.device === indexDevice) return { input: query.tensor, handoff: 'gpu' };
    return { input: await readMemoryQueryTensor(query.tensor, this.dimension), handoff: 'gpu→cpu' };
  }

  /** Items whose signature (H0 and H1 persistence landscapes) is nearest (L2 distance) to that of `data`. */
  async queryShape(data: ShapeInput, k: number): Promise<{ results: Array<{ key: string; distance: number }>; diagram: RipsDiagram; path: 'gpu' | 'cpu' }> {
    requireTopK(k);
    await this.followRuntimeDevice();
    const { signature, diagram, path } = await this.signatureOf(data);
    const found = await this.signatures.search(signature, k, 'l2');
    return { results: found.keys.map((key, i) => ({ key, distance: 0 - found.scores[i] })), diagram, path };
  }

  /** Diagram and signature of a shape (pairwise distances on the service's backend). */
  async signatureOf(data: ShapeInput) {
    return this.signatureOfCloud(shapePointCloud(data, this.shapeOptions));
  }

  /** Diagram and signature of a stored point cloud (a record's, to recompute its signature). */
  async signatureOfCloud(cloud: { points: Float32Array; n: number; dim: number }) {
    const { diagram, path } = await persistenceDiagram(cloud, this.device_, this.shapeOptions.threshold);
    return { diagram, signature: shapeSignature(diagram, this.shapeOptions), path, cloud };
  }

  /** Signatures stored by another signature version (or other options) and not recomputable: left out of shape search. */
  get staleSignatures(): string[] {
    return [...this.stale];
  }

  /**
   * Moves the resident vectors to another device (after a device loss): the chunks are rebuilt from
   * the CPU mirror. Called by itself when the service was opened with a `runtime`.
   */
  useGpu(gpu: GpuContext): void {
    if (this.path !== 'gpu') throw new InvalidInputError('this memory runs on the CPU path', "open it with backend: 'gpu' to use a device");
    this.device_ = gpu;
    this.vectors.rebind(gpu);
    this.signatures.rebind(gpu);
  }

  private async followRuntimeDevice(): Promise<void> {
    if (!this.runtime) return;
    const ctx = await this.runtime.context();
    if (ctx !== this.device_) this.useGpu(ctx);
  }

  /**
   * The device the vectors live on (undefined on the CPU backend; follows a runtime's device after
   * a query): a GpuTensor on this device is searched where it is, without a read-back.
   */
  get device(): GPUDevice | undefined {
    return this.vectors.device ?? undefined;
  }

  /** Vectors held for search (what one query scans). */
  get vectorCount(): number {
    return this.vectors.size;
  }
}
