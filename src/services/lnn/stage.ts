import { MAC_ENERGY_MODEL, macEnergyPj } from '../../metrics/energy';
import type { LnnModel } from '../../kernels/lnn-model';
import { lnnDynamics } from './dynamics';
import type { LnnService } from './service';
import type { Deadline } from '../../core/deadline';
import type { ServiceStage, StageInput, StageResult } from '../service-stage';
import { standardise } from './standardise';

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
