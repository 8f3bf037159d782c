/**
 * Online adaptation on a later period (ssa-us-births-2000-2014): the stream is walked in blocks of 28
 * days. Each block is forecast (1 and 7 days ahead) with the readout as it stands; once the block's
 * births are known, one adapt() call (the runtime's RLS readout update) trains on the 21 latest windows
 * whose targets are all known and is judged on the 7 windows after them (later targets, a 7-day gap so
 * no training target is a held-out target); the service keeps the update only if held-out error drops.
 * The frozen model forecasts the same days. Each window is one sample: the service's washout is the
 * window's first 55 steps, so only its last step (the forecast) trains and is judged.
 */
import type { GpuContext } from '../src/gpu/device';
import type { LnnModel } from '../src/kernels/lnn-model';
import { LnnService } from '../src/services/lnn/service';
import { forecastTargets, HORIZONS, meanAbsError, windowAt } from './lnn-windows';

export const BLOCK = 28;
const TRAIN_WINDOWS = 21;
const HELD_WINDOWS = 7;

export interface AdaptationReport {
  days: number;
  frozenMae: number[];
  adaptedMae: number[];
  ratio: number[];
  calls: number;
  kept: number;
  rolledBack: number;
  rlsUpdatesKept: number;
}

function samples(series: ArrayLike<number>, ends: number[], length: number) {
  const windows = ends.map((e) => windowAt(series, e, length));
  return {
    inputs: windows.map((w) => Array.from(w.z, (v) => [v])),
    targets: windows.map((w, i) => Array.from({ length }, (_, t) => (t === length - 1 ? HORIZONS.map((h) => (series[ends[i] + h] - w.mean) / w.scale) : HORIZONS.map(() => 0)))),
  };
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

export async function adaptOnStream(model: LnnModel, ctx: GpuContext | undefined, series: ArrayLike<number>, length: number, maxDays = Infinity): Promise<AdaptationReport> {
  const options = { backend: ctx ? ('gpu' as const) : ('cpu' as const), model, washout: length - 1 };
  const adapted = new LnnService(ctx ?? null, options);
  const frozen = new LnnService(ctx ?? null, options);
  const first = length + 6; // the first day with a 7-day-ahead window inside the series
  const last = Math.min(series.length - 1, first + maxDays - 1);
  const targets = range(first, last - first + 1);
  const frozenForecast = await forecastTargets(frozen, series, targets, length);
  const adaptedForecast: number[][] = HORIZONS.map(() => []);
  let calls = 0;
  let kept = 0;
  let rlsUpdatesKept = 0;
  for (let a = first; a <= last; a += BLOCK) {
    const block = range(a, Math.min(BLOCK, last - a + 1));
    const f = await forecastTargets(adapted, series, block, length);
    f.forEach((column, k) => adaptedForecast[k].push(...column));
    const known = block[block.length - 1];
    const lastEnd = known - 7; // its 7-day target is the last known day
    const heldEnds = range(lastEnd - HELD_WINDOWS + 1, HELD_WINDOWS);
    const trainEnds = range(heldEnds[0] - 7 - TRAIN_WINDOWS, TRAIN_WINDOWS);
    if (trainEnds[0] - length + 1 < 0 || block.length < BLOCK) continue;
    const r = await adapted.adapt({ ...samples(series, trainEnds, length), heldOut: samples(series, heldEnds, length) });
    calls++;
    if (!r.rolledBack) {
      kept++;
      rlsUpdatesKept += r.updates;
    }
  }
  adapted.destroy();
  frozen.destroy();
  const frozenMae = frozenForecast.map((f) => meanAbsError(f, series, targets));
  const adaptedMae = adaptedForecast.map((f) => meanAbsError(f, series, targets));
  return { days: targets.length, frozenMae, adaptedMae, ratio: adaptedMae.map((m, k) => m / frozenMae[k]), calls, kept, rolledBack: calls - kept, rlsUpdatesKept };
}
