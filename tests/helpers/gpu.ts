import { acquireGpu, type GpuContext } from '../../src/gpu/device';
import { capturingGpuErrors } from '../../src/gpu/error-scope';

let shared: Promise<GpuContext> | undefined;

/** One Dawn device per test file (device creation costs ~100 ms on SwiftShader). */
export function testGpu(): Promise<GpuContext> {
  shared ??= acquireGpu();
  return shared;
}

/** Runs `body` on the test device and fails on any GPU validation or out-of-memory error. */
export async function withGpu<T>(body: (ctx: GpuContext) => Promise<T>): Promise<T> {
  const ctx = await testGpu();
  return capturingGpuErrors(ctx.device, () => body(ctx));
}

/** Named tolerances: how far a GPU f32 result may be from its CPU reference. */
export const TOLERANCE = {
  /** The same f32 operations in the same order: bit-exact. */
  exact: 0,
  /** Elementwise f32 math with exp/tanh etc. (GPU transcendental functions differ by a few ulp). */
  f32Elementwise: 1e-5,
  /** Reductions and matrix products in f32 (summation order differs). */
  f32Reduction: 1e-4,
} as const;

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Max of |a−b| / max(1, |b|): absolute near zero, relative for large values. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return max;
}
