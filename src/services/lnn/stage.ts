import { MAC_ENERGY_MODEL, macEnergyPj } from '../../metrics/energy';
import type { LnnModel } from '../../kernels/lnn-model';
import { lnnDynamics } from './dynamics';
import type { LnnService } from './service';
import type { Deadline } from '../../core/deadline';
import type { ServiceStage, StageInput, StageResult } from '../service-stage';
import type { ExecutionPath } from '../../core/names';
import type { LnnDynamics } from './dynamics';
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

/** What a run of one series gave: the one-step predictions, the forecasts after it, and the work it took. */
interface SeriesRun {
  oneStep: Float32Array;
  /** The series' mean and scale, to turn standardised values back into its units. */
  mean: number;
  scale: number;
  forecasts: number[];
  correction: ReturnType<typeof fitOneStepCorrection>;
  dynamics: LnnDynamics;
  /** CfC steps run for this series (the sequence, then one step per further forecast). */
  steps: number;
  kernelMs: number;
  path: ExecutionPath;
}

/**
 * The liquid network as a pipeline stage: it reads the series (standardised) step by step and its
 * readout predicts the next value. The answer is the forecast after the last step; the confidence
 * is 1 / (1 + mean one-step error) over the series, in standard deviations — measured, not assumed.
 * Only a request's series is read: a text embedding's dimensions are not a sequence in time.
 * Over a batch, series of one length run as one batch of sequences (one kernel run per step group,
 * not one per request); each answer is the one its series gets alone, value for value.
 */
export class LnnStage implements ServiceStage {
  readonly name = 'lnn' as const;

  constructor(private readonly lnn: LnnService, private readonly model: LnnModel) {}

  run(input: StageInput, deadline?: Deadline): Promise<StageResult> {
    return this.runBatch([input], [deadline])[0];
  }

  runBatch(inputs: StageInput[], deadlines: Array<Deadline | undefined>): Array<Promise<StageResult>> {
    const out = new Array<Promise<StageResult>>(inputs.length);
    const byLength = new Map<number, number[]>();
    inputs.forEach(({ request: { series } }, i) => {
      if (!series) out[i] = Promise.resolve({ decision: 'no sequence', confidence: 0, energyPj: 0, energyModel: MAC_ENERGY_MODEL, path: this.lnn.path, output: null });
      else if (series.length > FIRST_CHUNK_STEPS) out[i] = this.longSeries(series, deadlines[i]).then((r) => this.result(series, r));
      else (byLength.get(series.length) ?? byLength.set(series.length, []).get(series.length)!).push(i);
    });
    for (const members of byLength.values()) {
      const series = members.map((i) => inputs[i].request.series!);
      const group = this.shortSeries(series, members.map((i) => deadlines[i]));
      members.forEach((i, j) => {
        // A group that failed as a whole: each series alone says whose failure it was.
        const alone = () => this.shortSeries([series[j]], [deadlines[i]]).then((r) => r[0]);
        out[i] = group
          .then((runs) => runs[j], (error) => (members.length > 1 ? alone() : Promise.reject(error)))
          .then((r) => (r instanceof Error ? Promise.reject(r) : this.result(series[j], r)));
      });
    }
    return out;
  }

