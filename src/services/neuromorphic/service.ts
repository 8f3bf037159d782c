import { Usage } from '../../gpu/buffers';
import { GpuUnavailableError, InvalidInputError, requireFiniteArray, requireInteger, requireNumberInRange } from '../../errors';
import type { GpuContext } from '../../gpu/device';
import { encoderParams, isRecordedEncoding, type SnnEncoding, type SnnEncodingKind } from '../../kernels/snn-encode';
import type { SnnNeuron } from '../../kernels/snn-lif';
import { stdpParams, type StdpOptions, type StdpParams } from '../../kernels/snn-stdp';
import { snnEnergyPj, type SnnEnergyModel } from '../../metrics/energy';
import { isTensor, requireGpuTensorLayout, tensorValues, type Tensor } from '../../gpu/tensor';
import { requireResidentSeries } from '../../kernels/series-shape';
import { SnnEncodingRangeError, SnnResidentLearningError, snnEncodingRangeHint } from './errors';
import { classifyOutputs, validateSnnClassifier, type SnnClassAnswer, type SnnClassifier } from './classifier';
import { cloneSnnNetwork, createFeedForwardSnn, snnInputWidth, snnNeuronCount, snnOutputWidth, validateSnnNetwork, type SnnNetwork } from './network';
import { createReservoir } from './reservoir';
import { readRecordedInput, type RecordedInput } from './recorded-input';
import { runSnnCpu, type SnnRunRaw } from './run-cpu';
import { SnnGpuRunner, type SnnGpuRunRaw, type SnnResidentInput } from './run-gpu';

export const SNN_MAX_TIME_STEPS = 1000;
export const SNN_MAX_BATCH = 4096;
/** Direct-current inputs beyond this magnitude are treated as a mistake (the f32 membrane would saturate). */
export const SNN_MAX_DIRECT_INPUT = 1e6;

export interface NeuromorphicOptions {
  backend?: 'gpu' | 'cpu';
  /** The network to run; else the default model below. */
  network?: SnnNetwork;
  /** A classifier (network, labels, encoding, time steps), e.g. loadDefaultSnnClassifier(); instead of `network`. */
  classifier?: SnnClassifier;
  /** Default model: 'feedforward' (inputSize → 64 → 4, snnTorch Leaky β 0.9) or 'reservoir' (LSM, 500 neurons, 4 readouts). */
  model?: 'feedforward' | 'reservoir';
  /** Width of the default model's input vector (default 16). */
  inputSize?: number;
  seed?: number;
  neuron?: SnnNeuron;
  /** Synapses for spiking inputs on the GPU (default 'event'). */
  synapses?: 'event' | 'dense';
  energyModel?: SnnEnergyModel;
  stdp?: StdpOptions;
}

export interface NeuromorphicRequest {
  /**
   * One sample (a vector of the network's input width) or a batch of them; or one sample as a tensor of
   * shape [width] (or [1, width]). A GpuTensor on the service's own device (GPU backend) stays there: it is
   * copied on the device and its values are checked there during the run (no `reward` with it). Any other
   * GpuTensor is read back; a CpuTensor's data is used as it is.
   * With encoding 'recorded-current' or 'recorded-spikes': a recorded input in snnTorch's time-first
   * layout, T × batch × width (nested arrays, or a tensor of shape [T, B, width]); step t feeds slice t
   * to the first layer as it is, with no encoder, and the state runs on through all T steps.
   */
  input: ArrayLike<number> | ArrayLike<number>[] | RecordedInput;
  /** Steps to run. A recorded input sets it (T); a classifier has its own default. */
  timeSteps?: number;
  /** Required, unless the service runs a classifier: then its own encoding by default. */
  encoding?: SnnEncodingKind | SnnEncoding;
  /** Reward in [−1, 1]: applies R-STDP to the last layer's synapses after this run. */
  reward?: number;
  /** Return the last layer's spikes per step (for plots). */
  raster?: boolean;
  energyModel?: SnnEnergyModel;
}

