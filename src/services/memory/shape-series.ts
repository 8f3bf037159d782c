import { InvalidInputError, requireFiniteArray, requireInteger } from '../../errors';

/** A series made ready for a delay embedding: smoothing, z-normalisation, the delay, the embedding. */

/** x_t → (x_t, x_{t+τ}, …, x_{t+(m−1)τ}), row-major. */
export function delayEmbedding(series: ArrayLike<number>, dimension: number, delay: number): { points: Float32Array; n: number } {
  requireInteger('dimension', dimension, 1, 64);
  requireInteger('delay', delay, 1, 1 << 20);
  requireFiniteArray('series', series);
  const n = series.length - (dimension - 1) * delay;
  if (n < 2) {
    throw new InvalidInputError(
      `a series of ${series.length} samples gives ${Math.max(0, n)} embedded points`,
      `pass at least ${(dimension - 1) * delay + 2} samples or lower dimension/delay`,
    );
  }
  const points = new Float32Array(n * dimension);
  for (let t = 0; t < n; t++) for (let c = 0; c < dimension; c++) points[t * dimension + c] = series[t + c * delay];
  return { points, n };
}

/** The centred moving average of half-width w (the window shrinks at the ends): noise off the loop. */
export function movingAverage(series: ArrayLike<number>, w: number): Float64Array {
  const n = series.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    const from = Math.max(0, i - w);
    const to = Math.min(n - 1, i + w);
    for (let j = from; j <= to; j++) sum += series[j];
    out[i] = sum / (to - from + 1);
  }
  return out;
}

/** (x − mean) / std; a constant series becomes zeros. */
export function zNormalize(series: ArrayLike<number>): Float64Array {
  const n = series.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += series[i] / n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (series[i] - mean) ** 2 / n;
  const std = Math.sqrt(variance);
  return Float64Array.from(series, (x) => (std > 0 ? (x - mean) / std : 0));
}

/**
 * The delay at which the series' autocorrelation first crosses zero (the lag nearer zero) (a quarter period for a sine, so
 * its embedding is a circle), capped so the embedding keeps at least half the samples as points.
 */
export function autoDelay(series: ArrayLike<number>, dimension: number): number {
  const n = series.length;
  const cap = Math.max(1, Math.floor(n / 2 / Math.max(1, dimension - 1)));
  let mean = 0;
  for (let i = 0; i < n; i++) mean += series[i] / n;
  let zeroLag = 0;
  for (let i = 0; i < n; i++) zeroLag += (series[i] - mean) ** 2;
  if (!(zeroLag > 0)) return 1;
  let previous = zeroLag;
  for (let lag = 1; lag <= cap; lag++) {
    let sum = 0;
    for (let i = 0; i + lag < n; i++) sum += (series[i] - mean) * (series[i + lag] - mean);
    // The crossing: this lag or the one before, whichever is nearer zero.
    if (sum <= 0) return lag > 1 && previous < -sum ? lag - 1 : lag;
    previous = sum;
  }
  return cap;
}
