import { zNormalize } from './shape-series';

/**
 * A series' period-folded template (synchronous averaging, as in epoch folding / phase dispersion
 * minimisation, Stellingwerf 1978): the period P that makes the folded series vary most is searched
 * near the main delay (a quarter period for a rhythm: P in [2.5, 6] delays, within half the series),
 * the z-normalised series is averaged in TEMPLATE_BINS phase bins of P, and the template is
 * z-normalised. Averaging n / P cycles lowers white noise by about √(n / P), so the template keeps the
 * harmonics a moving average blurs: a triangle wave's corners, a square wave's steps. The template
 * normalises both amplitude and period: every rhythm becomes TEMPLATE_BINS points of one cycle.
 *
 * `strength` is the fraction of the series' variance the template explains (between-bin variance
 * over total, in [0, 1]): near 1 for a clean rhythm, small for a random walk, a trend or bursts,
 * whose template is only noise; the signature scales the template views' blocks by it.
 */
export const TEMPLATE_BINS = 16;
/** Period grid step in samples; coarser when the range would need more than PERIOD_CANDIDATES steps. */
const PERIOD_STEP = 0.05;
const PERIOD_CANDIDATES = 2000;

export interface FoldedTemplate {
  template: Float64Array;
  period: number;
  strength: number;
}

export function foldedTemplate(series: ArrayLike<number>, delay: number): FoldedTemplate {
  const x = zNormalize(series);
  const n = x.length;
  const lo = Math.min(2.5 * delay, n / 3);
  const hi = Math.min(6 * delay, n / 2);
  const step = Math.max(PERIOD_STEP, (hi - lo) / PERIOD_CANDIDATES);
  const sums = new Float64Array(TEMPLATE_BINS);
  const counts = new Float64Array(TEMPLATE_BINS);
  let best = { period: lo, strength: -1 };
  for (let i = 0; lo + i * step <= hi + 1e-9; i++) {
    const period = lo + i * step;
    fold(x, period, sums, counts);
    let between = 0;
    for (let k = 0; k < TEMPLATE_BINS; k++) if (counts[k] > 0) between += (sums[k] * sums[k]) / counts[k];
    const strength = between / n;
    if (strength > best.strength) best = { period, strength };
  }
  fold(x, best.period, sums, counts);
  const means = Float64Array.from(sums, (s, k) => (counts[k] > 0 ? s / counts[k] : 0));
  return { template: zNormalize(means), period: best.period, strength: Math.max(0, best.strength) };
}

/** Sums and counts of x by phase bin of the period. */
function fold(x: Float64Array, period: number, sums: Float64Array, counts: Float64Array): void {
  sums.fill(0);
  counts.fill(0);
  for (let t = 0; t < x.length; t++) {
    const bin = Math.floor(((t / period) % 1) * TEMPLATE_BINS);
    sums[bin] += x[t];
    counts[bin]++;
  }
}

/** (v_k, v_{k+lag mod K}): a cyclic delay embedding (the template is one cycle, so it wraps). */
export function cyclicEmbedding(values: ArrayLike<number>, lag: number): Float32Array {
  const k = values.length;
  const points = new Float32Array(2 * k);
  for (let i = 0; i < k; i++) {
    points[2 * i] = values[i];
    points[2 * i + 1] = values[(i + lag) % k];
  }
  return points;
}

/** The template's cyclic differences, z-normalised: forward (t_{k+1} − t_k) or central (t_{k+1} − t_{k−1}). */
export function cyclicDifference(values: ArrayLike<number>, central: boolean): Float64Array {
  const k = values.length;
  return zNormalize(Float64Array.from({ length: k }, (_, i) => values[(i + 1) % k] - values[central ? (i + k - 1) % k : i]));
}