export interface NeuromorphicResponse {
  /**
   * batch × outputs, row-major. Without a readout: each output neuron's firing rate over the run
   * (spikes / T, in [0, 1]); rate-coded scores where the largest is the network's answer. With a
   * readout (the reservoir): the linear readout of the reservoir's mean activity.
   */
  output: Float32Array;
  outputShape: [number, number];
  /** Spikes of the LIF neurons (all layers, all samples). */
  spikeCount: number;
  inputSpikeCount: number;
  synapticOps: number;
  macs: number;
  energyPj: number;
  energyModel: SnnEnergyModel;
  energyPerSpikePj: number;
  /** Spikes per neuron per step. */
  spikeRate: number;
  sparsity: number;
  /** batch × last-layer width: membrane potentials after the last step. */
  membrane: Float32Array;
  /** Per sample: the last layer's threshold after the last step (adaptive for the 'aura' neuron). */
  threshold: Float32Array;
  timing: { ms: number; source: 'gpu-timestamp' | 'cpu'; wallMs: number };
  path: 'gpu' | 'cpu';
  raster?: { timeSteps: number; batch: number; neurons: number; spikes: Uint8Array };
  /** A classifier's answer per sample: the top output's label and its softmax probability. */
  classes?: SnnClassAnswer[];
}

/**
 * The neuromorphic service: a spiking network run on the GPU (state resident, one submission per run)
 * or on the CPU (the reference), with counted energy and reward-modulated learning.
 */
export class NeuromorphicService {
  readonly backend: 'gpu' | 'cpu';
  private readonly net: SnnNetwork;
  private built?: SnnGpuRunner;
  private readonly gpuContext?: GpuContext;
  private readonly synapses: 'event' | 'dense';
  private readonly energyModel: SnnEnergyModel;
  private readonly stdp: StdpParams;
  /** The classifier the service runs, if it was given one. */
  readonly classifier?: SnnClassifier;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(ctx: GpuContext | null, options: NeuromorphicOptions = {}) {
    this.backend = options.backend ?? (ctx ? 'gpu' : 'cpu');
    if (options.classifier) {
      validateSnnClassifier(options.classifier);
      this.classifier = { ...options.classifier, labels: [...options.classifier.labels] };
    }
    const given = options.classifier?.network ?? options.network;
    this.net = given ? cloneSnnNetwork(given) : defaultNeuromorphicNetwork(options);
    validateSnnNetwork(this.net);
    this.energyModel = options.energyModel ?? 'horowitz-45nm';
    this.stdp = stdpParams(options.stdp);
    this.synapses = options.synapses ?? 'event';
    if (this.backend === 'gpu') {
      if (!ctx) throw new GpuUnavailableError('backend is gpu but no GpuContext was given', "pass acquireGpu()'s context or use backend: 'cpu'");
      this.gpuContext = ctx;
      this.built = new SnnGpuRunner(ctx, this.net, this.synapses);
    }
  }

  /**
   * The GPU runner on the context's current device: after a device loss (the runtime's view moved to a
   * new device) it is rebuilt from the network's CPU copy, so weights learned on the lost device are lost.
   */
  private get runner(): SnnGpuRunner | undefined {
    if (this.built && this.gpuContext && this.built.device !== this.gpuContext.device) {
      this.built.destroy();
      this.built = new SnnGpuRunner(this.gpuContext, this.net, this.synapses);
    }
    return this.built;
  }

  /** The device the GPU path runs on (a resident input must live there); undefined on the CPU backend. */
  get device(): GPUDevice | undefined {
    return this.runner?.device;
  }

  get inputWidth(): number {
    return snnInputWidth(this.net);
  }

  get outputWidth(): number {
    return snnOutputWidth(this.net);
  }

  /** The current weights of a layer (they change under R-STDP). */
  async layerWeights(layer: number): Promise<Float32Array> {
    requireInteger('layer', layer, 0, this.net.layers.length - 1);
    return this.runner ? this.runner.weights(layer) : this.net.layers[layer].weights.slice();
  }

