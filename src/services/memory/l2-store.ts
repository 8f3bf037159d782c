import type { L2Batch, MemoryIndexRecord, MemoryValueRecord, WriteGuard } from './idb-tier';

/**
 * What the memory service needs of L2, the store on this machine: IndexedDB in a browser (IdbTier),
 * an embedded database at the edge (src/edge/lmdb-tier.ts). Every implementation keeps the same
 * guarantees: a batch commits whole or not at all (a refused one throws MemoryQuotaError and leaves
 * everything stored before it intact), and a batch whose promise resolved survives the process being killed.
 */
export interface L2Store {
  writeBatch(batch: L2Batch): Promise<void>;
  /** Value bytes of many keys (undefined where absent). */
  readValues(keys: readonly string[]): Promise<Array<MemoryValueRecord | undefined>>;
  loadIndex(): Promise<MemoryIndexRecord[]>;
  valueCount(): Promise<number>;
  close(): void;
}

/** Opens the L2 store of the memory named `name` (writeGuard: see MemoryServiceOptions.writeGuard). */
export type L2StoreOpener = (name: string, writeGuard?: WriteGuard) => Promise<L2Store>;
