import type { StageInput } from '../stages';

/** Turns a request's numbers into the fixed-width, bounded inputs some services need. */

/**
 * The numbers a series stage reads: the request's series, else its text embedding. The shaping
 * below runs on the CPU, so such stages ask for the embedding there (`embeddingPlacement`).
 */
export function numbersOf({ request, embedding }: StageInput): ArrayLike<number> | undefined {
  return request.series ?? (embedding?.tensor.kind === 'cpu' ? embedding.tensor.data : undefined);
}

/** Where a series stage wants the embedding: in CPU memory, where its input is shaped. */
export const SHAPED_ON_CPU = () => ({ path: 'cpu' as const });

/** Linear resampling of `series` to `width` points. */
export function resample(series: ArrayLike<number>, width: number): Float32Array {
  const out = new Float32Array(width);
  if (series.length === 1) return out.fill(series[0]);
  for (let i = 0; i < width; i++) {
    const x = (i * (series.length - 1)) / Math.max(1, width - 1);
    const lo = Math.floor(x);
    const hi = Math.min(series.length - 1, lo + 1);
    out[i] = series[lo] + (series[hi] - series[lo]) * (x - lo);
  }
  return out;
}

/** Min–max scaling into [0, 1] (a constant series maps to 0.5). */
export function unitScale(values: Float32Array): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min;
  return values.map((v) => (span > 0 ? (v - min) / span : 0.5));
}

/** z-scores, with the mean and scale to undo them. */
export function standardise(values: ArrayLike<number>): { z: Float32Array; mean: number; scale: number } {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i];
  mean /= values.length;
  let variance = 0;
  for (let i = 0; i < values.length; i++) variance += (values[i] - mean) ** 2;
  const scale = Math.sqrt(variance / values.length) || 1;
  const z = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) z[i] = (values[i] - mean) / scale;
  return { z, mean, scale };
}
