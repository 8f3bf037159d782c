import { InvalidInputError, requireInteger, requireNumberInRange } from '../../errors';
import { acquireGpu, type GpuContext } from '../../gpu/device';
import type { GpuRuntime } from '../../gpu/runtime';
import type { GpuTensor, Handoff } from '../../gpu/tensor';
import { requireTopK, type MemoryMetric } from '../../kernels/memory-vector-search';
import { decodeMemoryData, encodeMemoryData, sha256Hex, type EncodedData, type MemoryData } from './codec';
import { MemoryBudgetError, MemoryNotFoundError, MemoryQuotaError, RemoteUnavailableError } from './errors';
import { IdbTier, memoryRequestPersistence, memoryStorageEstimate, type MemoryIndexRecord, type WriteGuard } from './idb-tier';
import { createEvictionPolicy, type EvictionPolicy, type PolicyName } from './policy';
import { L2Space } from './l2-space';
import { RemoteTier, type RemoteTierOptions } from './remote-tier';
import { UploadQueue, type OwedUpload } from './upload-queue';
import { DEFAULT_SHAPE_OPTIONS, persistenceDiagram, requireShapeOptions, shapePointCloud, type ShapeInput, type ShapeOptions } from './shape';
import { SHAPE_SIGNATURE_VERSION, shapeSignature, shapeSignatureLength } from './shape-signature';
import type { RipsDiagram } from './rips-persistence';
import { readMemoryQueryTensor, requireMemoryQuery, type CheckedMemoryQuery, type MemoryQueryInput } from './query-tensor';
import { requireMemoryKey, requireMemoryVector } from './validate';
import { VectorIndex } from './vector-index';

export type MemoryTier = 'L1' | 'L2' | 'L3';

export interface MemoryServiceOptions {
  /** Names the IndexedDB database (`aura-memory-<name>`). */
  name?: string;
  /** Dimension of stored vectors (default 384). */
  dimension?: number;
  /** Where vector and shape distances are computed. */
  backend?: 'gpu' | 'cpu';
  /** The runtime's device; acquired when backend is 'gpu' and none is given. */
  gpu?: GpuContext;
  /** Or the runtime that owns the device: after a device loss the next call moves to its new device. */
  runtime?: GpuRuntime;
  /** Admission/eviction for L1 and L2 (default 'w-tinylfu'; 'lru' for comparison). */
  policy?: PolicyName;
  /** Bytes of hot values held in memory (L1). */
  l1BudgetBytes?: number;
  /** Bytes of vectors resident for search (on the GPU on the gpu backend). */
  vectorBudgetBytes?: number;
  /** Bytes of values in IndexedDB (L2); beyond it, values with a remote copy are demoted to L3. */
  l2BudgetBytes?: number;
  maxValueBytes?: number;
  /** Rows per GPU vector chunk. */
  chunkRows?: number;
  remote?: RemoteTierOptions;
  /** First wait before an L3 upload that failed is tried again, in ms, doubled each time up to a minute (default 1,000). */
  uploadRetryMs?: number;
  shape?: Partial<ShapeOptions>;
  /** Called inside each IndexedDB write per value: throw a QuotaExceededError to simulate a full disk. */
  writeGuard?: WriteGuard;
  /** Ask the browser to make storage persistent (navigator.storage.persist()). */
  persist?: boolean;
}

export interface MemoryStoreItem {
  key: string;
  data: MemoryData;
  vector?: ArrayLike<number>;
  shape?: ShapeInput;
}

export interface MemoryStoreResult {
  key: string;
  tier: MemoryTier;
  sizeBytes: number;
}

export interface MemoryRetrieveResult {
  data: MemoryData;
  tier: MemoryTier;
  accessCount: number;
  timing: { ms: number; source: MemoryTier };
}

export interface MemoryQueryOptions {
  metric?: MemoryMetric;
  /** Drop results scoring below this (cosine/dot similarity, or −distance for l2). */
  minSimilarity?: number;
}

/** What `queryWithInfo` returns. */
export interface MemoryQueryResult {
  /** Best first; equal scores: the earlier-stored slot first. */
  results: Array<{ key: string; score: number }>;
  /** Where the scores and top-k were computed. */
  path: 'gpu' | 'cpu';
  ms: number;
  metric: MemoryMetric;
  /**
   * How the query reached the index: 'gpu' (a GPU tensor copied on its device, never read back),
   * 'gpu→cpu' (a GPU tensor read back: the memory runs on the CPU or on another device),
   * 'cpu→gpu' (CPU values uploaded to the GPU index), 'cpu' (CPU values, CPU index).
   */
  handoff: Handoff;
}

