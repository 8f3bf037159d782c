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

/** Resampling and min–max scaling live with their GPU kernel (the CPU reference of series-shape.wgsl). */
export { resample, unitScale } from '../../kernels/series-shape';

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
