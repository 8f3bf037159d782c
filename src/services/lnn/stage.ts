import { MAC_ENERGY_MODEL, macEnergyPj } from '../../metrics/energy';
import type { LnnModel } from '../../kernels/lnn-model';
import { lnnDynamics } from './dynamics';
import type { LnnService } from './service';
import type { Deadline } from '../../core/deadline';
import type { ServiceStage, StageInput, StageResult } from '../service-stage';
import { standardise } from './standardise';
import { Z95, applyCorrection, fitOneStepCorrection, formatValue } from './lnn-forecast';

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

  async run({ request }: StageInput, deadline?: Deadline): Promise<StageResult> {
    const series = request.series;
    if (!series) return { decision: 'no sequence', confidence: 0, energyPj: 0, energyModel: MAC_ENERGY_MODEL, path: this.lnn.path, output: null };
    const { z, mean, scale } = standardise(series);
    const r = await this.sequence(z, deadline);
    const width = r.shape[2];
    const steps = r.shape[1];
    const oneStep = Float32Array.from({ length: steps }, (_, t) => r.output[t * width]);
    // Adapted online to this series: a correction of the CfC's one-step prediction fitted on the series itself.
    const correction = fitOneStepCorrection(z, oneStep);
    const forecasts = [applyCorrection(correction, oneStep[steps - 1], z[steps - 1])];
    let runs = 1;
    // Further steps feed the forecast back in (short series only: each is one more run of the sequence).
    while (forecasts.length < FORECAST_STEPS && steps <= FIRST_CHUNK_STEPS) {
      deadline?.check();
      const extended = Float32Array.from([...z, ...forecasts]);
      const again = await this.lnn.infer({ sequence: [Array.from(extended, (v) => [v])] });
      runs++;
      const last = again.output[(extended.length - 1) * again.shape[2]];
      forecasts.push(applyCorrection(correction, last, extended[extended.length - 1]));
    }
    const next = forecasts.map((f, i) => {
      const half = Z95 * correction.sigma * Math.sqrt(i + 1) * scale;
      const value = f * scale + mean;
      return { step: i + 1, value, low: value - half, high: value + half };
    });
    const macs = cfcMacsPerStep(this.model) * (steps * runs + (runs * (runs - 1)) / 2);
    const [first, ...rest] = next;
    const words = `next ${formatValue(first.value)} (95 % interval ${formatValue(first.low)} to ${formatValue(first.high)})` + (rest.length ? `, then ${rest.map((n) => formatValue(n.value)).join(', ')}` : '');
    return {
      decision: words,
      confidence: 1 / (1 + correction.sigma),
      energyPj: macEnergyPj(macs),
      energyModel: MAC_ENERGY_MODEL,
      gpuMs: r.path === 'gpu' ? r.timing.ms : undefined,
      path: r.path,
      output: {
        /** The trained CfC's own one-step forecast, before adaptation. */
        forecast: oneStep[steps - 1] * scale + mean,
        next,
        adaptation: { ...correction, note: 'next ≈ a·CfC prediction + b·last value + c, ridge-fitted on this series (standardised); interval ±1.96·σ·√h' },
        meanAbsErrorStd: correction.sigma,
        dynamics: r.dynamics,
        series: Array.from(series),
        prediction: Array.from(oneStep, (v) => v * scale + mean),
        macs,
      },
    };
  }

  /**
   * One run of the whole sequence when it is short; otherwise chunks through a session that carries
   * the hidden state, sized to about CHUNK_MS of work each, with the deadline checked between them:
   * a request that timed out stops within one chunk (on the GPU path it stops submitting), and other
   * requests run in between. The answer is that of one run (same steps, same state, same order).
   */
  private async sequence(z: Float32Array, deadline?: Deadline) {
    const whole = (values: Float32Array, session?: string) => this.lnn.infer({ sequence: [Array.from(values, (v) => [v])], returnDynamics: true, session });
    if (z.length <= FIRST_CHUNK_STEPS || !deadline) return whole(z);
    const session = this.lnn.createSession();
    try {
      const S = this.lnn.stateSize;
      let output: Float32Array | undefined;
      const trajectory = new Float32Array(z.length * S);
      let width = 0;
      let threshold = 0;
      let chunk = FIRST_CHUNK_STEPS;
      let kernelMs = 0;
      for (let start = 0; start < z.length; ) {
        await deadline.checkpoint();
        const steps = Math.min(chunk, z.length - start);
        const t0 = performance.now();
        const r = await whole(z.subarray(start, start + steps), session);
        [, , width] = r.shape;
        output ??= new Float32Array(z.length * width);
        output.set(r.output, start * width);
        trajectory.set(r.trajectory!, start * S);
        threshold = r.dynamics.threshold;
        kernelMs += r.timing.ms;
        start += steps;
        const ms = performance.now() - t0;
        chunk = Math.max(16, Math.min(MAX_CHUNK_STEPS, Math.round((steps * CHUNK_MS) / Math.max(ms, 0.1))));
      }
      deadline.check();
      return { output: output!, shape: [1, z.length, width] as const, dynamics: lnnDynamics(trajectory, threshold, 'trajectory'), path: this.lnn.path, timing: { ms: kernelMs } };
    } finally {
      this.lnn.closeSession(session);
    }
  }
}

/** A series longer than this is read in chunks; the first chunk has this many steps. */
const FIRST_CHUNK_STEPS = 256;
/** About this much work per chunk (ms): the most a timed-out request can run past its deadline. */
const CHUNK_MS = 8;
const MAX_CHUNK_STEPS = 16_384;
/** Values forecast after the series (for series of up to FIRST_CHUNK_STEPS). */
const FORECAST_STEPS = 3;