export type MemoryEvent =
  | { type: 'quota'; keys: string[]; evicted: string[]; recovered: boolean }
  | { type: 'promote'; key: string; from: MemoryTier; to: MemoryTier }
  | { type: 'demote'; key: string; from: MemoryTier; to: MemoryTier }
  | { type: 'remote-error'; key: string; message: string };

interface Entry {
  record: MemoryIndexRecord;
}

const MiB = 1024 * 1024;

/**
 * The memory service: values in three tiers (L1 memory with vectors resident on the GPU, L2
 * IndexedDB, L3 content-addressed remote), vector search, and search by topological shape.
 * Writes go through to L2 (and to L3 when a remote is configured) in one transaction per batch;
 * L1 and L2 residency is decided by the admission/eviction policy; reads promote.
 */
export class MemoryService {
  readonly dimension: number;
  readonly backend: 'gpu' | 'cpu';
  readonly policyName: PolicyName;
  readonly shapeOptions: ShapeOptions;
  private readonly entries = new Map<string, Entry>();
  private readonly l1Values = new Map<string, EncodedData>();
  private readonly dirty = new Set<string>();
  private readonly listeners: Array<(e: MemoryEvent) => void> = [];
  private readonly stale = new Set<string>();
  /** The service acquired its own device (none was passed) and destroys it on close. */
  private ownsGpu = false;
  private runtime?: GpuRuntime;
  /** L2's room: budget, demotion to L3, quota recovery. */
  private readonly space: L2Space;
  /** The next store order number (one past the largest stored). */
  private nextSeq = 0;
  /** L3 uploads that acknowledged writes owe (none without a remote). */
  private uploads?: UploadQueue;
  readonly counters = { l1Hits: 0, l2Hits: 0, l3Hits: 0, quotaErrors: 0, demotions: 0, promotions: 0 };

  private constructor(
    private readonly options: Required<Pick<MemoryServiceOptions, 'l1BudgetBytes' | 'l2BudgetBytes' | 'maxValueBytes'>>,
    private gpu: GpuContext | null,
    private readonly l1Policy: EvictionPolicy,
    private readonly l2Policy: EvictionPolicy,
    private readonly l2: IdbTier,
    private readonly remote: RemoteTier | null,
    private readonly vectors: VectorIndex,
    private readonly signatures: VectorIndex,
    dimension: number,
    policyName: PolicyName,
    shapeOptions: ShapeOptions,
  ) {
    this.space = new L2Space({
      l2,
      policy: l2Policy,
      entries: this.entries,
      hasRemote: remote !== null,
      budgetBytes: options.l2BudgetBytes,
      counters: this.counters,
      emit: (e) => this.emit(e),
    });
    this.dimension = dimension;
    this.backend = gpu ? 'gpu' : 'cpu';
    this.policyName = policyName;
    this.shapeOptions = shapeOptions;
  }

