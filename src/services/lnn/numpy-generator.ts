/**
 * numpy's `default_rng(seed)` (SeedSequence → PCG64 → Generator), the draws ncps's FullyConnected wiring
 * makes: `choice(a)` = `a[integers(0, len(a))]` by Lemire's multiply-shift with rejection, on 32-bit words
 * that PCG64 hands out as the low, then the high half of each 64-bit output. 128-bit arithmetic in BigInt
 * (wirings are built once).
 */
const M32 = 0xffffffffn;
const M64 = (1n << 64n) - 1n;
const M128 = (1n << 128n) - 1n;
const PCG_MULT = 0x2360ed051fc65da44385df649fccf645n;

/** SeedSequence(entropy).generate_state(nWords, uint32) for a non-negative integer entropy. */
export function seedSequenceState(entropy: number, nWords: number): number[] {
  const mul32 = (a: number, b: number) => Math.imul(a, b) >>> 0;
  const words: number[] = [];
  let e = BigInt(entropy);
  do {
    words.push(Number(e & M32));
    e >>= 32n;
  } while (e > 0n);
  const pool = new Array<number>(4).fill(0);
  let hashConst = 0x43b0d7e5;
  const hashmix = (value: number) => {
    value = (value ^ hashConst) >>> 0;
    hashConst = mul32(hashConst, 0x931e8875);
    value = mul32(value, hashConst);
    return (value ^ (value >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number) => {
    const r = (mul32(0xca01f9dd, x) - mul32(0x4973f715, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  for (let i = 0; i < pool.length; i++) pool[i] = hashmix(i < words.length ? words[i] : 0);
  for (let src = 0; src < pool.length; src++) for (let dst = 0; dst < pool.length; dst++) if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
  for (let src = pool.length; src < words.length; src++) for (let dst = 0; dst < pool.length; dst++) pool[dst] = mix(pool[dst], hashmix(words[src]));
  let hashB = 0x8b51f9dd;
  const out: number[] = [];
  for (let i = 0; i < nWords; i++) {
    let v = (pool[i % pool.length] ^ hashB) >>> 0;
    hashB = mul32(hashB, 0x58f38ded);
    v = mul32(v, hashB);
    out.push((v ^ (v >>> 16)) >>> 0);
  }
  return out;
}

export class NumpyGenerator {
  private state = 0n;
  private readonly inc: bigint;
  private spare: number | undefined;

  constructor(seed: number) {
    const w = seedSequenceState(seed, 8);
    const u64 = (k: number) => BigInt(w[2 * k]) | (BigInt(w[2 * k + 1]) << 32n);
    const initState = (u64(0) << 64n) | u64(1);
    const initSeq = (u64(2) << 64n) | u64(3);
    this.inc = ((initSeq << 1n) | 1n) & M128;
    this.step();
    this.state = (this.state + initState) & M128;
    this.step();
  }

  private step(): void {
    this.state = (this.state * PCG_MULT + this.inc) & M128;
  }

  /** PCG64 XSL-RR output of the next state. */
  nextUint64(): bigint {
    this.step();
    const x = ((this.state >> 64n) ^ this.state) & M64;
    const rot = Number(this.state >> 122n);
    return ((x >> BigInt(rot)) | (x << BigInt((64 - rot) & 63))) & M64;
  }

  nextUint32(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    const x = this.nextUint64();
    this.spare = Number(x >> 32n);
    return Number(x & M32);
  }

  /** `integers(0, n)` for 1 ≤ n ≤ 2³² (Lemire). */
  below(n: number): number {
    const rngExcl = BigInt(n);
    let m = BigInt(this.nextUint32()) * rngExcl;
    let leftover = m & M32;
    if (leftover < rngExcl) {
      const threshold = (M32 - (rngExcl - 1n)) % rngExcl;
      while (leftover < threshold) {
        m = BigInt(this.nextUint32()) * rngExcl;
        leftover = m & M32;
      }
    }
    return Number(m >> 32n);
  }

  choice<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }
}