  /** Runs one request; calls are queued, one run at a time. */
  process(request: NeuromorphicRequest): Promise<NeuromorphicResponse> {
    const run = this.queue.then(() => this.processNow(request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async processNow(request: NeuromorphicRequest): Promise<NeuromorphicResponse> {
    const wallStart = performance.now();
    const spec = this.validateOptions(request);
    const encoder = encoderParams(spec);
    const learn = request.reward === undefined ? undefined : { params: this.stdp, reward: request.reward };
    const recorded = isRecordedEncoding(spec.kind);
    const resident = recorded ? undefined : this.residentInput(request.input);
    if (resident && learn) throw new SnnResidentLearningError();
    const limits = { width: this.inputWidth, maxSteps: SNN_MAX_TIME_STEPS, maxBatch: SNN_MAX_BATCH, maxCurrent: SNN_MAX_DIRECT_INPUT };
    const { input, batch, timeSteps } = recorded
      ? await readRecordedInput(request.input as RecordedInput, spec.kind, limits, request.timeSteps)
      : { ...(resident ? { input: resident, batch: 1 } : this.validateRows(await this.rowsOf(request.input as ArrayLike<number> | ArrayLike<number>[] | Tensor), spec)), timeSteps: (request.timeSteps ?? this.classifier?.timeSteps) as number };
    const runRequest = { batch, timeSteps, encoder, raster: request.raster, learn };
    const raw: SnnGpuRunRaw = this.runner
      ? await this.runner.run({ ...runRequest, input })
      : runSnnCpu(this.net, { ...runRequest, input: input as Float32Array });
    if (raw.inputFault) throw residentInputError(raw.inputFault.firstNonFinite, raw.inputFault.firstOutOfRange, spec.kind);
    return this.respond(raw, request.energyModel ?? this.energyModel, performance.now() - wallStart);
  }

  /** A GpuTensor on the runner's device, validated: the run reads it there. Else undefined. */
  private residentInput(input: unknown): SnnResidentInput | undefined {
    if (!isTensor(input) || input.kind !== 'gpu' || !this.runner || input.device !== this.runner.device) return undefined;
    const n = requireResidentSeries(input, this.runner.device, 'input');
    if (n !== this.inputWidth) throw new InvalidInputError(`input has ${n} values`, `this network takes ${this.inputWidth} values per sample`);
    if ((input.buffer.usage & Usage.COPY_SRC) === 0) {
      throw new InvalidInputError('the input buffer was not made with COPY_SRC usage', 'it is copied on the device: create it with GPUBufferUsage.COPY_SRC, or pass the values as an array');
    }
    return { buffer: input.buffer, byteOffset: input.byteOffset, maxDirect: SNN_MAX_DIRECT_INPUT };
  }

  /** The input as rows of numbers: arrays as given, a CpuTensor's data, another device's GpuTensor read back. */
  private async rowsOf(input: ArrayLike<number> | ArrayLike<number>[] | Tensor): Promise<ArrayLike<number>[]> {
    if (!isTensor(input)) return isBatch(input) ? input : [input as ArrayLike<number>];
    const shape = input.shape;
    if (!Array.isArray(shape) || !(shape.length === 1 || (shape.length === 2 && shape[0] === 1)) || shape[shape.length - 1] !== this.inputWidth) {
      throw new InvalidInputError(`input has shape ${JSON.stringify(shape)}`, `pass one sample as a tensor of shape [${this.inputWidth}] (or an array of samples)`);
    }
    if (input.kind === 'cpu') return [input.data];
    requireGpuTensorLayout(input, 'input');
    return [await tensorValues(input)];
  }

  private validateOptions(request: NeuromorphicRequest): SnnEncoding {
    if (!request || typeof request !== 'object') throw new InvalidInputError('the request is not an object', 'pass { input, timeSteps, encoding }');
    const encoding = request.encoding ?? this.classifier?.encoding;
    const spec = typeof encoding === 'string' ? { kind: encoding } : encoding;
    if (!spec || !['rate', 'poisson', 'latency', 'direct', 'recorded-current', 'recorded-spikes'].includes(spec.kind)) {
      throw new InvalidInputError(
        `encoding is ${JSON.stringify(request.encoding)}`,
        "encoding must be 'rate', 'poisson', 'latency', 'direct' (or { kind, seed, ... }), or 'recorded-current' / 'recorded-spikes' for a recorded (T, B, N) input",
      );
    }
    if (!isRecordedEncoding(spec.kind) || request.timeSteps !== undefined) requireInteger('timeSteps', request.timeSteps ?? this.classifier?.timeSteps, 1, SNN_MAX_TIME_STEPS);
    if (spec.seed !== undefined) requireInteger('encoding.seed', spec.seed, 0, 0xffffffff);
    for (const key of ['gain', 'offset', 'dt', 'maxRateHz', 'latencyThreshold'] as const) {
      if (spec[key] !== undefined) requireNumberInRange(`encoding.${key}`, spec[key], -1e9, 1e9);
    }
    if (spec.kind === 'poisson') {
      const p = (spec.dt ?? 0.001) * (spec.maxRateHz ?? 1000);
      if (!(p > 0 && p <= 1)) throw new SnnEncodingRangeError(`dt·maxRateHz is ${p}`, 'the Poisson spike probability per step dt·f_max must be in (0, 1]: lower dt or maxRateHz');
    }
    if (request.reward !== undefined) requireNumberInRange('reward', request.reward, -1, 1);
    if (request.energyModel !== undefined && !['horowitz-45nm', 'predecessor'].includes(request.energyModel)) {
      throw new InvalidInputError(`energyModel is ${JSON.stringify(request.energyModel)}`, "energyModel must be 'horowitz-45nm' or 'predecessor'");
    }
    return spec;
  }

  private validateRows(rows: ArrayLike<number>[], spec: SnnEncoding): { input: Float32Array; batch: number } {
    if (rows.length === 0 || rows.length > SNN_MAX_BATCH) throw new InvalidInputError(`the batch has ${rows.length} samples`, `send 1 to ${SNN_MAX_BATCH} samples`);
    const width = this.inputWidth;
    const input = new Float32Array(rows.length * width);
    rows.forEach((row, r) => {
      const name = rows.length === 1 ? 'input' : `input[${r}]`;
      if (!row || typeof row.length !== 'number') throw new InvalidInputError(`${name} is not an array`, 'pass numbers as an array or Float32Array');
      if (row.length !== width) throw new InvalidInputError(`${name} has ${row.length} values`, `this network takes ${width} values per sample`);
      requireFiniteArray(name, row);
      for (let i = 0; i < width; i++) {
        const x = row[i];
        if (spec.kind === 'direct' ? Math.abs(x) > SNN_MAX_DIRECT_INPUT : x < 0 || x > 1) {
          throw new SnnEncodingRangeError(`${name}[${i}] is ${x}, outside the ${spec.kind} encoder's range`, snnEncodingRangeHint(spec.kind, SNN_MAX_DIRECT_INPUT));
        }
        input[r * width + i] = x;
      }
    });
    return { input, batch: rows.length };
  }

  private respond(raw: SnnRunRaw, energyModel: SnnEnergyModel, wallMs: number): NeuromorphicResponse {
    const neuronSteps = snnNeuronCount(this.net) * raw.timeSteps * raw.batch;
    const energyPj = snnEnergyPj(energyModel, { counts: raw.counts, sumAbsCurrent: raw.sumAbsCurrent, neuronSteps, dtMs: 1 });
    const spikeRate = raw.counts.neuronSpikes / neuronSteps;
    const last = this.net.layers[this.net.layers.length - 1].outputs;
    return {
      output: raw.output,
      outputShape: [raw.batch, this.outputWidth],
      spikeCount: raw.counts.neuronSpikes,
      inputSpikeCount: raw.counts.inputSpikes,
      synapticOps: raw.counts.sop,
      macs: raw.counts.mac,
      energyPj,
      energyModel,
      energyPerSpikePj: energyPj / Math.max(1, raw.counts.neuronSpikes),
      spikeRate,
      sparsity: 1 - spikeRate,
      membrane: raw.membrane,
      threshold: raw.threshold,
      timing: { ms: raw.ms, source: raw.timingSource, wallMs },
      path: raw.path,
      ...(raw.raster ? { raster: { timeSteps: raw.timeSteps, batch: raw.batch, neurons: last, spikes: Uint8Array.from(raw.raster) } } : {}),
      ...(this.classifier ? { classes: classifyOutputs(raw.output, this.classifier.labels) } : {}),
    };
  }

  destroy(): void {
    this.built?.destroy();
  }
}

/** The typed error for a resident input the GPU check flagged: the same kinds as for values from the CPU. */
function residentInputError(firstNonFinite: number, firstOutOfRange: number, kind: SnnEncodingKind): Error {
  if (firstNonFinite >= 0) {
    return new InvalidInputError(`input[${firstNonFinite}] (GPU-resident) is NaN or ±Infinity`, 'input must hold finite numbers only: remove or replace NaN and Infinity');
  }
  return new SnnEncodingRangeError(`input[${firstOutOfRange}] (GPU-resident) is outside the ${kind} encoder's range`, snnEncodingRangeHint(kind, SNN_MAX_DIRECT_INPUT));
}

function isBatch(input: ArrayLike<number> | ArrayLike<number>[]): input is ArrayLike<number>[] {
  return Array.isArray(input) && input.length > 0 && typeof input[0] === 'object' && input[0] !== null;
}

/** The model the pipeline uses by default: seeded, its input the request's feature vector. */
export function defaultNeuromorphicNetwork(options: Pick<NeuromorphicOptions, 'model' | 'inputSize' | 'seed' | 'neuron'> = {}): SnnNetwork {
  const inputSize = requireInteger('inputSize', options.inputSize ?? 16, 1, 1 << 16);
  if (options.model === 'reservoir') return createReservoir({ inputs: inputSize, outputs: 4, seed: options.seed ?? 1, neuron: options.neuron });
  return createFeedForwardSnn({ sizes: [inputSize, 64, 4], seed: options.seed ?? 1, neuron: options.neuron });
}
