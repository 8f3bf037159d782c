import { InvalidInputError, requireNumberInRange } from '../../errors';
import { STORAGE, bufferFrom, readFloat32 } from '../../gpu/buffers';
import { runCompute } from '../../gpu/compute';
import type { GpuContext } from '../../gpu/device';
import { rlsErrorIndex, rlsShapeUniform, rlsUpdateStep, type RlsRun } from '../../kernels/lnn-rls';
import { cfcSequenceCpu, type LnnSequenceResult } from './cfc-cpu';
import { cellOffsets, type LnnModel, type RlsShape } from '../../kernels/lnn-model';
import { lnnDynamics } from './dynamics';
import { LnnUnsupportedError } from './errors';
import { LnnGpuModel, lnnSeqData, type LnnEncodedRun } from './gpu-model';
import { toLnnBatch, toLnnTimespans, type LnnBatch, type LnnSamples as Samples } from './input';
import { ltcSequenceCpu } from './ltc-cpu';
import { createLnnDefaultModel, lnnOutputWidth, lnnStateSize } from './model';
import { rlsHeldError, rlsInitialState, rlsUpdateCpu, type RlsSampleSet } from './rls-cpu';
import { LnnSessionTable } from './sessions';
import { toLnnHiddenState, type LnnHiddenStateInput } from './hidden-state';
import { concat, splitAdaptSamples } from './adapt-split';
import type { LnnServiceOptions, LnnTiming, LnnInferRequest, LnnInferResult, LnnAdaptSet, LnnAdaptRequest, LnnAdaptResult, LnnFeedbackRequest } from './service-types';

export type { LnnServiceOptions, LnnTiming, LnnInferRequest, LnnInferResult, LnnAdaptSet, LnnAdaptRequest, LnnAdaptResult, LnnFeedbackRequest } from './service-types';

/**
 * The LNN service: ncps CfC / wired CfC / LTC sequence inference with per-session hidden state (GPU
 * resident on the gpu path), and FORCE (RLS) adaptation of the linear readout, kept only when the held-out
 * error does not grow.
 */
export class LnnService {
  readonly path: 'gpu' | 'cpu';
  readonly model: LnnModel;
  private builtModel?: LnnGpuModel;
  private readonly sessions: LnnSessionTable<GPUBuffer | Float32Array>;
  private readonly washout: number;
  private readonly threshold: number;
  private readonly rls?: { shape: RlsShape; cpuState: Float32Array };
  private destroyed = false;
  /** adapt() calls run one after another, so each starts from the readout the previous one left. */
  private adaptQueue: Promise<unknown> = Promise.resolve();

  constructor(private readonly gpu: GpuContext | null, options: LnnServiceOptions = {}) {
    this.path = options.backend ?? (gpu ? 'gpu' : 'cpu');
    if (this.path === 'gpu' && !gpu) throw new InvalidInputError("backend 'gpu' without a GpuContext", "pass acquireGpu()'s context, or backend: 'cpu'");
    this.model = structuredClone(options.model ?? createLnnDefaultModel());
    this.washout = options.washout ?? 0;
    this.threshold = options.sparsityThreshold ?? 0.01;
    if (!Number.isInteger(this.washout) || this.washout < 0) throw new InvalidInputError(`washout is ${this.washout}`, 'washout must be a whole number ≥ 0');
    const alpha = options.rlsAlpha ?? 1;
    requireNumberInRange('rlsAlpha', alpha, 1e-9, 1e9);
    if (this.model.kind === 'cfc' && this.model.readout) {
      const rows = this.model.readout.outDim;
      const O = this.model.cellOutputSize;
      const W = new Float32Array(rows * (O + 1));
      for (let p = 0; p < rows; p++) {
        W.set(this.model.readout.weight.subarray(p * O, (p + 1) * O), p * (O + 1));
        W[p * (O + 1) + O] = this.model.readout.bias[p];
      }
      const offsets = cellOffsets(this.model);
      this.rls = { shape: { rows, width: O, stateSize: this.model.stateSize, inputOffset: offsets[offsets.length - 1] }, cpuState: rlsInitialState(W, rows, O, alpha) };
    }
    if (this.path === 'gpu') this.builtModel = new LnnGpuModel(gpu!, this.model, this.rls?.cpuState);
    this.sessions = new LnnSessionTable(options.maxSessions ?? 64, options.idleMs ?? 300_000, options.now ?? (() => Date.now()), (s) => {
      if (!(s instanceof Float32Array)) s.destroy();
    });
  }

