/**
 * Counter-based random numbers for the spike encoders, the CPU twin of shaders/wgsl/snn-rng.wgsl:
 * PCG-RXS-M-XS (O'Neill 2014) chained over (seed, step, row, column). Integer math only, and a
 * 24-bit mantissa, so Node, Chromium and the CPU reference give the same bits.
 */
import { pcgHash as snnPcgHash } from './pcg-hash';

export { snnPcgHash };

/** Uniform in [0, 1), a pure function of its four counters. */
export function snnUniform(seed: number, step: number, row: number, col: number): number {
  const h = snnPcgHash((col ^ snnPcgHash((row ^ snnPcgHash((step ^ snnPcgHash(seed >>> 0)) >>> 0)) >>> 0)) >>> 0);
  return (h >>> 8) / 16777216;
}

/** A seeded stream of uniforms for building weights (not an encoder): the k-th draw is snnUniform(seed, stream, k). */
export class SnnRandom {
  private k = 0;
  constructor(private readonly seed: number, private readonly stream = 0x5eed) {}
  next(): number {
    const k = this.k++;
    return snnUniform(this.seed, this.stream, Math.floor(k / 0x100000000), k >>> 0);
  }
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
}
