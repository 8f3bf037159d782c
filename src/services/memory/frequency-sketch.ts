/**
 * A count-min sketch of 4-bit counters with periodic aging, as Caffeine's `FrequencySketch`
 * (ben-manes/caffeine): depth 4, width the next power of two ≥ the cache's capacity, counters
 * saturate at 15, and after `sampleSize = 10 · capacity` increments every counter is halved
 * ("reset"), so old popularity fades. Caffeine packs counters into longs; here one byte holds one
 * counter, which keeps the code plain at the cost of 2× the memory. The doorkeeper is left out.
 */
export class FrequencySketch {
  private readonly table: Uint8Array;
  private readonly mask: number;
  readonly sampleSize: number;
  private additions = 0;
  /** How many times the counters were halved (for tests). */
  resets = 0;

  static readonly DEPTH = 4;
  static readonly MAX_COUNT = 15;
  private static readonly SEEDS = [0x97cb3127, 0xb7b8a4e5, 0x5bd1e995, 0x27d4eb2f];

  constructor(capacity: number) {
    const width = 2 ** Math.ceil(Math.log2(Math.max(16, capacity)));
    this.table = new Uint8Array(width * FrequencySketch.DEPTH);
    this.mask = width - 1;
    this.sampleSize = Math.max(10, 10 * capacity);
  }

  /** The estimated number of recent occurrences of `key`, 0 to 15. */
  frequency(key: string): number {
    const h = hashString(key);
    let min = FrequencySketch.MAX_COUNT;
    for (let row = 0; row < FrequencySketch.DEPTH; row++) min = Math.min(min, this.table[this.indexOf(h, row)]);
    return min;
  }

  /** Counts one occurrence; ages the sketch once `sampleSize` increments have been counted. */
  increment(key: string): void {
    const h = hashString(key);
    let added = false;
    for (let row = 0; row < FrequencySketch.DEPTH; row++) {
      const i = this.indexOf(h, row);
      if (this.table[i] < FrequencySketch.MAX_COUNT) {
        this.table[i]++;
        added = true;
      }
    }
    if (added && ++this.additions >= this.sampleSize) this.reset();
  }

  /** Halves every counter, as Caffeine's reset: popularity decays by half each sample period. */
  reset(): void {
    let odd = 0;
    for (let i = 0; i < this.table.length; i++) {
      odd += this.table[i] & 1;
      this.table[i] >>>= 1;
    }
    this.additions = (this.additions - (odd >>> 2)) >>> 1;
    this.resets++;
  }

  private indexOf(hash: number, row: number): number {
    const h = mix32((hash + FrequencySketch.SEEDS[row]) | 0);
    return row * (this.mask + 1) + (h & this.mask);
  }
}

/** FNV-1a over UTF-16 code units, then a murmur3 finaliser. */
export function hashString(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
