import { InvalidInputError } from '../../errors';
import { decodeMemoryData, type EncodedData } from './codec';
import { MemoryNotFoundError, MemoryQuotaError, RemoteUnavailableError } from './errors';
import type { MemoryIndexRecord } from './idb-tier';
import type { MemoryService } from './memory-service';
import type { MemoryRetrieveResult, MemoryTier } from './memory-types';
import { requireMemoryKey } from './validate';

/**
 * The memory's read path: each key from the highest tier that holds it (L1, then L2 in one
 * transaction, then L3 verified by hash), counted, and promoted by the policy.
 */
export async function readItems(store: MemoryService, keys: readonly string[]): Promise<MemoryRetrieveResult[]> {
  if (!Array.isArray(keys) || keys.length === 0) throw new InvalidInputError('no keys to retrieve', 'pass at least one key');
  const start = performance.now();
  const records = keys.map((key) => {
    requireMemoryKey(key);
    const entry = store.entries.get(key);
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
    const hot = store.l1Values.get(record.key);
    if (hot) found.set(record.key, { encoded: hot, source: 'L1' });
    else if (record.inL2) fromL2.push(record);
    else fromL3.push(record);
  }
  if (fromL2.length) {
    const values = await store.l2.readValues(fromL2.map((r) => r.key));
    fromL2.forEach((record, i) => {
      const value = values[i];
      if (value) found.set(record.key, { encoded: { kind: value.kind, bytes: value.bytes }, source: 'L2' });
      // Its value was dropped to free space and the index write after it did not land: the remote copy serves.
      else if (record.inRemote) fromL3.push(record);
      else throw new MemoryNotFoundError(record.key);
    });
  }
  if (fromL3.length) await fetchFromRemote(store, fromL3, found);
  const results: MemoryRetrieveResult[] = [];
  for (const record of records) {
    const { encoded, source } = found.get(record.key)!;
    record.accessCount++;
    store.dirty.add(record.key);
    if (source === 'L1') {
      store.counters.l1Hits++;
      store.l1Policy.recordAccess(record.key);
    } else {
      store.counters[source === 'L2' ? 'l2Hits' : 'l3Hits']++;
      if (!store.l1Values.has(record.key)) store.admitToL1(record.key, encoded);
      else store.l1Policy.recordAccess(record.key);
    }
    if (record.inL2 && source !== 'L3') store.l2Policy.recordAccess(record.key);
    const tier = store.tierOf(record.key);
    if (source !== 'L1' && tier === 'L1') {
      store.counters.promotions++;
      store.emit({ type: 'promote', key: record.key, from: source, to: tier });
    }
    results.push({ data: decodeMemoryData(encoded), tier, accessCount: record.accessCount, timing: { ms: performance.now() - start, source } });
  }
  return results;
}

/** Fetches and verifies L3 blobs, then promotes them into L2 in one transaction (a full disk only skips the promotion). */
async function fetchFromRemote(store: MemoryService, records: MemoryIndexRecord[], found: Map<string, { encoded: EncodedData; source: MemoryTier }>): Promise<void> {
  const remote = store.remote;
  if (!remote) throw new RemoteUnavailableError(`'${records[0].key}' is held only remotely and no remote tier is configured`);
  const blobs = await Promise.all(records.map((r) => remote.get(r.hash, r.key)));
  records.forEach((record, i) => found.set(record.key, { encoded: { kind: record.kind, bytes: blobs[i] }, source: 'L3' }));
  const promoted = records.map((record, i) => ({ record: { ...record, inL2: true }, value: { kind: record.kind, bytes: blobs[i] } }));
  try {
    await store.space.write(promoted);
  } catch (error) {
    if (error instanceof MemoryQuotaError) return; // served from L3; stays there
    throw error;
  }
  for (const record of records) {
    record.inL2 = true;
    store.counters.promotions++;
    store.emit({ type: 'promote', key: record.key, from: 'L3', to: 'L2' });
  }
  await store.space.admit(records.map((r) => r.key));
}
