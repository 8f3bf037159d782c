import { SnnRandom } from '../../kernels/snn-rng';
import type { SnnNeuron } from '../../kernels/snn-lif';
import { SnnModelError } from './errors';
import { checkNeuronKeys } from './neuron-keys';

/** One layer: synapses (nn.Linear layout, out × in) into LIF neurons, optionally recurrent. */
export interface SnnLayer {
  inputs: number;
  outputs: number;
  /** outputs × inputs, row-major (torch nn.Linear.weight). */
  weights: Float32Array;
  bias: Float32Array;
  neuron: SnnNeuron;
  /** outputs × outputs: W_rec[post, pre], fed by the layer's own spikes of the previous step. */
  recurrent?: Float32Array;
  /** Threshold test `≥` (GeNN) instead of `>`. */
  thresholdGe?: boolean;
}

/** A linear readout on the last layer's mean activity (spike count / T). */
export interface SnnReadout {
  inputs: number;
  outputs: number;
  weights: Float32Array;
  bias: Float32Array;
}

export interface SnnNetwork {
  layers: SnnLayer[];
  readout?: SnnReadout;
}

export const SNN_MAX_WIDTH = 1 << 20;

export function snnInputWidth(net: SnnNetwork): number {
  return net.layers[0].inputs;
}

export function snnOutputWidth(net: SnnNetwork): number {
  return net.readout ? net.readout.outputs : net.layers[net.layers.length - 1].outputs;
}

/** Neurons per sample, all layers. */
export function snnNeuronCount(net: SnnNetwork): number {
  return net.layers.reduce((n, l) => n + l.outputs, 0);
}

/**
 * Fan-out of each neuron of layer `l`: the synapses a spike of it drives (every neuron of the next
 * layer, plus its non-zero recurrent synapses). The last layer's spikes feed the readout through mean
 * activity, counted as dense MACs, so they add no SOPs.
 */
export function snnFanout(net: SnnNetwork, l: number): Uint32Array {
  const layer = net.layers[l];
  const next = l + 1 < net.layers.length ? net.layers[l + 1].outputs : 0;
  const fanout = new Uint32Array(layer.outputs).fill(next);
  if (layer.recurrent) {
    const n = layer.outputs;
    for (let post = 0; post < n; post++) for (let pre = 0; pre < n; pre++) if (layer.recurrent[post * n + pre] !== 0) fanout[pre]++;
  }
  return fanout;
}

/** Checks shapes, finiteness and neuron parameters; throws SnnModelError saying what to fix. */
export function validateSnnNetwork(net: SnnNetwork): void {
  if (!net || !Array.isArray(net.layers) || net.layers.length === 0) {
    throw new SnnModelError('the network has no layers', 'give at least one layer { inputs, outputs, weights, bias, neuron }');
  }
  net.layers.forEach((layer, l) => {
    const where = `layer ${l}`;
    for (const [name, v] of [['inputs', layer.inputs], ['outputs', layer.outputs]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > SNN_MAX_WIDTH) throw new SnnModelError(`${where}: ${name} is ${v}`, `${name} must be an integer from 1 to ${SNN_MAX_WIDTH}`);
    }
    if (l > 0 && layer.inputs !== net.layers[l - 1].outputs) {
      throw new SnnModelError(`${where} takes ${layer.inputs} inputs but layer ${l - 1} has ${net.layers[l - 1].outputs} outputs`, 'make each layer\'s inputs equal the previous layer\'s outputs');
    }
    checkArray(`${where} weights`, layer.weights, layer.inputs * layer.outputs);
    checkArray(`${where} bias`, layer.bias, layer.outputs);
    if (layer.recurrent) checkArray(`${where} recurrent`, layer.recurrent, layer.outputs * layer.outputs);
    checkNeuron(where, layer.neuron);
  });
  if (net.readout) {
    const last = net.layers[net.layers.length - 1];
    if (net.readout.inputs !== last.outputs) throw new SnnModelError(`the readout takes ${net.readout.inputs} inputs, the last layer has ${last.outputs}`, 'size the readout to the last layer');
    checkArray('readout weights', net.readout.weights, net.readout.inputs * net.readout.outputs);
    checkArray('readout bias', net.readout.bias, net.readout.outputs);
  }
}

function checkArray(name: string, a: Float32Array, length: number): void {
  if (!(a instanceof Float32Array) || a.length !== length) {
    throw new SnnModelError(`${name} has ${a?.length ?? 'no'} values`, `${name} must be a Float32Array of ${length} values`);
  }
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new SnnModelError(`${name}[${i}] is ${a[i]}`, `${name} must hold finite numbers`);
}

