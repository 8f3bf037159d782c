import { InvalidInputError } from '../../errors';
import { FrequencySketch } from './frequency-sketch';

/**
 * A weighted admission/eviction policy over keys. Weights are bytes in the tiers and 1 in traces.
 * `add` returns the keys evicted to make room, which may include the new key itself when the policy
 * declines to admit it.
 */
export interface EvictionPolicy {
  readonly name: 'lru' | 'w-tinylfu';
  readonly capacity: number;
  readonly weight: number;
  has(key: string): boolean;
  /** A hit: the key was used. */
  recordAccess(key: string): void;
  add(key: string, weight: number): string[];
  remove(key: string): void;
  keys(): string[];
  /** Resident keys, the first to be evicted first. */
  evictionOrder(): string[];
}

export type PolicyName = EvictionPolicy['name'];

export function createEvictionPolicy(name: PolicyName, capacity: number, expectedEntries = capacity): EvictionPolicy {
  if (!(capacity > 0)) throw new InvalidInputError(`policy capacity is ${capacity}`, 'pass a positive capacity');
  if (name === 'lru') return new LruPolicy(capacity);
  if (name === 'w-tinylfu') return new WTinyLfuPolicy(capacity, expectedEntries);
  throw new InvalidInputError(`policy is '${String(name)}'`, "use 'lru' or 'w-tinylfu'");
}

/** An LRU list on a Map: insertion order is recency, the first key is the least recent. */
class LruList {
  readonly entries = new Map<string, number>();
  weight = 0;
  has(key: string): boolean {
    return this.entries.has(key);
  }
  addMostRecent(key: string, weight: number): void {
    this.entries.set(key, weight);
    this.weight += weight;
  }
  moveToMostRecent(key: string): void {
    const w = this.entries.get(key)!;
    this.entries.delete(key);
    this.entries.set(key, w);
  }
  leastRecent(): string | undefined {
    return this.entries.keys().next().value;
  }
  remove(key: string): number {
    const w = this.entries.get(key) ?? 0;
    if (this.entries.delete(key)) this.weight -= w;
    return w;
  }
}

/** Plain LRU, kept for comparison: every newcomer is admitted, the least recently used leaves. */
export class LruPolicy implements EvictionPolicy {
  readonly name = 'lru' as const;
  private readonly list = new LruList();
  constructor(readonly capacity: number) {}
  get weight(): number {
    return this.list.weight;
  }
  has(key: string): boolean {
    return this.list.has(key);
  }
  recordAccess(key: string): void {
    if (this.list.has(key)) this.list.moveToMostRecent(key);
  }
  add(key: string, weight: number): string[] {
    if (this.list.has(key)) this.list.remove(key);
    if (weight > this.capacity) return [key];
    this.list.addMostRecent(key, weight);
    const evicted: string[] = [];
    while (this.list.weight > this.capacity) {
      const victim = this.list.leastRecent()!;
      this.list.remove(victim);
      evicted.push(victim);
    }
    return evicted;
  }
  remove(key: string): void {
    this.list.remove(key);
  }
  keys(): string[] {
    return [...this.list.entries.keys()];
  }
  evictionOrder(): string[] {
    return this.keys();
  }
}

/**
 * W-TinyLFU as Caffeine's `BoundedLocalCache` arranges it: a window LRU (1% of capacity) in front
 * of a segmented LRU main space (probation, and protected at 80% of main). Newcomers enter the
 * window; the window's LRU victim becomes a candidate for main and is admitted only if the sketch
 * says it is used more often than main's victim (probation's LRU end). A hit in probation promotes
 * to protected; protected overflow demotes back to probation. Every access counts in the sketch.
 * Not copied: the adaptive window (hill climber) and the random admission against hash flooding.
 */
export class WTinyLfuPolicy implements EvictionPolicy {
  readonly name = 'w-tinylfu' as const;
  readonly sketch: FrequencySketch;
  private readonly window = new LruList();
  private readonly probation = new LruList();
  private readonly protected = new LruList();
  private readonly windowMax: number;
  private readonly mainMax: number;
  private readonly protectedMax: number;

  static readonly WINDOW_FRACTION = 0.01;
  static readonly PROTECTED_FRACTION = 0.8;

  constructor(readonly capacity: number, expectedEntries = capacity) {
    this.sketch = new FrequencySketch(expectedEntries);
    this.windowMax = Math.max(1, Math.floor(capacity * WTinyLfuPolicy.WINDOW_FRACTION));
    this.mainMax = capacity - this.windowMax;
    this.protectedMax = Math.floor(this.mainMax * WTinyLfuPolicy.PROTECTED_FRACTION);
  }

