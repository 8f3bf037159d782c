import type { MemorySearch } from './memory-search';
import { openMemoryParts, type MemoryParts } from './memory-open';
import { readItems } from './memory-read';
import type { MemoryEvent, MemoryQueryOptions, MemoryQueryResult, MemoryRetrieveResult, MemoryServiceOptions, MemoryStoreItem, MemoryStoreResult, MemoryTier } from './memory-types';
import { InvalidInputError } from '../../errors';
import type { GpuContext } from '../../gpu/device';
import { encodeMemoryData, sha256Hex, type EncodedData } from './codec';
import { MemoryNotFoundError, MemoryQuotaError } from './errors';
import { memoryStorageEstimate, type MemoryIndexRecord } from './idb-tier';
import type { EvictionPolicy, PolicyName } from './policy';
import { L2Space } from './l2-space';
import type { L2Store } from './l2-store';
import { RemoteTier } from './remote-tier';
import { UploadQueue, type OwedUpload } from './upload-queue';
import type { ShapeInput, ShapeOptions } from './shape';
import { SHAPE_SIGNATURE_VERSION, shapeSignatureLength } from './shape-signature';
import type { RipsDiagram } from './rips-persistence';
import type { MemoryQueryInput } from './query-tensor';
import { requireMemoryKey, requireMemoryVector } from './validate';

interface Entry {
  record: MemoryIndexRecord;
}

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
  private readonly listeners: Array<(e: MemoryEvent) => void> = [];
  /** The service acquired its own device (none was passed) and destroys it on close. */
  private readonly ownsGpu: boolean;
  /** The next store order number (one past the largest stored). */
  private nextSeq = 0;
  /** L3 uploads that acknowledged writes owe (none without a remote). */
  private uploads?: UploadQueue;
  readonly counters = { l1Hits: 0, l2Hits: 0, l3Hits: 0, quotaErrors: 0, demotions: 0, promotions: 0 };
  private readonly options: MemoryParts['limits'];
  // The tiers' state, shared with the read path (memory-read.ts); not for callers.
  readonly entries = new Map<string, Entry>();
  readonly l1Values = new Map<string, EncodedData>();
  readonly dirty = new Set<string>();
  /** L2's room: budget, demotion to L3, quota recovery. */
  readonly space: L2Space;
  readonly l1Policy: EvictionPolicy;
  readonly l2Policy: EvictionPolicy;
  readonly l2: L2Store;
  readonly remote: RemoteTier | null;
  private readonly search: MemorySearch;

  private constructor(parts: MemoryParts) {
    ({ limits: this.options, l1Policy: this.l1Policy, l2Policy: this.l2Policy, l2: this.l2, remote: this.remote, search: this.search } = parts);
    this.space = new L2Space({
      l2: parts.l2,
      policy: parts.l2Policy,
      entries: this.entries,
      hasRemote: parts.remote !== null,
      budgetBytes: parts.limits.l2BudgetBytes,
      counters: this.counters,
      emit: (e) => this.emit(e),
    });
    this.dimension = parts.search.dimension;
    this.backend = parts.search.path;
    this.policyName = parts.policyName;
    this.shapeOptions = parts.search.shapeOptions;
    this.ownsGpu = parts.ownsGpu;
    if (parts.remote) this.uploads = this.uploadQueue(parts.remote, parts.uploadRetryMs);
  }

  /** Opens (or reopens after a reload) the memory named `options.name`, loading its index from IndexedDB. */
  static async open(options: MemoryServiceOptions = {}): Promise<MemoryService> {
    const service = new MemoryService(await openMemoryParts(options));
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
    this.search.vectors.requireRoom(prepared.filter((p) => p.vector).map((p) => p.key));
    this.search.signatures.requireRoom(prepared.filter((p) => p.signature).map((p) => p.key));
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
    this.search.vectors.upsertMany(records.filter((r) => r.vector).map((r) => ({ key: r.key, vector: r.vector! })));
    this.search.signatures.upsertMany(records.filter((r) => r.signature).map((r) => ({ key: r.key, vector: r.signature! })));
    for (const [i, record] of records.entries()) {
      this.entries.set(record.key, { record });
      if (!record.vector) this.search.vectors.remove(record.key);
      if (!record.signature) this.search.signatures.remove(record.key);
      this.search.stale.delete(record.key);
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
    return readItems(this, keys);
  }

  /** Search (memory-search.ts): top-k stored vectors, best first; equal scores: earlier-stored first. */
  async query(query: MemoryQueryInput, k: number, options: MemoryQueryOptions = {}): Promise<Array<{ key: string; score: number }>> {
    return this.search.query(query, k, options);
  }

  async queryWithInfo(query: MemoryQueryInput, k: number, options: MemoryQueryOptions = {}): Promise<MemoryQueryResult> {
    return this.search.queryWithInfo(query, k, options);
  }

  async queryShape(data: ShapeInput, k: number): Promise<{ results: Array<{ key: string; distance: number }>; diagram: RipsDiagram; path: 'gpu' | 'cpu' }> {
    return this.search.queryShape(data, k);
  }

  async signatureOf(data: ShapeInput) {
    return this.search.signatureOf(data);
  }

  /** Signatures stored by another signature version (or other options) and not recomputable: left out of shape search. */
  get staleSignatures(): string[] {
    return [...this.search.stale];
  }

  useGpu(gpu: GpuContext): void {
    this.search.useGpu(gpu);
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

  /** The device the vectors live on (undefined on the CPU path): a GpuTensor there is searched in place. */
  get device(): GPUDevice | undefined {
    return this.search.device;
  }

  /** Vectors held for search (what one query scans). */
  get vectorCount(): number {
    return this.search.vectors.size;
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
      this.search.vectors.remove(key);
      this.search.signatures.remove(key);
      this.search.stale.delete(key);
      this.dirty.delete(key);
    }
  }

  /** Writes access counts changed since the last flush, in one transaction: the policy's hints, not stored data, so on a full disk they wait for a later flush. */
  async flush(): Promise<void> {
    const keys = [...this.dirty].filter((k) => this.entries.has(k));
    this.dirty.clear();
    if (keys.length) await this.l2.writeBatch({ puts: keys.map((k) => ({ record: this.entries.get(k)!.record })) }).catch((error: unknown) => {
      if (!(error instanceof MemoryQuotaError)) throw error;
      for (const k of keys) this.dirty.add(k);
      this.counters.quotaErrors++;
    });
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
      vectors: { items: this.search.vectors.size, bytes: this.search.vectors.bytes, gpuBytes: this.search.vectors.gpuBytes },
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
    this.search.vectors.destroy();
    this.search.signatures.destroy();
    if (this.ownsGpu) this.search.gpu?.destroy();
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
    this.search.vectors.upsertMany(records.filter((r) => r.vector).map((r) => ({ key: r.key, vector: r.vector! })));
    await this.refreshSignatures(records);
    this.search.signatures.upsertMany(records.filter((r) => r.signature && !this.search.stale.has(r.key)).map((r) => ({ key: r.key, vector: r.signature! })));
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
        this.search.stale.add(record.key);
        continue;
      }
      record.signature = (await this.search.signatureOfCloud(record.shapeCloud)).signature;
      record.signatureVersion = SHAPE_SIGNATURE_VERSION;
      rewritten.push(record);
    }
    if (rewritten.length) await this.l2.writeBatch({ puts: rewritten.map((record) => ({ record })) });
  }

  /** Offers a value to L1 (read path too). */
  admitToL1(key: string, encoded: EncodedData): void {
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

  emit(event: MemoryEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