function checkNeuron(where: string, n: SnnNeuron): void {
  const positive = (name: string, v: number | undefined) => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new SnnModelError(`${where}: ${name} is ${v}`, `${name} must be a finite number > 0`);
  };
  const finite = (name: string, v: number | undefined) => {
    if (v !== undefined && !Number.isFinite(v)) throw new SnnModelError(`${where}: ${name} is ${v}`, `${name} must be finite`);
  };
  if (n?.model === 'aura') {
    positive('tauMem', n.tauMem); positive('tauSyn', n.tauSyn); positive('dt', n.dt);
    finite('threshold', n.threshold); finite('vReset', n.vReset);
    if (n.refractorySteps !== undefined && !(Number.isInteger(n.refractorySteps) && n.refractorySteps >= 0 && n.refractorySteps < 1e6)) {
      throw new SnnModelError(`${where}: refractorySteps is ${n.refractorySteps}`, 'refractorySteps must be an integer ≥ 0');
    }
  } else if (n?.model === 'snntorch') {
    if (n.resetDelay !== undefined && typeof n.resetDelay !== 'boolean') throw new SnnModelError(`${where}: resetDelay is ${String(n.resetDelay)}`, 'resetDelay (snnTorch reset_delay) is true or false');
    if (!Number.isFinite(n.beta)) throw new SnnModelError(`${where}: beta is ${n.beta}`, 'beta must be a finite number (snnTorch clamps it to [0, 1])');
    finite('threshold', n.threshold);
    if (n.reset !== undefined && !['subtract', 'zero', 'none'].includes(n.reset)) throw new SnnModelError(`${where}: reset is ${n.reset}`, "reset must be 'subtract', 'zero' or 'none'");
  } else if (n?.model === 'norse') {
    positive('tauMemInv', n.tauMemInv); positive('tauSynInv', n.tauSynInv); positive('dt', n.dt);
    finite('vLeak', n.vLeak); finite('vTh', n.vTh); finite('vReset', n.vReset);
  } else {
    throw new SnnModelError(`${where}: neuron model is ${String((n as { model?: unknown })?.model)}`, "use model 'aura', 'snntorch' or 'norse'");
  }
  checkNeuronKeys(where, n);
}

/** Seeded uniform weights U(−k, k), k = gain/√fan-in (nn.Linear's default range times `gain`). */
export function seededLinear(rng: SnnRandom, inputs: number, outputs: number, gain: number): { weights: Float32Array; bias: Float32Array } {
  const k = gain / Math.sqrt(inputs);
  const weights = new Float32Array(inputs * outputs);
  for (let i = 0; i < weights.length; i++) weights[i] = rng.uniform(-k, k);
  const bias = new Float32Array(outputs);
  for (let i = 0; i < outputs; i++) bias[i] = rng.uniform(-k, k) * 0.1;
  return { weights, bias };
}

export interface FeedForwardSpec {
  /** Widths, input first: [784, 512, 10] makes two layers. */
  sizes: number[];
  neuron?: SnnNeuron;
  seed?: number;
  /** Scales the initial weight range (spiking layers need larger weights than ANN layers to fire). */
  gain?: number;
  thresholdGe?: boolean;
}

/** A seeded feed-forward SNN (Linear + LIF layers, any depth). */
export function createFeedForwardSnn(spec: FeedForwardSpec): SnnNetwork {
  if (!Array.isArray(spec.sizes) || spec.sizes.length < 2) {
    throw new SnnModelError(`sizes is ${JSON.stringify(spec.sizes)}`, 'give at least an input and an output width, e.g. [784, 512, 10]');
  }
  const rng = new SnnRandom(spec.seed ?? 1);
  const neuron = spec.neuron ?? { model: 'snntorch', beta: 0.9, threshold: 1, reset: 'subtract' };
  const layers: SnnLayer[] = [];
  for (let l = 0; l + 1 < spec.sizes.length; l++) {
    const { weights, bias } = seededLinear(rng, spec.sizes[l], spec.sizes[l + 1], spec.gain ?? 3);
    layers.push({ inputs: spec.sizes[l], outputs: spec.sizes[l + 1], weights, bias, neuron, thresholdGe: spec.thresholdGe });
  }
  const net = { layers };
  validateSnnNetwork(net);
  return net;
}

/** A deep copy (the service learns in place; callers keep their own network unchanged). */
export function cloneSnnNetwork(net: SnnNetwork): SnnNetwork {
  return {
    layers: net.layers.map((l) => ({ ...l, weights: l.weights.slice(), bias: l.bias.slice(), recurrent: l.recurrent?.slice(), neuron: { ...l.neuron } })),
    readout: net.readout && { ...net.readout, weights: net.readout.weights.slice(), bias: net.readout.bias.slice() },
  };
}
