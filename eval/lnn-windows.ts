/** Forecast windows for the births CfC: the stage's standardisation, one window per forecast. */
import { standardise } from '../src/services/lnn/standardise';
import type { LnnService } from '../src/services/lnn/service';

/** 0: next day (1-day-ahead), 1: seven days after the window's last day. */
export const HORIZONS = [1, 7] as const;

export interface Window {
  z: Float32Array;
  mean: number;
  scale: number;
}

/** The `length` days ending at index `end` (inclusive), z-scored by their own mean and population std. */
export function windowAt(series: ArrayLike<number>, end: number, length: number): Window {
  return standardise(Array.from({ length }, (_, i) => series[end - length + 1 + i]));
}

/**
 * Forecasts through the runtime: for each target index and horizon h (column of the readout), the window
 * ending h days before the target; the last step's output, undone with that window's mean and scale.
 */
export async function forecastTargets(lnn: LnnService, series: ArrayLike<number>, targets: number[], length: number): Promise<number[][]> {
  const jobs = HORIZONS.flatMap((h, column) => targets.map((t) => ({ column, w: windowAt(series, t - h, length) })));
  const r = await lnn.infer({ sequence: jobs.map((j) => Array.from(j.w.z, (v) => [v])), returnDynamics: false });
  const [, steps, width] = r.shape;
  const out = HORIZONS.map(() => [] as number[]);
  jobs.forEach((j, b) => out[j.column].push(r.output[(b * steps + steps - 1) * width + j.column] * j.w.scale + j.w.mean));
  return out;
}

export function meanAbsError(forecast: number[], series: ArrayLike<number>, targets: number[]): number {
  return forecast.reduce((s, f, i) => s + Math.abs(f - series[targets[i]]), 0) / forecast.length;
}
