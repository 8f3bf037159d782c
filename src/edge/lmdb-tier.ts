import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { MemoryQuotaError, isQuotaExceeded } from '../services/memory/errors';
import type { L2Batch, MemoryIndexRecord, MemoryValueRecord, WriteGuard } from '../services/memory/idb-tier';
import type { L2Store, L2StoreOpener } from '../services/memory/l2-store';
import { requireMemoryKey } from '../services/memory/validate';

/** An index record as stored: its Float32Arrays as raw bytes (msgpack does not round-trip them). */
type StoredRecord = Omit<MemoryIndexRecord, 'vector' | 'signature' | 'shapeCloud'> & {
  vector?: Uint8Array;
  signature?: Uint8Array;
  shapeCloud?: { points: Uint8Array; n: number; dim: number };
};

/**
 * L2 at the edge: LMDB through `lmdb` (prebuilt binaries from its npm optional packages), behind the
 * same L2Store interface as IndexedDB. One environment per memory, `<dir>/memory-<name>`, with two
 * databases like IdbTier's two object stores: `values` (the bytes) and `index` (the records), so
 * loading the index never reads the values. A batch is ONE LMDB write transaction over both: it
 * commits whole or not at all, and writeBatch resolves only once LMDB has flushed it to disk, so an
 * acknowledged batch survives a kill (and a power loss).
 */
export class LmdbTier implements L2Store {
  private constructor(
    private readonly env: RootDatabase,
    private readonly values: Database<MemoryValueRecord, string>,
    private readonly index: Database<StoredRecord, string>,
    readonly path: string,
    private readonly writeGuard?: WriteGuard,
  ) {}

  static async open(dir: string, name: string, writeGuard?: WriteGuard): Promise<LmdbTier> {
    // One path segment whatever the name holds ('/' and '..' are escaped or harmless after the prefix).
    const path = join(dir, `memory-${encodeURIComponent(requireMemoryKey(name))}`);
    mkdirSync(path, { recursive: true });
    const env = open({ path, maxDbs: 4 });
    const values = env.openDB<MemoryValueRecord, string>({ name: 'values' });
    const index = env.openDB<StoredRecord, string>({ name: 'index' });
    return new LmdbTier(env, values, index, path, writeGuard);
  }

  async writeBatch(batch: L2Batch): Promise<void> {
    try {
      // Synchronous write transaction: an exception inside (a write guard, a full disk) aborts it whole.
      this.env.transactionSync(() => {
        for (const { record, value } of batch.puts ?? []) {
          if (value) {
            this.writeGuard?.(record.key, value.bytes.byteLength);
            this.values.putSync(record.key, { kind: value.kind, bytes: value.bytes });
          }
          this.index.putSync(record.key, toStored(record));
        }
        for (const key of batch.dropValues ?? []) this.values.removeSync(key);
        for (const key of batch.deletes ?? []) {
          this.values.removeSync(key);
          this.index.removeSync(key);
        }
      });
    } catch (error) {
      const keys = (batch.puts ?? []).map((p) => p.record.key);
      if (isQuotaExceeded(error) || isDiskFull(error)) {
        throw new MemoryQuotaError(`the edge's memory database is full: the batch of ${keys.length} item(s) was rolled back; every item stored before it is intact`, keys, {
          cause: error,
        });
      }
      throw error;
    }
    await this.env.flushed;
  }

  async readValues(keys: readonly string[]): Promise<Array<MemoryValueRecord | undefined>> {
    // One read transaction: the values are a consistent snapshot.
    return this.env.transactionSync(() =>
      keys.map((key) => {
        const value = this.values.get(key);
        return value ? { kind: value.kind, bytes: new Uint8Array(value.bytes) } : undefined;
      }),
    );
  }

  async loadIndex(): Promise<MemoryIndexRecord[]> {
    return [...this.index.getRange()].map(({ value }) => fromStored(value));
  }

  async valueCount(): Promise<number> {
    return this.values.getCount();
  }

  close(): void {
    void this.env.close();
  }
}

/** The opener MemoryServiceOptions.l2Store takes: memories under `dir` (the edge's --data folder). */
export function lmdbStore(dir: string): L2StoreOpener {
  return (name, writeGuard) => LmdbTier.open(dir, name, writeGuard);
}

function isDiskFull(error: unknown): boolean {
  const text = `${(error as { code?: string })?.code ?? ''} ${(error as Error)?.message ?? ''}`;
  return /ENOSPC|MDB_MAP_FULL/.test(text);
}

function floatBytes(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

function floats(b: Uint8Array): Float32Array {
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function toStored(record: MemoryIndexRecord): StoredRecord {
  const { vector, signature, shapeCloud, ...rest } = record;
  return {
    ...rest,
    ...(vector ? { vector: floatBytes(vector) } : {}),
    ...(signature ? { signature: floatBytes(signature) } : {}),
    ...(shapeCloud ? { shapeCloud: { points: floatBytes(shapeCloud.points), n: shapeCloud.n, dim: shapeCloud.dim } } : {}),
  };
}

function fromStored(stored: StoredRecord): MemoryIndexRecord {
  const { vector, signature, shapeCloud, ...rest } = stored;
  return {
    ...rest,
    ...(vector ? { vector: floats(vector) } : {}),
    ...(signature ? { signature: floats(signature) } : {}),
    ...(shapeCloud ? { shapeCloud: { points: floats(shapeCloud.points), n: shapeCloud.n, dim: shapeCloud.dim } } : {}),
  };
}
