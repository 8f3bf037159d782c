/**
 * PCG-RXS-M-XS (O'Neill 2014) as a hash of one u32: the CPU twin of `pcg_hash` in
 * shaders/wgsl/lib/pcg.wgsl. Integer math only, so Node, Chromium and the GPU give the same bits.
 */
export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}