  /** Opens (or reopens after a reload) the memory named `options.name`, loading its index from IndexedDB. */
  static async open(options: MemoryServiceOptions = {}): Promise<MemoryService> {
    const dimension = requireInteger('dimension', options.dimension ?? 384, 1, 65_536);
    const backend = options.backend ?? 'gpu';
    if (backend !== 'gpu' && backend !== 'cpu') throw new InvalidInputError(`backend is '${String(backend)}'`, "use 'gpu' or 'cpu'");
    const policy = options.policy ?? 'w-tinylfu';
    const l1BudgetBytes = requireNumberInRange('l1BudgetBytes', options.l1BudgetBytes ?? 64 * MiB, 1, Number.MAX_SAFE_INTEGER);
    const l2BudgetBytes = requireNumberInRange('l2BudgetBytes', options.l2BudgetBytes ?? 1024 * MiB, 1, Number.MAX_SAFE_INTEGER);
    const maxValueBytes = requireNumberInRange('maxValueBytes', options.maxValueBytes ?? 16 * MiB, 1, Number.MAX_SAFE_INTEGER);
    const vectorBudgetBytes = requireNumberInRange('vectorBudgetBytes', options.vectorBudgetBytes ?? 256 * MiB, 1, Number.MAX_SAFE_INTEGER);
    const chunkRows = requireInteger('chunkRows', options.chunkRows ?? 16_384, 1, 1 << 24);
    const name = requireMemoryKey(options.name ?? 'default');
    const shapeOptions = requireShapeOptions({ ...DEFAULT_SHAPE_OPTIONS, ...options.shape });
    const ownsGpu = backend === 'gpu' && !options.gpu && !options.runtime;
    const gpu = backend === 'gpu' ? (options.gpu ?? (options.runtime ? await options.runtime.context() : await acquireGpu())) : null;
    const remote = options.remote ? new RemoteTier(options.remote) : null;
    const l2 = await IdbTier.open(name, options.writeGuard);
    if (options.persist) await memoryRequestPersistence();
    const vectors = new VectorIndex(dimension, { gpu, chunkRows, budgetBytes: vectorBudgetBytes, label: 'memory vectors' });
    const signatureDim = shapeSignatureLength(shapeOptions);
    const signatures = new VectorIndex(signatureDim, { gpu, chunkRows: Math.min(chunkRows, 4096), budgetBytes: vectorBudgetBytes, label: 'shape signatures' });
    const service = new MemoryService(
      { l1BudgetBytes, l2BudgetBytes, maxValueBytes },
      gpu,
      createEvictionPolicy(policy, l1BudgetBytes, 4096),
      createEvictionPolicy(policy, l2BudgetBytes, 65_536),
      l2,
      remote,
      vectors,
      signatures,
      dimension,
      policy,
      shapeOptions,
    );
    service.ownsGpu = ownsGpu;
    service.runtime = backend === 'gpu' ? options.runtime : undefined;
    if (remote) service.uploads = service.uploadQueue(remote, requireNumberInRange('uploadRetryMs', options.uploadRetryMs ?? 1000, 1, 3_600_000));
    await service.loadIndex();
    return service;
  }

