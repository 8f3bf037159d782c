import { GpuUnavailableError, InvalidInputError, requireFiniteArray, requireInteger, requireNumberInRange } from '../../errors';
import type { GpuContext } from '../../gpu/device';
import { encoderParams, type SnnEncoding, type SnnEncodingKind } from '../../kernels/snn-encode';
import type { SnnNeuron } from '../../kernels/snn-lif';
import { stdpParams, type StdpOptions, type StdpParams } from '../../kernels/snn-stdp';
import { snnEnergyPj, type SnnEnergyModel } from './energy';
import { SnnEncodingRangeError } from './errors';
import { cloneSnnNetwork, createFeedForwardSnn, snnInputWidth, snnNeuronCount, snnOutputWidth, validateSnnNetwork, type SnnNetwork } from './network';
import { createReservoir } from './reservoir';
import { runSnnCpu, type SnnRunRaw } from './run-cpu';
import { SnnGpuRunner } from './run-gpu';

export const SNN_MAX_TIME_STEPS = 1000;
export const SNN_MAX_BATCH = 4096;
/** Direct-current inputs beyond this magnitude are treated as a mistake (the f32 membrane would saturate). */
export const SNN_MAX_DIRECT_INPUT = 1e6;

export interface NeuromorphicOptions {
  backend?: 'gpu' | 'cpu';
  /** The network to run; else the default model below. */
  network?: SnnNetwork;
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
  /** One sample (a vector of the network's input width) or a batch of them. */
  input: ArrayLike<number> | ArrayLike<number>[];
  timeSteps: number;
  encoding: SnnEncodingKind | SnnEncoding;
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
}

/**
 * The neuromorphic service: a spiking network run on the GPU (state resident, one submission per run)
 * or on the CPU (the reference), with counted energy and reward-modulated learning.
 */
export class NeuromorphicService {
  readonly backend: 'gpu' | 'cpu';
  private readonly net: SnnNetwork;
  private readonly runner?: SnnGpuRunner;
  private readonly energyModel: SnnEnergyModel;
  private readonly stdp: StdpParams;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(ctx: GpuContext | null, options: NeuromorphicOptions = {}) {
    this.backend = options.backend ?? (ctx ? 'gpu' : 'cpu');
    this.net = options.network ? cloneSnnNetwork(options.network) : defaultNeuromorphicNetwork(options);
    validateSnnNetwork(this.net);
    this.energyModel = options.energyModel ?? 'horowitz-45nm';
    this.stdp = stdpParams(options.stdp);
    if (this.backend === 'gpu') {
      if (!ctx) throw new GpuUnavailableError('backend is gpu but no GpuContext was given', "pass acquireGpu()'s context or use backend: 'cpu'");
      this.runner = new SnnGpuRunner(ctx, this.net, options.synapses ?? 'event');
    }
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
    const { input, batch } = this.validate(request);
    const encoder = encoderParams(typeof request.encoding === 'string' ? { kind: request.encoding } : request.encoding);
    const learn = request.reward === undefined ? undefined : { params: this.stdp, reward: request.reward };
    const runRequest = { input, batch, timeSteps: request.timeSteps, encoder, raster: request.raster, learn };
    const raw: SnnRunRaw = this.runner ? await this.runner.run(runRequest) : runSnnCpu(this.net, runRequest);
    return this.respond(raw, request.energyModel ?? this.energyModel, performance.now() - wallStart);
  }

  private validate(request: NeuromorphicRequest): { input: Float32Array; batch: number } {
    if (!request || typeof request !== 'object') throw new InvalidInputError('the request is not an object', 'pass { input, timeSteps, encoding }');
    requireInteger('timeSteps', request.timeSteps, 1, SNN_MAX_TIME_STEPS);
    const spec = typeof request.encoding === 'string' ? { kind: request.encoding } : request.encoding;
    if (!spec || !['rate', 'poisson', 'latency', 'direct'].includes(spec.kind)) {
      throw new InvalidInputError(`encoding is ${JSON.stringify(request.encoding)}`, "encoding must be 'rate', 'poisson', 'latency' or 'direct' (or { kind, seed, ... })");
    }
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
    const rows = isBatch(request.input) ? request.input : [request.input as ArrayLike<number>];
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
          throw new SnnEncodingRangeError(
            `${name}[${i}] is ${x}, outside the ${spec.kind} encoder's range`,
            spec.kind === 'direct' ? `direct currents must lie within ±${SNN_MAX_DIRECT_INPUT}` : `${spec.kind} encoding takes values in [0, 1]: normalise the features first`,
          );
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
    };
  }

  destroy(): void {
    this.runner?.destroy();
  }
}

function isBatch(input: NeuromorphicRequest['input']): input is ArrayLike<number>[] {
  return Array.isArray(input) && input.length > 0 && typeof input[0] === 'object' && input[0] !== null;
}

/** The model the pipeline uses by default: seeded, its input the request's feature vector. */
export function defaultNeuromorphicNetwork(options: Pick<NeuromorphicOptions, 'model' | 'inputSize' | 'seed' | 'neuron'> = {}): SnnNetwork {
  const inputSize = requireInteger('inputSize', options.inputSize ?? 16, 1, 1 << 16);
  if (options.model === 'reservoir') return createReservoir({ inputs: inputSize, outputs: 4, seed: options.seed ?? 1, neuron: options.neuron });
  return createFeedForwardSnn({ sizes: [inputSize, 64, 4], seed: options.seed ?? 1, neuron: options.neuron });
}
