/**
 * `npm run eval -- lnn`: the committed births CfC (public/models/aura-cfc-births) through the runtime's
 * LnnService (CPU path; `--gpu`: Dawn) on 1987–1988, 1 and 7 days ahead, next to seasonal naive and a
 * linear AR(14) fitted on 1969–1984 in the same run (eval/baselines/births.py); then online RLS
 * adaptation of its readout on 2000–2014 (another source) against the frozen model (eval/lnn-adapt.ts).
 */
import { loadDefaultLnnModel } from '../src/services/lnn/default-model';
import { LnnService } from '../src/services/lnn/service';
import { evalGpu, fixed, machineLine, markdownTable, runBaseline } from './common';
import { adaptOnStream } from './lnn-adapt';
import { forecastTargets, meanAbsError } from './lnn-windows';
import type { EvalOptions, EvalReport } from './types';

interface BirthsData {
  window: number;
  cdc: { dates: string[]; births: number[] };
  ssa: { dates: string[]; births: number[] };
  test: { targets: number[]; seasonalNaive: number[]; ar1: number[]; ar7: number[] };
}

export async function evaluate(options: EvalOptions): Promise<EvalReport> {
  const data = runBaseline<BirthsData>('eval/baselines/births.py');
  const ctx = await evalGpu(options.gpu);
  const model = await loadDefaultLnnModel();
  const lnn = new LnnService(ctx ?? null, { backend: ctx ? 'gpu' : 'cpu', model });
  const y = data.cdc.births;
  const targets = data.test.targets;
  const started = performance.now();
  const [cfc1, cfc7] = await forecastTargets(lnn, y, targets, data.window);
  const forecastMs = performance.now() - started;
  lnn.destroy();
  const naive = meanAbsError(data.test.seasonalNaive, y, targets);
  const rows = [
    { name: 'CfC (runtime)', mae: [meanAbsError(cfc1, y, targets), meanAbsError(cfc7, y, targets)] },
    { name: 'AR(14), 7-day recursive', mae: [meanAbsError(data.test.ar1, y, targets), meanAbsError(data.test.ar7, y, targets)] },
    { name: 'seasonal naive (same weekday last week)', mae: [naive, naive] },
  ].map((r) => ({ ...r, mase: r.mae.map((m) => m / naive) }));
  const adaptStart = performance.now();
  const adaptation = await adaptOnStream(model, ctx, data.ssa.births, data.window);
  const adaptMs = performance.now() - adaptStart;
  ctx?.destroy();
  const test = markdownTable(
    ['1987–1988 (731 days)', 'MAE 1-day', 'MASE 1-day', 'MAE 7-day', 'MASE 7-day'],
    rows.map((r) => [r.name, fixed(r.mae[0]), fixed(r.mase[0], 3), fixed(r.mae[1]), fixed(r.mase[1], 3)]),
  );
  const adapt = markdownTable(
    [`2000–2014 (${adaptation.days} days)`, 'MAE 1-day', 'MAE 7-day', 'adapt() calls', 'kept', 'rolled back', 'RLS updates kept'],
    [
      ['frozen CfC', fixed(adaptation.frozenMae[0]), fixed(adaptation.frozenMae[1]), '–', '–', '–', '–'],
      ['CfC + online RLS readout', fixed(adaptation.adaptedMae[0]), fixed(adaptation.adaptedMae[1]), adaptation.calls, adaptation.kept, adaptation.rolledBack, adaptation.rlsUpdatesKept],
      ['adapted / frozen', fixed(adaptation.ratio[0], 3), fixed(adaptation.ratio[1], 3), '', '', '', ''],
    ],
  );
  return {
    machine: machineLine(ctx),
    table: `${test}\n\n${adapt}\n\n(forecasts ${fixed(forecastMs / 1000, 1)} s; adaptation stream ${fixed(adaptMs / 1000, 1)} s)`,
    test: rows, adaptation, forecastMs, adaptMs,
  };
}
