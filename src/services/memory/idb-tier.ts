import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { DataKind } from './codec';
import { MemoryQuotaError, isQuotaExceeded } from './errors';

/** What the index store keeps per item (everything but the value bytes). */
export interface MemoryIndexRecord {
  key: string;
  kind: DataKind;
  sizeBytes: number;
  /** SHA-256 of the value bytes: the remote tier's name for it. */
  hash: string;
  accessCount: number;
  /** The value bytes are in the values store. */
  inL2: boolean;
  /** The remote tier holds a verified copy. */
  inRemote: boolean;
  createdAt: number;
  /** Store order: strictly increasing over the memory's life, kept across reloads (ties: earlier-stored first). Absent in records from before it existed. */
  seq?: number;
  vector?: Float32Array;
  signature?: Float32Array;
  /** Which signature definition made `signature` (absent: version 1, H0 only). */
  signatureVersion?: number;
  /** The shape's point cloud, kept so a later signature version can be recomputed from it. */
  shapeCloud?: { points: Float32Array; n: number; dim: number };
}

export interface MemoryValueRecord {
  kind: DataKind;
  bytes: Uint8Array;
}

interface MemorySchema extends DBSchema {
  values: { key: string; value: MemoryValueRecord };
  index: { key: string; value: MemoryIndexRecord };
}

/** Called inside each write transaction for each value written; throwing aborts the whole batch (a simulated full disk). */
export type WriteGuard = (key: string, bytes: number) => void;

export interface L2Batch {
  /** Index records to write, with their value bytes when the value goes to L2 too. */
  puts?: Array<{ record: MemoryIndexRecord; value?: MemoryValueRecord }>;
  /** Value bytes to drop (the item is demoted; its index record is rewritten in `puts`). */
  dropValues?: string[];
  /** Items to forget entirely. */
  deletes?: string[];
}

/**
 * L2: IndexedDB through `idb`. Two object stores in one database, `values` (the bytes) and `index`
 * (metadata, vector, signature), so loading the index at start never reads the values. Every batch
 * is ONE readwrite transaction over both stores: it commits whole or not at all, which is why a
 * QuotaExceededError loses nothing that was already stored.
 */
export class IdbTier {
  private constructor(private readonly db: IDBPDatabase<MemorySchema>, readonly databaseName: string, private readonly writeGuard?: WriteGuard) {}

  static async open(name: string, writeGuard?: WriteGuard): Promise<IdbTier> {
    const databaseName = `aura-memory-${name}`;
    const db = await openDB<MemorySchema>(databaseName, 1, {
      upgrade(database) {
        database.createObjectStore('values');
        database.createObjectStore('index');
      },
    });
    return new IdbTier(db, databaseName, writeGuard);
  }

  async writeBatch(batch: L2Batch): Promise<void> {
    const tx = this.db.transaction(['values', 'index'], 'readwrite');
    const values = tx.objectStore('values');
    const index = tx.objectStore('index');
    const requests: Promise<unknown>[] = [];
    try {
      for (const { record, value } of batch.puts ?? []) {
        if (value) {
          this.writeGuard?.(record.key, value.bytes.byteLength);
          requests.push(values.put(value, record.key));
        }
        requests.push(index.put(record, record.key));
      }
      for (const key of batch.dropValues ?? []) requests.push(values.delete(key));
      for (const key of batch.deletes ?? []) requests.push(values.delete(key), index.delete(key));
      await Promise.all([...requests, tx.done]);
    } catch (error) {
      try {
        tx.abort();
      } catch {
        // already finished or aborted by the error itself
      }
      await Promise.allSettled([...requests, tx.done]);
      const keys = (batch.puts ?? []).map((p) => p.record.key);
      if (isQuotaExceeded(error) || isQuotaExceeded(tx.error)) {
        throw new MemoryQuotaError(
          `IndexedDB is full: the batch of ${keys.length} item(s) was rolled back; every item stored before it is intact`,
          keys,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Value bytes of many keys in one transaction (undefined where absent). */
  async readValues(keys: readonly string[]): Promise<Array<MemoryValueRecord | undefined>> {
    const tx = this.db.transaction('values', 'readonly');
    const out = await Promise.all(keys.map((k) => tx.store.get(k)));
    await tx.done;
    return out;
  }

  async loadIndex(): Promise<MemoryIndexRecord[]> {
    return this.db.getAll('index');
  }

  async valueCount(): Promise<number> {
    return this.db.count('values');
  }

  close(): void {
    this.db.close();
  }
}

/** navigator.storage.estimate() and persist() where the host has them (browsers), else null. */
export async function memoryStorageEstimate(): Promise<{ usage: number; quota: number } | null> {
  const storage = (globalThis as { navigator?: { storage?: StorageManager } }).navigator?.storage;
  if (!storage?.estimate) return null;
  const { usage = 0, quota = 0 } = await storage.estimate();
  return { usage, quota };
}

export async function memoryRequestPersistence(): Promise<boolean | null> {
  const storage = (globalThis as { navigator?: { storage?: StorageManager } }).navigator?.storage;
  if (!storage?.persist) return null;
  return (await storage.persisted?.()) || storage.persist();
}