  get weight(): number {
    return this.window.weight + this.probation.weight + this.protected.weight;
  }

  has(key: string): boolean {
    return this.window.has(key) || this.probation.has(key) || this.protected.has(key);
  }

  /** Which segment holds the key (for tests and stats). */
  segmentOf(key: string): 'window' | 'probation' | 'protected' | undefined {
    if (this.window.has(key)) return 'window';
    if (this.probation.has(key)) return 'probation';
    if (this.protected.has(key)) return 'protected';
    return undefined;
  }

  recordAccess(key: string): void {
    this.sketch.increment(key);
    if (this.window.has(key)) this.window.moveToMostRecent(key);
    else if (this.protected.has(key)) this.protected.moveToMostRecent(key);
    else if (this.probation.has(key)) {
      const w = this.probation.remove(key);
      this.protected.addMostRecent(key, w);
      while (this.protected.weight > this.protectedMax) {
        const demoted = this.protected.leastRecent()!;
        this.probation.addMostRecent(demoted, this.protected.remove(demoted));
      }
    }
  }

  add(key: string, weight: number): string[] {
    this.sketch.increment(key);
    this.remove(key);
    if (weight > this.capacity) return [key];
    this.window.addMostRecent(key, weight);
    const evicted: string[] = [];
    while (this.window.weight > this.windowMax && this.window.entries.size > 0) {
      const candidate = this.window.leastRecent()!;
      const w = this.window.remove(candidate);
      this.admitToMain(candidate, w, evicted);
    }
    return evicted;
  }

  /** The TinyLFU duel: the candidate enters probation only by beating each victim it displaces. */
  private admitToMain(candidate: string, weight: number, evicted: string[]): void {
    while (this.probation.weight + this.protected.weight + weight > this.mainMax) {
      const victim = this.probation.leastRecent() ?? this.protected.leastRecent();
      if (victim === undefined || weight > this.mainMax) {
        evicted.push(candidate);
        return;
      }
      if (this.sketch.frequency(candidate) > this.sketch.frequency(victim)) {
        this.probation.remove(victim);
        this.protected.remove(victim);
        evicted.push(victim);
      } else {
        evicted.push(candidate);
        return;
      }
    }
    this.probation.addMostRecent(candidate, weight);
  }

  remove(key: string): void {
    this.window.remove(key);
    this.probation.remove(key);
    this.protected.remove(key);
  }

  keys(): string[] {
    return [...this.window.entries.keys(), ...this.probation.entries.keys(), ...this.protected.entries.keys()];
  }
  /** Main's victims first (probation, then the window), protected last: as Caffeine's evictFromMain. */
  evictionOrder(): string[] {
    return [...this.probation.entries.keys(), ...this.window.entries.keys(), ...this.protected.entries.keys()];
  }
}

/** Replays a trace of keys (weight 1 each) and returns the fraction that hit. */
export function simulatePolicyHitRatio(policy: EvictionPolicy, trace: readonly string[]): number {
  let hits = 0;
  for (const key of trace) {
    if (policy.has(key)) {
      hits++;
      policy.recordAccess(key);
    } else {
      policy.add(key, 1);
    }
  }
  return trace.length ? hits / trace.length : 0;
}

/**
 * A trace mixing a Zipf-like hot set with long one-off scans (the workload where LRU fails):
 * deterministic for a seed.
 */
export function hotSetWithScansTrace(options: { length: number; hotKeys: number; scanLength: number; scanEvery: number; seed?: number }): string[] {
  const { length, hotKeys, scanLength, scanEvery } = options;
  let state = (options.seed ?? 1) >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  // Zipf(1) over the hot set by inverse CDF on harmonic weights.
  const cdf = new Float64Array(hotKeys);
  let total = 0;
  for (let i = 0; i < hotKeys; i++) cdf[i] = total += 1 / (i + 1);
  const trace: string[] = [];
  let scan = 0;
  let hot = 0;
  while (trace.length < length) {
    if (hot > 0 && hot % scanEvery === 0) {
      hot++;
      for (let i = 0; i < scanLength && trace.length < length; i++) trace.push(`scan-${scan}-${i}`);
      scan++;
      continue;
    }
    const u = random() * total;
    let lo = 0;
    let hi = hotKeys - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    trace.push(`hot-${lo}`);
    hot++;
  }
  return trace;
}