  /**
   * Series of one length (at most FIRST_CHUNK_STEPS) as one batch through a session: the sequences in
   * one run, then each further forecast fed back as one more step from the state the session kept
   * (the same values a run of the extended series from the start gives, without running it again).
   * A member whose deadline passes between runs gets its deadline's error; the others go on.
   */
  private async shortSeries(series: ArrayLike<number>[], deadlines: Array<Deadline | undefined>): Promise<Array<SeriesRun | Error>> {
    const B = series.length;
    const steps = series[0].length;
    const S = this.lnn.stateSize;
    const standard = series.map(standardise);
    const session = this.lnn.createSession({ batch: B });
    try {
      const r = await this.lnn.infer({ sequence: standard.map(({ z }) => Array.from(z, (v) => [v])), returnDynamics: true, session });
      const width = r.shape[2];
      let kernelMs = r.timing.ms;
      const runs: Array<SeriesRun | Error> = standard.map(({ z, mean, scale }, b) => {
        const oneStep = new Float32Array(steps);
        for (let t = 0; t < steps; t++) oneStep[t] = r.output[(b * steps + t) * width];
        const correction = fitOneStepCorrection(z, oneStep);
        const dynamics = lnnDynamics(r.trajectory!.subarray(b * steps * S, (b + 1) * steps * S), r.dynamics.threshold, 'trajectory');
        return { oneStep, mean, scale, correction, dynamics, forecasts: [applyCorrection(correction, oneStep[steps - 1], z[steps - 1])], steps, kernelMs: 0, path: r.path };
      });
      for (let made = 1; made < FORECAST_STEPS; made++) {
        runs.forEach((run, b) => {
          if (run instanceof Error) return;
          try {
            deadlines[b]?.check();
          } catch (error) {
            runs[b] = error instanceof Error ? error : new Error(String(error));
          }
        });
        if (runs.every((run) => run instanceof Error)) break;
        // The input is the last forecast as the sequence holds it (float32), for every member alike.
        const fed = runs.map((run) => (run instanceof Error ? 0 : Math.fround(run.forecasts[run.forecasts.length - 1])));
        const again = await this.lnn.infer({ sequence: fed.map((v) => [[v]]), returnDynamics: false, session });
        kernelMs += again.timing.ms;
        runs.forEach((run, b) => {
          if (run instanceof Error) return;
          run.forecasts.push(applyCorrection(run.correction, again.output[b * again.shape[2]], fed[b]));
          run.steps++;
        });
      }
      for (const run of runs) if (!(run instanceof Error)) run.kernelMs = kernelMs;
      return runs;
    } finally {
      this.lnn.closeSession(session);
    }
  }

  /** A series longer than FIRST_CHUNK_STEPS: its own run (in chunks under a deadline), one forecast. */
  private async longSeries(series: ArrayLike<number>, deadline?: Deadline): Promise<SeriesRun> {
    const { z, mean, scale } = standardise(series);
    const r = await this.sequence(z, deadline);
    const width = r.shape[2];
    const steps = r.shape[1];
    const oneStep = new Float32Array(steps);
    for (let t = 0; t < steps; t++) oneStep[t] = r.output[t * width];
    const correction = fitOneStepCorrection(z, oneStep);
    return { oneStep, mean, scale, correction, dynamics: r.dynamics, forecasts: [applyCorrection(correction, oneStep[steps - 1], z[steps - 1])], steps, kernelMs: r.timing.ms, path: r.path };
  }

  /** The stage's answer for one series from its run, in the series' own units. */
  private result(series: ArrayLike<number>, run: SeriesRun): StageResult {
    const { oneStep, mean, scale, correction, forecasts } = run;
    const steps = oneStep.length;
    const next = forecasts.map((f, i) => {
      const half = Z95 * correction.sigma * Math.sqrt(i + 1) * scale;
      const value = f * scale + mean;
      return { step: i + 1, value, low: value - half, high: value + half };
    });
    const macs = cfcMacsPerStep(this.model) * run.steps;
    const [first, ...rest] = next;
    const words = `next ${formatValue(first.value)} (95 % interval ${formatValue(first.low)} to ${formatValue(first.high)})` + (rest.length ? `, then ${rest.map((n) => formatValue(n.value)).join(', ')}` : '');
    return {
      decision: words,
      confidence: 1 / (1 + correction.sigma),
      energyPj: macEnergyPj(macs),
      energyModel: MAC_ENERGY_MODEL,
      gpuMs: run.path === 'gpu' ? run.kernelMs : undefined,
      path: run.path,
      output: {
        /** The trained CfC's own one-step forecast, before adaptation. */
        forecast: oneStep[steps - 1] * scale + mean,
        next,
        adaptation: { ...correction, note: 'next ≈ a·CfC prediction + b·last value + c, ridge-fitted on this series (standardised); interval ±1.96·σ·√h' },
        meanAbsErrorStd: correction.sigma,
        dynamics: run.dynamics,
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