  on(listener: (e: MemoryEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Stores one item (one IndexedDB transaction). */
  async store(item: MemoryStoreItem): Promise<MemoryStoreResult> {
    return (await this.storeMany([item]))[0];
  }

  /** Stores a batch: validated whole first, then ONE IndexedDB transaction for all of it. */
  async storeMany(items: readonly MemoryStoreItem[]): Promise<MemoryStoreResult[]> {
    if (!Array.isArray(items) || items.length === 0) throw new InvalidInputError('no items to store', 'pass at least one { key, data }');
    const seen = new Set<string>();
    const prepared: Array<{ key: string; encoded: EncodedData; vector?: Float32Array; signature?: Float32Array; cloud?: MemoryIndexRecord['shapeCloud']; hash: string }> = [];
    for (const [i, item] of items.entries()) {
      if (item === null || typeof item !== 'object') throw new InvalidInputError(`items[${i}] is ${String(item)}`, 'pass { key, data, vector?, shape? }');
      const key = requireMemoryKey(item.key);
      if (seen.has(key)) throw new InvalidInputError(`key '${key}' appears twice in one batch`, 'store each key once per batch');
      seen.add(key);
      const encoded = encodeMemoryData(item.data, this.options.maxValueBytes);
      const vector = item.vector === undefined ? undefined : requireMemoryVector(`vector of '${key}'`, item.vector, this.dimension);
      const signature = item.shape === undefined ? undefined : await this.signatureOf(item.shape);
      prepared.push({ key, encoded, vector, signature: signature?.signature, cloud: signature?.cloud, hash: await sha256Hex(encoded.bytes) });
    }
    this.space.requireRoom(prepared.reduce((s, p) => s + p.encoded.bytes.byteLength, 0), prepared.map((p) => p.key));
    this.vectors.requireRoom(prepared.filter((p) => p.vector).map((p) => p.key));
    this.signatures.requireRoom(prepared.filter((p) => p.signature).map((p) => p.key));
    // IndexedDB first: the write is acknowledged from there; its L3 upload is queued after.
    const inRemote = (key: string, hash: string) => {
      const previous = this.entries.get(key)?.record;
      return Boolean(previous?.inRemote && previous.hash === hash);
    };
    const records: MemoryIndexRecord[] = prepared.map((p) => ({
      key: p.key,
      kind: p.encoded.kind,
      sizeBytes: p.encoded.bytes.byteLength,
      hash: p.hash,
      accessCount: this.entries.get(p.key)?.record.accessCount ?? 0,
      inL2: true,
      inRemote: inRemote(p.key, p.hash),
      createdAt: Date.now(),
      // A key stored again keeps its place (its vector keeps its slot); a new key goes last.
      seq: this.entries.get(p.key)?.record.seq ?? this.nextSeq++,
      vector: p.vector,
      signature: p.signature,
      signatureVersion: p.signature ? SHAPE_SIGNATURE_VERSION : undefined,
      shapeCloud: p.cloud,
    }));
    const puts = records.map((record, i) => ({ record, value: { kind: prepared[i].encoded.kind, bytes: prepared[i].encoded.bytes } }));
    await this.space.write(puts);
    // Resident vectors: one GPU write per touched chunk for the whole batch.
    this.vectors.upsertMany(records.filter((r) => r.vector).map((r) => ({ key: r.key, vector: r.vector! })));
    this.signatures.upsertMany(records.filter((r) => r.signature).map((r) => ({ key: r.key, vector: r.signature! })));
    for (const [i, record] of records.entries()) {
      this.entries.set(record.key, { record });
      if (!record.vector) this.vectors.remove(record.key);
      if (!record.signature) this.signatures.remove(record.key);
      this.stale.delete(record.key);
      this.l1Values.delete(record.key);
      this.admitToL1(record.key, prepared[i].encoded);
    }
    for (const [i, record] of records.entries()) if (!record.inRemote) this.uploads?.enqueue(record.key, record.hash, prepared[i].encoded.bytes);
    await this.space.admit(records.map((r) => r.key));
    return records.map((r) => ({ key: r.key, tier: this.tierOf(r.key), sizeBytes: r.sizeBytes }));
  }

  /** Reads an item from the highest tier that holds it and promotes it by the policy. */
  async retrieve(key: string): Promise<MemoryRetrieveResult> {
    return (await this.retrieveMany([key]))[0];
  }

  /**
   * Reads many items: L1 hits from memory, every L2 read in ONE IndexedDB transaction, L3 blobs
   * fetched in parallel and verified, then promoted into L2 in one transaction and offered to L1.
   */
  async retrieveMany(keys: readonly string[]): Promise<MemoryRetrieveResult[]> {
    if (!Array.isArray(keys) || keys.length === 0) throw new InvalidInputError('no keys to retrieve', 'pass at least one key');
    const start = performance.now();
    const records = keys.map((key) => {
      requireMemoryKey(key);
      const entry = this.entries.get(key);
      if (!entry) throw new MemoryNotFoundError(key);
      return entry.record;
    });
    const found = new Map<string, { encoded: EncodedData; source: MemoryTier }>();
    const fromL2: MemoryIndexRecord[] = [];
    const fromL3: MemoryIndexRecord[] = [];
    const classified = new Set<string>();
    for (const record of records) {
      if (classified.has(record.key)) continue;
      classified.add(record.key);
      const hot = this.l1Values.get(record.key);
      if (hot) found.set(record.key, { encoded: hot, source: 'L1' });
      else if (record.inL2) fromL2.push(record);
      else fromL3.push(record);
    }
    if (fromL2.length) {
      const values = await this.l2.readValues(fromL2.map((r) => r.key));
      fromL2.forEach((record, i) => {
        const value = values[i];
        if (value) found.set(record.key, { encoded: { kind: value.kind, bytes: value.bytes }, source: 'L2' });
        // Its value was dropped to free space and the index write after it did not land: the remote copy serves.
        else if (record.inRemote) fromL3.push(record);
        else throw new MemoryNotFoundError(record.key);
      });
    }
    if (fromL3.length) await this.fetchFromRemote(fromL3, found);
    const results: MemoryRetrieveResult[] = [];
    for (const record of records) {
      const { encoded, source } = found.get(record.key)!;
      record.accessCount++;
      this.dirty.add(record.key);
      if (source === 'L1') {
        this.counters.l1Hits++;
        this.l1Policy.recordAccess(record.key);
      } else {
        this.counters[source === 'L2' ? 'l2Hits' : 'l3Hits']++;
        if (!this.l1Values.has(record.key)) this.admitToL1(record.key, encoded);
        else this.l1Policy.recordAccess(record.key);
      }
      if (record.inL2 && source !== 'L3') this.l2Policy.recordAccess(record.key);
      const tier = this.tierOf(record.key);
      if (source !== 'L1' && tier === 'L1') {
        this.counters.promotions++;
        this.emit({ type: 'promote', key: record.key, from: source, to: tier });
      }
      results.push({ data: decodeMemoryData(encoded), tier, accessCount: record.accessCount, timing: { ms: performance.now() - start, source } });
    }
    return results;
  }

  /** Fetches and verifies L3 blobs, then promotes them into L2 in one transaction (a full disk only skips the promotion). */
  private async fetchFromRemote(records: MemoryIndexRecord[], found: Map<string, { encoded: EncodedData; source: MemoryTier }>): Promise<void> {
    const remote = this.remote;
    if (!remote) throw new RemoteUnavailableError(`'${records[0].key}' is held only remotely and no remote tier is configured`);
    const blobs = await Promise.all(records.map((r) => remote.get(r.hash, r.key)));
    records.forEach((record, i) => found.set(record.key, { encoded: { kind: record.kind, bytes: blobs[i] }, source: 'L3' }));
    const promoted = records.map((record, i) => ({ record: { ...record, inL2: true }, value: { kind: record.kind, bytes: blobs[i] } }));
    try {
      await this.space.write(promoted);
    } catch (error) {
      if (error instanceof MemoryQuotaError) return; // served from L3; stays there
      throw error;
    }
    for (const record of records) {
      record.inL2 = true;
      this.counters.promotions++;
      this.emit({ type: 'promote', key: record.key, from: 'L3', to: 'L2' });
    }
    await this.space.admit(records.map((r) => r.key));
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

  private async signatureOfCloud(cloud: { points: Float32Array; n: number; dim: number }) {
    const { diagram, path } = await persistenceDiagram(cloud, this.gpu, this.shapeOptions.threshold);
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
    if (this.backend !== 'gpu') throw new InvalidInputError('this memory runs on the CPU backend', "open it with backend: 'gpu' to use a device");
    this.gpu = gpu;
    this.vectors.rebind(gpu);
    this.signatures.rebind(gpu);
  }

  private async followRuntimeDevice(): Promise<void> {
    if (!this.runtime) return;
    const ctx = await this.runtime.context();
    if (ctx !== this.gpu) this.useGpu(ctx);
  }

  /** Which tier serves the key now. */
  tierOf(key: string): MemoryTier {
    const entry = this.entries.get(key);
    if (!entry) throw new MemoryNotFoundError(key);
    if (this.l1Values.has(key)) return 'L1';
    return entry.record.inL2 ? 'L2' : 'L3';
  }

  has(key: string): boolean {
    return this.entries.has(key);
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

  keys(): string[] {
    return [...this.entries.keys()];
  }

  async delete(keys: readonly string[]): Promise<void> {
    keys.forEach(requireMemoryKey);
    await this.l2.writeBatch({ deletes: [...keys] });
    this.uploads?.drop(keys);
    for (const key of keys) {
      this.entries.delete(key);
      this.l1Values.delete(key);
      this.l1Policy.remove(key);
      this.l2Policy.remove(key);
      this.vectors.remove(key);
      this.signatures.remove(key);
      this.stale.delete(key);
      this.dirty.delete(key);
    }
  }

  /** Writes access counts changed since the last flush, in one transaction. */
  async flush(): Promise<void> {
    const puts = [...this.dirty].filter((k) => this.entries.has(k)).map((k) => ({ record: this.entries.get(k)!.record }));
    this.dirty.clear();
    if (puts.length) await this.l2.writeBatch({ puts });
  }

  async stats() {
    let l1Bytes = 0;
    for (const v of this.l1Values.values()) l1Bytes += v.bytes.byteLength;
    let l2Bytes = 0;
    let l2Items = 0;
    let l3Only = 0;
    for (const { record } of this.entries.values()) {
      if (record.inL2) (l2Bytes += record.sizeBytes), l2Items++;
      else l3Only++;
    }
    return {
      backend: this.backend,
      policy: this.policyName,
      items: this.entries.size,
      l1: { items: this.l1Values.size, bytes: l1Bytes, budgetBytes: this.options.l1BudgetBytes },
      vectors: { items: this.vectors.size, bytes: this.vectors.bytes, gpuBytes: this.vectors.gpuBytes },
      l2: { items: l2Items, bytes: l2Bytes, budgetBytes: this.options.l2BudgetBytes },
      l3: { onlyRemote: l3Only, ...(this.remote?.stats ?? {}) },
      uploads: { pending: this.uploads?.pending ?? 0 },
      counters: { ...this.counters },
      storage: await memoryStorageEstimate(),
    };
  }

  /** Resolves once every L3 upload now running has finished and been recorded (for tests, and before a planned shutdown). */
  async settleUploads(): Promise<void> {
    await this.uploads?.settle();
  }

  async close(): Promise<void> {
    this.uploads?.stop();
    await this.flush();
    this.l2.close();
    this.vectors.destroy();
    this.signatures.destroy();
    if (this.ownsGpu) this.gpu?.destroy();
  }

  private async loadIndex(): Promise<void> {
    const records = await this.l2.loadIndex();
    // Store order; records from before `seq` existed come first, by time, then key.
    records.sort((a, b) => (a.seq ?? -1) - (b.seq ?? -1) || a.createdAt - b.createdAt || (a.key < b.key ? -1 : 1));
    this.nextSeq = records.reduce((n, r) => Math.max(n, (r.seq ?? -1) + 1), 0);
    for (const record of records) {
      this.entries.set(record.key, { record });
      if (record.inL2 && record.inRemote) this.l2Policy.add(record.key, record.sizeBytes);
      else if (record.inL2) this.uploads?.enqueue(record.key, record.hash); // owed since before the reload
    }
    this.vectors.upsertMany(records.filter((r) => r.vector).map((r) => ({ key: r.key, vector: r.vector! })));
    await this.refreshSignatures(records);
    this.signatures.upsertMany(records.filter((r) => r.signature && !this.stale.has(r.key)).map((r) => ({ key: r.key, vector: r.signature! })));
  }

  /**
   * Signatures of another version or length (stored before the H1 signature, or with other shape
   * options) cannot be compared with today's: they are recomputed from the stored point cloud and
   * written back in one transaction; records without a cloud (version 1) are left out of shape search
   * (`staleSignatures`) until stored again. Either way a query never meets a signature of the wrong length.
   */
  private async refreshSignatures(records: MemoryIndexRecord[]): Promise<void> {
    const length = shapeSignatureLength(this.shapeOptions);
    const rewritten: MemoryIndexRecord[] = [];
    for (const record of records) {
      if (!record.signature) continue;
      if (record.signatureVersion === SHAPE_SIGNATURE_VERSION && record.signature.length === length) continue;
      if (!record.shapeCloud) {
        this.stale.add(record.key);
        continue;
      }
      record.signature = (await this.signatureOfCloud(record.shapeCloud)).signature;
      record.signatureVersion = SHAPE_SIGNATURE_VERSION;
      rewritten.push(record);
    }
    if (rewritten.length) await this.l2.writeBatch({ puts: rewritten.map((record) => ({ record })) });
  }

  private admitToL1(key: string, encoded: EncodedData): void {
    this.l1Values.set(key, encoded);
    for (const evicted of this.l1Policy.add(key, encoded.bytes.byteLength)) {
      if (this.l1Values.delete(evicted) && evicted !== key) {
        this.counters.demotions++;
        this.emit({ type: 'demote', key: evicted, from: 'L1', to: this.entries.get(evicted)?.record.inL2 ? 'L2' : 'L3' });
      }
    }
  }

  /** The queue of owed L3 uploads: bytes read back from L2, acknowledgements recorded in one index write. */
  private uploadQueue(remote: RemoteTier, retryMs: number): UploadQueue {
    return new UploadQueue(remote, {
      read: async (key) => (this.entries.get(key)?.record.inL2 ? (await this.l2.readValues([key]))[0]?.bytes : undefined),
      uploaded: (done) => this.recordUploads(done),
      failed: (key, error) => this.emit({ type: 'remote-error', key, message: (error as Error)?.message ?? String(error) }),
    }, retryMs);
  }

  /** The remote holds these values now: say so in the index (one transaction), then let the L2 policy demote over budget. */
  private async recordUploads(done: OwedUpload[]): Promise<void> {
    const records = done.map(({ key, hash }) => this.entries.get(key)?.record).filter((r, i): r is MemoryIndexRecord => r?.hash === done[i].hash && !r.inRemote);
    if (!records.length) return;
    await this.l2.writeBatch({ puts: records.map((r) => ({ record: { ...r, inRemote: true } })) });
    for (const record of records) record.inRemote = true;
    await this.space.admit(records.map((r) => r.key));
  }

  private emit(event: MemoryEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

