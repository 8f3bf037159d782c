import { movingAverage, zNormalize } from './shape-series';
import { cyclicDifference, cyclicEmbedding, foldedTemplate, TEMPLATE_BINS } from './shape-template';

/**
 * The extra views of a series that the signature reads besides its main delay embedding. Each view is
 * a point cloud whose H0 and H1 persistence see something the main loop does not:
 *
 * - **phase portrait** (x, Δx): the series (moving average of 5 samples, z-normalised) against its
 *   change over 2 samples (z-normalised): Takens' derivative coordinates. A rhythm is a loop here too,
 *   a wave with constant slopes (triangle, sawtooth) is a few parallel segments (long H0 bars), jumps
 *   (square, sawtooth) are outlying points, a random walk or a trend a blob without a loop.
 * - **values** (dimension 1): the samples as points on a line; H0's bars are the gaps between sorted
 *   values, so it sees how the values are spread (two levels for a square wave, one crowded level and a
 *   tail for bursts).
 * - **template, its difference, its central difference** (`shape-template.ts`): the series folded at
 *   its period and averaged into 16 phase bins (amplitude and period normalised, noise averaged out),
 *   each embedded cyclically at a quarter cycle. A sine's template and both its differences are
 *   circles; a triangle wave's template is a diamond and its difference a square wave, whose embedding
 *   is four clusters (long H0 bars, a late loop); a square wave's difference is two spikes. These see
 *   the harmonics that a moving average and the noise hide in the other views (a sine and a triangle
 *   wave were each other's nearest neighbours before). Their blocks are weighted by the template's
 *   strength (`weight`), so a series without a rhythm does not rank by the shape of its noise.
 *
 * All come from the series itself (the delay from its autocorrelation, the period from the folding),
 * so they keep the main embedding's invariance to amplitude, offset and period.
 */
export interface ShapeCloud {
  points: Float32Array;
  n: number;
  dim: number;
  /** The weight of this view's block in the signature (default 1; the template views': its strength). */
  weight?: number;
}

/** The number of views a signature has besides the main one (a cloud without views repeats the main one). */
export const SHAPE_EXTRA_VIEWS = 5;

/** Phase portrait: the smoothing half-width and the lag of the difference. */
const PHASE_SMOOTH = 2;
const PHASE_LAG = 2;

/** The extra views of `raw` (the series as given), its normalised form and its main embedding's delay. */
export function seriesViews(raw: ArrayLike<number>, normalized: ArrayLike<number>, delay: number): ShapeCloud[] {
  const { template, strength } = foldedTemplate(raw, delay);
  const quarter = TEMPLATE_BINS / 4;
  const cyclic = (values: ArrayLike<number>): ShapeCloud => ({ points: cyclicEmbedding(values, quarter), n: TEMPLATE_BINS, dim: 2, weight: strength });
  return [
    phasePortrait(raw),
    { points: Float32Array.from(normalized), n: normalized.length, dim: 1 },
    cyclic(template),
    cyclic(cyclicDifference(template, false)),
    cyclic(cyclicDifference(template, true)),
  ];
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
