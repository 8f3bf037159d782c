/** Turns a request's numbers into the inputs the liquid network reads. */

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
