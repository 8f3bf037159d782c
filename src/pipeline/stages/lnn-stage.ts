import { MAC_ENERGY_MODEL, macEnergyPj } from '../../metrics/energy';
import type { LnnModel } from '../../services/lnn/model';
import type { LnnService } from '../../services/lnn/service';
import type { ServiceStage, StageInput, StageResult } from '../stages';
import { standardise } from './features';

/** Multiply-accumulates of one CfC step: every weight of every linear layer is used once (LTC: not counted). */
export function cfcMacsPerStep(model: LnnModel): number {
  if (model.kind !== 'cfc') return 0;
  let macs = model.readout ? model.readout.inDim * model.readout.outDim : 0;
  for (const cell of model.cells) {
    for (const layer of [...cell.backbone, cell.ff1, cell.ff2, cell.timeA, cell.timeB]) {
      if (layer) macs += layer.inDim * layer.outDim;
    }
  }
  return macs;
}

/**
 * The liquid network as a pipeline stage: it reads the series (standardised) step by step and its
 * readout predicts the next value. The answer is the forecast after the last step; the confidence
 * is 1 / (1 + mean one-step error) over the series, in standard deviations — measured, not assumed.
 * Only a request's series is read: a text embedding's dimensions are not a sequence in time.
 */
export class LnnStage implements ServiceStage {
  readonly name = 'lnn' as const;

  constructor(private readonly lnn: LnnService, private readonly model: LnnModel) {}

  async run({ request }: StageInput): Promise<StageResult> {
    const series = request.series;
    if (!series) return { decision: 'no sequence', confidence: 0, energyPj: 0, energyModel: MAC_ENERGY_MODEL, path: this.lnn.path, output: null };
    const { z, mean, scale } = standardise(series);
    const r = await this.lnn.infer({ sequence: [Array.from(z, (v) => [v])], returnDynamics: true });
    const width = r.shape[2];
    const steps = r.shape[1];
    let error = 0;
    for (let t = 0; t + 1 < steps; t++) error += Math.abs(r.output[t * width] - z[t + 1]);
    error = steps > 1 ? error / (steps - 1) : 1;
    const forecast = r.output[(steps - 1) * width] * scale + mean;
    const macs = cfcMacsPerStep(this.model) * steps;
    return {
      decision: `next ≈ ${forecast.toPrecision(4)}`,
      confidence: 1 / (1 + error),
      energyPj: macEnergyPj(macs),
      energyModel: MAC_ENERGY_MODEL,
      gpuMs: r.path === 'gpu' ? r.timing.ms : undefined,
      path: r.path,
      output: {
        forecast,
        meanAbsErrorStd: error,
        dynamics: r.dynamics,
        prediction: Array.from({ length: steps }, (_, t) => r.output[t * width] * scale + mean),
        macs,
      },
    };
  }
}
