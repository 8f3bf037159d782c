import { delayEmbedding, movingAverage, zNormalize } from './shape-series';

/**
 * The extra views of a series that the signature reads besides its main delay embedding. Each view is
 * a point cloud whose H0 and H1 persistence see something the main loop does not:
 *
 * - **half delay**: the same embedding dimension at half the delay. A sine's loop becomes an ellipse,
 *   a square wave's four corners move apart differently from a triangle's, so the ratio of the two
 *   views' bars tells loops of equal size apart.
 * - **phase portrait** (x, Δx): the series (moving average of 5 samples, z-normalised) against its
 *   change over 2 samples (z-normalised): Takens' derivative coordinates. A rhythm is a loop here too,
 *   a wave with constant slopes (triangle, sawtooth) is a few parallel segments (long H0 bars), jumps
 *   (square, sawtooth) are outlying points, a random walk or a trend a blob without a loop.
 * - **values** (dimension 1): the samples as points on a line; H0's bars are the gaps between sorted
 *   values, so it sees how the values are spread (two levels for a square wave, one crowded level and a
 *   tail for bursts).
 *
 * All are delay embeddings of the series (or of its smoothed difference) chosen from the series
 * itself (the delay comes from its autocorrelation), so they keep the main embedding's invariance to
 * amplitude, offset and period.
 */
export interface ShapeCloud {
  points: Float32Array;
  n: number;
  dim: number;
}

/** The number of views a signature has besides the main one (a cloud without views repeats the main one). */
export const SHAPE_EXTRA_VIEWS = 3;

/** Phase portrait: the smoothing half-width and the lag of the difference. */
const PHASE_SMOOTH = 2;
const PHASE_LAG = 2;

/** The extra views of `raw` (the series as given), its main embedding's dimension and delay. */
export function seriesViews(raw: ArrayLike<number>, normalized: ArrayLike<number>, dimension: number, delay: number): ShapeCloud[] {
  const views: ShapeCloud[] = [];
  const half = Math.max(1, Math.round(delay / 2));
  views.push({ ...delayEmbedding(normalized, dimension, half), dim: dimension });
  views.push(phasePortrait(raw));
  views.push({ points: Float32Array.from(normalized), n: normalized.length, dim: 1 });
  return views;
}

/** (x_t, x_{t+lag} − x_t), each z-normalised, of the series smoothed by a moving average. */
export function phasePortrait(raw: ArrayLike<number>): ShapeCloud {
  const x = zNormalize(movingAverage(raw, PHASE_SMOOTH));
  const n = Math.max(1, x.length - PHASE_LAG);
  const change = zNormalize(Float64Array.from({ length: n }, (_, t) => (t + PHASE_LAG < x.length ? x[t + PHASE_LAG] - x[t] : 0)));
  const points = new Float32Array(2 * n);
  for (let t = 0; t < n; t++) {
    points[2 * t] = x[t];
    points[2 * t + 1] = change[t];
  }
  return { points, n, dim: 2 };
}
