import type { MemoryData } from './codec';
import type { GpuContext } from '../../gpu/device';
import type { GpuRuntime } from '../../gpu/runtime';
import type { Handoff } from '../../gpu/tensor';
import type { MemoryMetric } from '../../kernels/memory-vector-search';
import type { WriteGuard } from './idb-tier';
import type { L2StoreOpener } from './l2-store';
import type { PolicyName } from './policy';
import type { RemoteTierOptions } from './remote-tier';
import type { ShapeInput, ShapeOptions } from './shape';

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
  /** Where L2 lives when not in IndexedDB (the edge: src/edge/lmdb-tier.ts); default IndexedDB. */
  l2Store?: L2StoreOpener;
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
