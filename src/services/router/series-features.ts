/**
 * Statistics of a numeric series (sensor readings, a time series, or spike counts per bin) that
 * tell a spike train (sparse, non-negative integers, mostly zero) from a continuous signal.
 * Magnitudes go through a signed log so one feature scale serves volts and kelvins alike.
 */
export const SERIES_STAT_NAMES = [
  'series.present',
  'series.logLength',
  'series.mean',
  'series.std',
  'series.min',
  'series.max',
  'series.lag1Autocorrelation',
  'series.zeroFraction',
  'series.integerFraction',
  'series.binaryFraction',
  'series.nonNegative',
  'series.meanAbsDiffOverStd',
] as const;

function signedLog(x: number): number {
  return Math.sign(x) * Math.log1p(Math.abs(x));
}

/** Writes SERIES_STAT_NAMES into out[offset …); zeros when there is no series. */
export function seriesStatistics(series: ArrayLike<number> | undefined, out: Float32Array, offset: number): void {
  const n = series?.length ?? 0;
  if (!series || n === 0) {
    for (let i = 0; i < SERIES_STAT_NAMES.length; i++) out[offset + i] = 0;
    return;
  }
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let zeros = 0;
  let integers = 0;
  let binary = 0;
  for (let i = 0; i < n; i++) {
    const v = series[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros++;
    if (Number.isInteger(v)) integers++;
    if (v === 0 || v === 1) binary++;
  }
  const mean = sum / n;
  let variance = 0;
  let lagged = 0;
  let absDiff = 0;
  for (let i = 0; i < n; i++) {
    const d = series[i] - mean;
    variance += d * d;
    if (i > 0) {
      lagged += d * (series[i - 1] - mean);
      absDiff += Math.abs(series[i] - series[i - 1]);
    }
  }
  const std = Math.sqrt(variance / n);
  out[offset] = 1;
  out[offset + 1] = Math.log1p(n) / 6;
  out[offset + 2] = signedLog(mean);
  out[offset + 3] = Math.log1p(std);
  out[offset + 4] = signedLog(min);
  out[offset + 5] = signedLog(max);
  // Lag-1 autocorrelation: 1 for smooth signals, near 0 for independent events.
  out[offset + 6] = variance > 0 ? lagged / variance : 0;
  out[offset + 7] = zeros / n;
  out[offset + 8] = integers / n;
  out[offset + 9] = binary / n;
  out[offset + 10] = min >= 0 ? 1 : 0;
  out[offset + 11] = std > 0 && n > 1 ? Math.min(absDiff / (n - 1) / std, 4) : 0;
}
