/**
 * Counter-based standard normal noise, bit-for-bit the integer part of gating-noise.wgsl: a PCG hash
 * of (seed, element index) gives two 24-bit uniforms, Box–Muller gives the normal. The same seed
 * gives the same noise in Node, Chromium and here, whatever the dispatch order.
 */
import { pcgHash } from './pcg-hash';

const f = Math.fround;

function unitUniform(bits: number): number {
  return ((bits >>> 8) + 0.5) * (1 / 16777216);
}

/** The noise sample of element `index` for `seed` (f32 like the shader). */
export function gatingNormal(seed: number, index: number): number {
  const key = pcgHash(seed);
  const u1 = unitUniform(pcgHash((2 * index + key) >>> 0));
  const u2 = unitUniform(pcgHash((2 * index + 1 + key) >>> 0));
  return f(f(Math.sqrt(f(-2 * f(Math.log(u1))))) * f(Math.cos(f(f(f(6.2831855) * u2) - f(3.1415927)))));
}

export function softplusF32(x: number): number {
  return f(Math.max(x, 0) + f(Math.log(f(1 + f(Math.exp(-Math.abs(x)))))));
}

/** H = logits + N(0,1) · softplus(noiseLogits), Shazeer 2017 eq. 4. */
export function noisyScoresCpu(logits: Float32Array, noiseLogits: Float32Array, seed: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = f(logits[i] + f(gatingNormal(seed, i) * softplusF32(noiseLogits[i])));
  return out;
}