  /**
   * The model's GPU buffers on the context's current device: after a device loss they are rebuilt from
   * the model and the CPU copy of the readout (an adaptation made only on the lost device is lost).
   */
  private get gpuModel(): LnnGpuModel | undefined {
    if (this.builtModel && this.gpu && this.builtModel.device !== this.gpu.device) {
      this.builtModel.destroy();
      this.builtModel = new LnnGpuModel(this.gpu, this.model, this.rls?.cpuState);
    }
    return this.builtModel;
  }

  get inputSize(): number {
    return this.model.kind === 'ltc' ? this.model.sensorySize : this.model.inputSize;
  }

  get outputWidth(): number {
    return lnnOutputWidth(this.model);
  }

  get stateSize(): number {
    return lnnStateSize(this.model);
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /**
   * A session whose hidden state (batch × stateSize) persists across infer() calls; it starts at `hx`
   * (ncps's initial state argument) or zeros.
   */
  createSession(options: { batch?: number; hx?: LnnHiddenStateInput } = {}): string {
    this.alive();
    const batch = options.batch ?? 1;
    if (!Number.isInteger(batch) || batch < 1 || batch > 65_535) throw new InvalidInputError(`batch is ${batch}`, 'batch must be a whole number from 1 to 65535');
    const initial = options.hx === undefined ? new Float32Array(batch * this.stateSize) : toLnnHiddenState(options.hx, batch, this.stateSize);
    const state = this.path === 'gpu' ? bufferFrom(this.gpu!.device, initial, STORAGE, 'lnn session state') : initial;
    return this.sessions.create(batch, state).id;
  }

  /** Sets a session's hidden state (ncps's `hx`: batch × stateSize). */
  setSessionState(id: string, hx: LnnHiddenStateInput): void {
    const session = this.sessions.get(id);
    const values = toLnnHiddenState(hx, session.batch, this.stateSize);
    if (session.state instanceof Float32Array) session.state.set(values);
    else this.gpu!.device.queue.writeBuffer(session.state, 0, values);
  }

  /** Sets a session's hidden state back to zeros. */
  resetSession(id: string): void {
    const session = this.sessions.get(id);
    if (session.state instanceof Float32Array) session.state.fill(0);
    else this.gpu!.device.queue.writeBuffer(session.state, 0, new Float32Array(session.batch * this.stateSize));
  }

  closeSession(id: string): boolean {
    return this.sessions.close(id);
  }

  /** A session's hidden state, read back (for inspection and tests). */
  async sessionState(id: string): Promise<Float32Array> {
    const session = this.sessions.get(id);
    if (session.state instanceof Float32Array) return session.state.slice();
    return readFloat32(this.gpu!.device, session.state, session.batch * this.stateSize);
  }

  async infer(request: LnnInferRequest): Promise<LnnInferResult> {
    this.alive();
    const wallStart = performance.now();
    if (typeof request !== 'object' || request === null) throw new InvalidInputError('infer() needs a request object', 'call infer({ sequence, timespans?, session?, returnDynamics? })');
    const batch = toLnnBatch('sequence', request.sequence, this.inputSize);
    const timespans = toLnnTimespans(request.timespans, batch.batch, batch.steps, this.model.kind === 'cfc');
    const returnDynamics = request.returnDynamics ?? true;
    const session = request.session === undefined ? undefined : this.sessions.get(request.session);
    if (session && session.batch !== batch.batch) throw new InvalidInputError(`session ${session.id} holds ${session.batch} sequences, the call has ${batch.batch}`, 'send the same batch size the session was created with');
    const S = this.stateSize;
    const hx = request.hx === undefined ? undefined : toLnnHiddenState(request.hx, batch.batch, S);
    if (session && hx) this.setSessionState(session.id, hx);
    const W = this.outputWidth;
    let output: Float32Array;
    let values: Float32Array;
    let ms: number;
    let source: LnnTiming['source'] = 'cpu';
    let trajectory: Float32Array | undefined;
    if (this.path === 'cpu') {
      const state = (session?.state as Float32Array | undefined) ?? hx ?? new Float32Array(batch.batch * S);
      const start = performance.now();
      const result = this.runCpu(batch.data, timespans, batch.batch, batch.steps, state);
      ms = performance.now() - start;
      output = result.output;
      trajectory = result.trajectory;
      values = returnDynamics ? result.trajectory : state.slice();
    } else {
      const { device } = this.gpu!;
      const seq = bufferFrom(device, lnnSeqData(batch.data, timespans), STORAGE, 'lnn seq');
      const state = (session?.state as GPUBuffer | undefined) ?? bufferFrom(device, hx ?? new Float32Array(batch.batch * S), STORAGE, 'lnn state');
      let run: LnnEncodedRun | undefined;
      try {
        run = this.gpuModel!.encode(state, seq, batch.batch, batch.steps);
        const timing = await runCompute(device, run.steps);
        ms = timing.ms;
        source = timing.source;
        output = await readFloat32(device, run.output, batch.batch * batch.steps * W);
        values = returnDynamics ? await readFloat32(device, run.trajectory, batch.batch * batch.steps * S) : await readFloat32(device, state, batch.batch * S);
        trajectory = returnDynamics ? values : undefined;
      } finally {
        run?.release();
        seq.destroy();
        if (!session) state.destroy();
      }
    }
    return {
      output,
      shape: [batch.batch, batch.steps, W],
      dynamics: lnnDynamics(values, this.threshold, returnDynamics ? 'trajectory' : 'final'),
      trajectory: returnDynamics ? trajectory : undefined,
      timing: { ms, source, wallMs: performance.now() - wallStart },
      path: this.path,
    };
  }

  /**
   * FORCE/RLS on the readout from (input sequence, target per step) pairs. Each sequence runs from a zero
   * state; every step after the washout is one sample. The update is kept only if the held-out mean
   * squared error does not grow; otherwise the readout (and P) stay as they were and rolledBack is true.
   */
  adapt(request: LnnAdaptRequest): Promise<LnnAdaptResult> {
    const next = this.adaptQueue.then(() => this.adaptNow(request));
    this.adaptQueue = next.catch(() => undefined);
    return next;
  }

  private async adaptNow(request: LnnAdaptRequest): Promise<LnnAdaptResult> {
    this.alive();
    const wallStart = performance.now();
    if (!this.rls) throw new LnnUnsupportedError('this model has no linear readout to adapt', 'use a CfC with proj_size (projSize), as the default model has');
    if (typeof request !== 'object' || request === null) throw new InvalidInputError('adapt() needs a request object', 'call adapt({ inputs, targets, strength? })');
    const strength = request.strength ?? 1;
    if (typeof strength !== 'number' || !(strength > 0 && strength <= 1)) throw new InvalidInputError(`strength is ${String(strength)}`, 'strength must be a number in (0, 1]');
    const train = this.samples('inputs', 'targets', request);
    const held = request.heldOut === undefined ? undefined : this.samples('heldOut.inputs', 'heldOut.targets', request.heldOut);
    const { trainSet, heldSet } = splitAdaptSamples(train.batch, held?.batch, this.washout, this.rls.shape.rows);
    const run: RlsRun = { train: trainSet, held: heldSet, strength };
    const result = this.path === 'cpu' ? this.adaptCpu(train, held, run) : await this.adaptGpu(train, held, run);
    const keep = result.errorAfter <= result.errorBefore;
    if (keep) this.acceptReadout(result.newState);
    else result.discard();
    return {
      parametersChanged: keep && trainSet.count > 0,
      errorBefore: result.errorBefore,
      errorAfter: result.errorAfter,
      rolledBack: !keep,
      updates: trainSet.count,
      heldOutSamples: heldSet.count,
      timing: { ms: result.ms, source: result.source, wallMs: performance.now() - wallStart },
      path: this.path,
    };
  }

  /**
   * The predecessor's interface: a feedback signal in [−1, 1] and a strength, mapped onto a real FORCE
   * update. The model's current output y_t on `sequence` becomes the target y_t + feedback (per output,
   * in output units); adapt() then fits the readout to it with that strength, judged on the held-out
   * last quarter of the sequence.
   */
  async adaptFeedback(request: LnnFeedbackRequest): Promise<LnnAdaptResult> {
    this.alive();
    const feedback = requireNumberInRange('feedback', request?.feedback, -1, 1);
    const current = await this.infer({ sequence: request.sequence, timespans: request.timespans, returnDynamics: false });
    const [B, T, W] = current.shape;
    const targets = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => Array.from({ length: W }, (_, p) => current.output[(b * T + t) * W + p] + feedback)));
    return this.adapt({ inputs: request.sequence, targets: B === 1 ? targets[0] : targets, timespans: request.timespans, strength: request.strength });
  }

  /** The readout as [W | bias] rows (rows × (O + 1)). */
  async readoutWeights(): Promise<Float32Array> {
    if (!this.rls) throw new LnnUnsupportedError('this model has no linear readout', 'use a CfC with projSize');
    const n = this.rls.shape.rows * (this.rls.shape.width + 1);
    if (this.path === 'cpu') return this.rls.cpuState.slice(0, n);
    return readFloat32(this.gpu!.device, this.gpuModel!.readout, n);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.sessions.clear();
    this.builtModel?.destroy();
    this.destroyed = true;
  }

  private alive(): void {
    if (this.destroyed) throw new InvalidInputError('LnnService used after destroy()', 'create a new LnnService');
  }

  private samples(inputName: string, targetName: string, set: LnnAdaptSet): Samples {
    if (typeof set !== 'object' || set === null) throw new InvalidInputError(`${inputName} is missing`, 'pass { inputs, targets }');
    const batch = toLnnBatch(inputName, set.inputs, this.inputSize);
    const targets = toLnnBatch(targetName, set.targets, this.rls!.shape.rows);
    if (targets.batch !== batch.batch || targets.steps !== batch.steps) {
      throw new InvalidInputError(`${targetName} is ${targets.batch} × ${targets.steps}, ${inputName} is ${batch.batch} × ${batch.steps}`, 'give one target per input step');
    }
    return { batch, targets: targets.data, timespans: toLnnTimespans(set.timespans, batch.batch, batch.steps, true) };
  }

  private runCpu(inputs: Float32Array, ts: Float32Array, batch: number, steps: number, state: Float32Array): LnnSequenceResult {
    if (this.model.kind === 'ltc') return ltcSequenceCpu(this.model, inputs, ts, batch, steps, state);
    return cfcSequenceCpu(this.model, inputs, ts, batch, steps, state);
  }

  private adaptCpu(train: Samples, held: Samples | undefined, run: RlsRun) {
    const start = performance.now();
    const shape = this.rls!.shape;
    const trainRun = this.runCpu(train.batch.data, train.timespans, train.batch.batch, train.batch.steps, new Float32Array(train.batch.batch * this.stateSize));
    const heldRun = held ? this.runCpu(held.batch.data, held.timespans, held.batch.batch, held.batch.steps, new Float32Array(held.batch.batch * this.stateSize)) : trainRun;
    const heldTargets = held ? concat(train.targets, held.targets) : train.targets;
    const trainSet: RlsSampleSet = { trajectory: trainRun.trajectory, targets: train.targets, ...run.train, rowOffset: 0, targetOffset: 0 };
    const heldSet: RlsSampleSet = { trajectory: heldRun.trajectory, targets: heldTargets, ...run.held };
    const state = this.rls!.cpuState.slice();
    const errorBefore = rlsHeldError(state, shape, heldSet);
    rlsUpdateCpu(state, shape, trainSet, run.strength);
    const errorAfter = rlsHeldError(state, shape, heldSet);
    return { errorBefore, errorAfter, newState: state as Float32Array | GPUBuffer, discard: () => {}, ms: performance.now() - start, source: 'cpu' as const };
  }

  private async adaptGpu(train: Samples, held: Samples | undefined, run: RlsRun) {
    const { device, pool } = this.gpu!;
    const shape = this.rls!.shape;
    const S = this.stateSize;
    const made: GPUBuffer[] = [];
    const runs: LnnEncodedRun[] = [];
    const make = (data: Float32Array, label: string) => {
      const b = bufferFrom(device, data, STORAGE, label);
      made.push(b);
      return b;
    };
    const encode = (set: Samples) => {
      const r = this.gpuModel!.encode(make(new Float32Array(set.batch.batch * S), 'lnn adapt state'), make(lnnSeqData(set.batch.data, set.timespans), 'lnn adapt seq'), set.batch.batch, set.batch.steps);
      runs.push(r);
      return r;
    };
    const errorAt = rlsErrorIndex(shape);
    const work = pool.acquire((errorAt + 2) * 4, STORAGE, 'lnn rls work');
    const uniform = rlsShapeUniform(device, shape, run);
    made.push(uniform);
    let stateOut: GPUBuffer | undefined;
    try {
      const trainRun = encode(train);
      const heldRun = held ? encode(held) : trainRun;
      const targets = make(held ? concat(train.targets, held.targets) : train.targets, 'lnn targets');
      stateOut = device.createBuffer({ size: this.gpuModel!.readout.size, usage: STORAGE, label: 'lnn readout' });
      const rls = rlsUpdateStep(device, uniform, { trainTrajectory: trainRun.trajectory, heldTrajectory: heldRun.trajectory, targets, stateIn: this.gpuModel!.readout, stateOut, work });
      const timing = await runCompute(device, [...runs.flatMap((r) => r.steps), rls]);
      const [errorBefore, errorAfter] = await readFloat32(device, work, 2, errorAt * 4);
      const out = stateOut;
      return { errorBefore, errorAfter, newState: out as Float32Array | GPUBuffer, discard: () => out.destroy(), ms: timing.ms, source: timing.source };
    } catch (error) {
      stateOut?.destroy();
      throw error;
    } finally {
      for (const r of runs) r.release();
      pool.release(work);
      for (const b of made) b.destroy();
    }
  }

  private acceptReadout(state: Float32Array | GPUBuffer): void {
    if (state instanceof Float32Array) {
      this.rls!.cpuState = state;
      const { rows, width } = this.rls!.shape;
      const readout = (this.model as { readout?: { weight: Float32Array; bias: Float32Array } }).readout!;
      for (let p = 0; p < rows; p++) {
        readout.weight.set(state.subarray(p * (width + 1), p * (width + 1) + width), p * width);
        readout.bias[p] = state[p * (width + 1) + width];
      }
      return;
    }
    const old = this.gpuModel!.readout;
    this.gpuModel!.readout = state;
    void this.gpu!.device.queue.onSubmittedWorkDone().then(() => old.destroy());
  }
}
