/**
 * Seeded PRNG (mulberry32) for initial weights. torch's generator is not reproduced here, so seeded
 * weights are deterministic per seed but not ncps's (wirings use numpy-random.ts and numpy-generator.ts,
 * which are); load an exported state dict for an exact ncps model.
 */
export class LnnRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element drawn uniformly (numpy `choice(a)`). */
  choice<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** `size` distinct elements (numpy `choice(a, size, replace=False)`): a partial Fisher–Yates shuffle. */
  sample<T>(items: readonly T[], size: number): T[] {
    const pool = items.slice();
    for (let i = 0; i < size; i++) {
      const j = i + this.int(pool.length - i);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, size);
  }
}
