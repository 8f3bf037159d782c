import type { SnnNeuron } from '../../kernels/snn-lif';
import { SnnModelError } from './errors';
import { snnNeuronFromJson } from './neuron-keys';
import { validateSnnNetwork, type SnnLayer, type SnnNetwork } from './network';

/**
 * The AURA spiking-network weights file (README.md, "Weights file"):
 *   bytes 0..7   ASCII "AURASNN1"
 *   bytes 8..11  u32 little-endian: header length H in bytes
 *   bytes 12..   H bytes of UTF-8 JSON, space-padded so the data starts at a multiple of 4
 *   then         float32 little-endian data; the header gives each tensor's { offset, length } in floats.
 * Header: { format: 'aura-snn', version: 1, layers: [{ inputs, outputs, neuron, thresholdGe?, weights,
 * bias, recurrent? }], readout?: { inputs, outputs, weights, bias } }. A neuron takes the runtime's keys or
 * the framework's own (snnTorch `reset_mechanism`, `reset_delay`; Norse `tau_mem_inv`, ...: neuron-keys.ts);
 * an unknown key is an error. Weights are out × in row-major,
 * exactly torch's nn.Linear.weight, so an snnTorch or Norse model is exported tensor by tensor.
 */
export const SNN_WEIGHTS_MAGIC = 'AURASNN1';
const MAX_HEADER_BYTES = 1 << 20;

interface TensorRef {
  offset: number;
  length: number;
}

interface HeaderLayer {
  inputs: number;
  outputs: number;
  neuron: SnnNeuron;
  thresholdGe?: boolean;
  weights: TensorRef;
  bias: TensorRef;
  recurrent?: TensorRef;
}

interface Header {
  format: 'aura-snn';
  version: 1;
  layers: HeaderLayer[];
  readout?: { inputs: number; outputs: number; weights: TensorRef; bias: TensorRef };
}

export function encodeSnnWeights(net: SnnNetwork): Uint8Array {
  validateSnnNetwork(net);
  const tensors: Float32Array[] = [];
  let offset = 0;
  const add = (t: Float32Array): TensorRef => {
    tensors.push(t);
    const ref = { offset, length: t.length };
    offset += t.length;
    return ref;
  };
  const header: Header = {
    format: 'aura-snn',
    version: 1,
    layers: net.layers.map((l) => ({
      inputs: l.inputs, outputs: l.outputs, neuron: l.neuron, thresholdGe: l.thresholdGe ?? false,
      weights: add(l.weights), bias: add(l.bias), ...(l.recurrent ? { recurrent: add(l.recurrent) } : {}),
    })),
    ...(net.readout ? { readout: { inputs: net.readout.inputs, outputs: net.readout.outputs, weights: add(net.readout.weights), bias: add(net.readout.bias) } } : {}),
  };
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((12 + json.length) / 4) * 4 - 12;
  const text = new Uint8Array(padded).fill(0x20);
  text.set(json);
  json = text;
  const out = new Uint8Array(12 + json.length + offset * 4);
  out.set(new TextEncoder().encode(SNN_WEIGHTS_MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  const data = new DataView(out.buffer, 12 + json.length);
  let k = 0;
  for (const t of tensors) for (let i = 0; i < t.length; i++) data.setFloat32(4 * k++, t[i], true);
  return out;
}

export function decodeSnnWeights(bytes: Uint8Array): SnnNetwork {
  const bad = (what: string) => new SnnModelError(`not a valid AURA SNN weights file: ${what}`, 'write the file with encodeSnnWeights or the exporter in src/services/neuromorphic/README.md');
  if (!(bytes instanceof Uint8Array) || bytes.length < 12) throw bad('shorter than its 12-byte preamble');
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== SNN_WEIGHTS_MAGIC) throw bad(`magic is not ${SNN_WEIGHTS_MAGIC}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (headerLength > MAX_HEADER_BYTES || 12 + headerLength > bytes.length) throw bad(`header length ${headerLength} does not fit`);
  if ((12 + headerLength) % 4 !== 0) throw bad('data does not start at a multiple of 4 bytes');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as Header;
  } catch {
    throw bad('the header is not JSON');
  }
  if (header?.format !== 'aura-snn' || header.version !== 1 || !Array.isArray(header.layers)) throw bad('header format/version/layers missing');
  const dataStart = 12 + headerLength;
  const floats = (bytes.length - dataStart) / 4;
  if (!Number.isInteger(floats)) throw bad('data is not a whole number of float32');
  const tensor = (ref: TensorRef | undefined, expected: number, name: string): Float32Array => {
    if (!ref || !Number.isInteger(ref.offset) || !Number.isInteger(ref.length) || ref.offset < 0 || ref.length !== expected || ref.offset + ref.length > floats) {
      throw bad(`${name} should hold ${expected} floats inside the data`);
    }
    const out = new Float32Array(ref.length);
    for (let i = 0; i < ref.length; i++) out[i] = view.getFloat32(dataStart + 4 * (ref.offset + i), true);
    return out;
  };
  const known = (obj: object, where: string, keys: string[]) => {
    for (const key of Object.keys(obj)) if (!keys.includes(key)) throw bad(`${where} has an unknown key '${key}' (accepted: ${keys.join(', ')})`);
  };
  known(header, 'the header', ['format', 'version', 'layers', 'readout']);
  const layers: SnnLayer[] = header.layers.map((l, i) => {
    if (l && typeof l === 'object') known(l, `layer ${i}`, ['inputs', 'outputs', 'neuron', 'thresholdGe', 'weights', 'bias', 'recurrent']);
    if (!Number.isInteger(l?.inputs) || !Number.isInteger(l?.outputs) || l.inputs < 1 || l.outputs < 1) throw bad(`layer ${i} has no valid inputs/outputs`);
    return {
      inputs: l.inputs, outputs: l.outputs, neuron: snnNeuronFromJson(l.neuron, `layer ${i}`), thresholdGe: l.thresholdGe === true,
      weights: tensor(l.weights, l.inputs * l.outputs, `layer ${i} weights`),
      bias: tensor(l.bias, l.outputs, `layer ${i} bias`),
      ...(l.recurrent ? { recurrent: tensor(l.recurrent, l.outputs * l.outputs, `layer ${i} recurrent`) } : {}),
    };
  });
  const r = header.readout;
  if (r && typeof r === 'object') known(r, 'the readout', ['inputs', 'outputs', 'weights', 'bias']);
  const net: SnnNetwork = {
    layers,
    ...(r ? { readout: { inputs: r.inputs, outputs: r.outputs, weights: tensor(r.weights, r.inputs * r.outputs, 'readout weights'), bias: tensor(r.bias, r.outputs, 'readout bias') } } : {}),
  };
  validateSnnNetwork(net);
  return net;
}
