/**
 * numpy's legacy `RandomState(seed)` (MT19937), the draws ncps's NCP/AutoNCP wirings make, bit for bit:
 * `randint(0, n)` (what `choice(a)` draws) and `permutation(n)[:size]` (what `choice(a, size,
 * replace=False)` draws). Both take 32-bit words masked to the next power of two minus one and reject
 * values above the bound (numpy's `random_interval` / `buffered_bounded_masked_uint32`).
 */
export class NumpyRandomState {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be between 0 and 2**32 - 1, got ${seed}`);
    // init_genrand
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** genrand_int32. */
  nextUint32(): number {
    if (this.index >= 624) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < 624; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
      mt[i] = mt[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  /** A uniform integer in [0, max] (max < 2³²) by masked rejection. */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let value: number;
    do value = (this.nextUint32() & mask) >>> 0;
    while (value > max);
    return value;
  }

  /** `choice(a)`: `a[randint(0, len(a))]`. */
  choice<T>(items: readonly T[]): T {
    return items[this.interval(items.length - 1)];
  }

  /** `choice(a, size, replace=False)`: `a[permutation(len(a))[:size]]`, the shuffle run from the end. */
  sample<T>(items: readonly T[], size: number): T[] {
    if (size > items.length) throw new RangeError(`Cannot take a larger sample (${size}) than population (${items.length}) when replace=False`);
    const idx = Array.from({ length: items.length }, (_, i) => i);
    for (let i = items.length - 1; i >= 1; i--) {
      const j = this.interval(i);
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    return idx.slice(0, size).map((i) => items[i]);
  }
}
