import { MemoryBudgetError, MemoryQuotaError } from './errors';
import type { MemoryIndexRecord } from './idb-tier';
import type { L2Store } from './l2-store';
import type { MemoryEvent } from './memory-types';
import type { EvictionPolicy } from './policy';

export interface L2SpaceParts {
  l2: L2Store;
  /** The L2 policy: it tracks values that have a remote copy (the only ones it may demote). */
  policy: EvictionPolicy;
  entries: Map<string, { record: MemoryIndexRecord }>;
  hasRemote: boolean;
  budgetBytes: number;
  counters: { quotaErrors: number; demotions: number };
  emit(event: MemoryEvent): void;
}

/**
 * Room in L2 (IndexedDB): the byte budget, demotion of values with a remote copy to L3, and
 * recovery from the browser's quota. Values without a remote copy are never dropped.
 */
export class L2Space {
  constructor(private readonly parts: L2SpaceParts) {}

  /**
   * Offers keys to the L2 policy; values it evicts that have a remote copy are demoted to L3 (their
   * bytes dropped from IndexedDB in one transaction). Values without a remote copy are never dropped.
   */
  async admit(keys: readonly string[]): Promise<void> {
    if (!this.parts.hasRemote) return;
    const evicted: string[] = [];
    for (const key of keys) {
      const record = this.parts.entries.get(key)?.record;
      if (record?.inRemote) evicted.push(...this.parts.policy.add(key, record.sizeBytes));
    }
    await this.demote(evicted);
  }

  /**
   * Drops the values of items with a remote copy from IndexedDB. The delete is a transaction of its
   * own, with no puts, so it frees space even when the quota is spent; the index records saying the
   * values left L2 are written after (by the caller with `deferIndex`, in its own batch). Should that
   * write fail, a read that finds no L2 value fetches the remote copy.
   */
  async demote(keys: readonly string[], deferIndex = false): Promise<MemoryIndexRecord[]> {
    const records = [...new Set(keys)].map((k) => this.parts.entries.get(k)?.record).filter((r): r is MemoryIndexRecord => Boolean(r?.inL2 && r.inRemote));
    if (!records.length) return [];
    await this.parts.l2.writeBatch({ dropValues: records.map((r) => r.key) });
    for (const record of records) {
      record.inL2 = false;
      this.parts.policy.remove(record.key);
      this.parts.counters.demotions++;
      this.parts.emit({ type: 'demote', key: record.key, from: 'L2', to: 'L3' });
    }
    const updated = records.map((record) => ({ record: { ...record } }));
    if (!deferIndex) {
      await this.parts.l2.writeBatch({ puts: updated }).catch((error: unknown) => {
        if (!(error instanceof MemoryQuotaError)) throw error; // under quota: reads fall back to the remote copy
      });
    }
    return updated.map((u) => u.record);
  }

  /**
   * One transaction for the batch. On QuotaExceededError nothing of the batch was written and
   * nothing before it was lost. Then space is freed before writing again: the policy's victims
   * that have a remote copy lose their L2 values (a transaction of deletes), and the batch is
   * written with their updated records; while the quota still refuses, twice as much is freed.
   * Past that, MemoryQuotaError names the refused keys.
   */
  async write(puts: Array<{ record: MemoryIndexRecord; value: { kind: MemoryIndexRecord['kind']; bytes: Uint8Array } }>): Promise<void> {
    try {
      await this.parts.l2.writeBatch({ puts });
      return;
    } catch (error) {
      if (!(error instanceof MemoryQuotaError)) throw error;
      this.parts.counters.quotaErrors++;
      const refused = puts.map((p) => p.record.key);
      const inBatch = new Set(refused);
      let needed = puts.reduce((s, p) => s + p.value.bytes.byteLength, 0);
      const evicted: string[] = [];
      let recovered = false;
      while (!recovered) {
        const demoted = await this.demote(this.candidates(needed, inBatch), true);
        if (!demoted.length) break;
        evicted.push(...demoted.map((r) => r.key));
        try {
          await this.parts.l2.writeBatch({ puts: [...puts, ...demoted.map((record) => ({ record }))] });
          recovered = true;
        } catch (retryError) {
          if (!(retryError instanceof MemoryQuotaError)) throw retryError;
          needed *= 2;
        }
      }
      this.parts.emit({ type: 'quota', keys: refused, evicted, recovered });
      if (!recovered) {
        throw new MemoryQuotaError(
          `IndexedDB is full: the batch of ${refused.length} item(s) (${refused.join(', ')}) was refused and rolled back; ` +
            `${evicted.length} item(s) with remote copies were moved to L3 first; every item stored before it is intact`,
          refused,
          { cause: error },
        );
      }
    }
  }

  /** L2 values the policy would evict first, that have a remote copy, until `bytes` are covered. */
  private candidates(bytes: number, exclude: Set<string>): string[] {
    const out: string[] = [];
    let freed = 0;
    for (const key of this.parts.policy.evictionOrder()) {
      if (freed >= bytes) break;
      const record = this.parts.entries.get(key)?.record;
      if (!record?.inL2 || !record.inRemote || exclude.has(key)) continue;
      out.push(key);
      freed += record.sizeBytes;
    }
    return out;
  }

  requireRoom(bytes: number, keys: string[]): void {
    if (this.parts.hasRemote) return; // over budget, values with a remote copy are demoted
    let used = 0;
    for (const { record } of this.parts.entries.values()) if (record.inL2 && !keys.includes(record.key)) used += record.sizeBytes;
    if (used + bytes > this.parts.budgetBytes) {
      throw new MemoryBudgetError(
        `L2 holds ${used} bytes; ${bytes} more would exceed its budget of ${this.parts.budgetBytes}`,
        'raise l2BudgetBytes, delete items, or configure a remote tier so values can be demoted',
      );
    }
  }
}
