import { describe, expect, it } from 'vitest';
import { encoderParams } from '../../../src/kernels/snn-encode';
import { SnnModelError } from '../../../src/services/neuromorphic/errors';
import { createFeedForwardSnn } from '../../../src/services/neuromorphic/network';
import { createReservoir } from '../../../src/services/neuromorphic/reservoir';
import { runSnnCpu } from '../../../src/services/neuromorphic/run-cpu';
import { SNN_WEIGHTS_MAGIC, decodeSnnWeights, encodeSnnWeights } from '../../../src/services/neuromorphic/weights-file';

/** Builds a file as the Python exporter in the README does: header JSON, then the tensors' float32 bytes. */
function fileFrom(header: object, data: number[]): Uint8Array {
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((12 + json.length) / 4) * 4 - 12;
  const text = new Uint8Array(padded).fill(0x20);
  text.set(json);
  json = text;
  const out = new Uint8Array(12 + json.length + data.length * 4);
  out.set(new TextEncoder().encode(SNN_WEIGHTS_MAGIC));
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  new Float32Array(out.buffer, 12 + json.length).set(data);
  return out;
}

describe('the SNN weights file (JSON header + float32 data)', () => {
  it('round-trips a feed-forward network and a reservoir with readout exactly', () => {
    const ff = createFeedForwardSnn({ sizes: [5, 7, 3], neuron: { model: 'norse', tauMemInv: 50 }, seed: 2, thresholdGe: true });
    const back = decodeSnnWeights(encodeSnnWeights(ff));
    expect(back.layers.map((l) => [l.inputs, l.outputs, l.neuron, l.thresholdGe])).toEqual(ff.layers.map((l) => [l.inputs, l.outputs, l.neuron, true]));
    back.layers.forEach((l, i) => {
      expect(l.weights).toEqual(ff.layers[i].weights);
      expect(l.bias).toEqual(ff.layers[i].bias);
    });
    const lsm = createReservoir({ inputs: 4, outputs: 2, neurons: 50, seed: 3 });
    const lsmBack = decodeSnnWeights(encodeSnnWeights(lsm));
    expect(lsmBack.layers[0].recurrent).toEqual(lsm.layers[0].recurrent);
    expect(lsmBack.readout?.weights).toEqual(lsm.readout?.weights);
  });

  it('an snnTorch nn.Linear(1, 1) + snn.Leaky(beta=0.5) exported tensor by tensor runs with snnTorch semantics', () => {
    // fc.weight = [[0.9]], fc.bias = [0]: with direct input 1 the neuron sees 0.9 per step, as in the
    // hand-worked Leaky sequence: spikes 0, 1, 0, 1, 0.
    const header = {
      format: 'aura-snn', version: 1,
      layers: [{ inputs: 1, outputs: 1, neuron: { model: 'snntorch', beta: 0.5, threshold: 1, reset: 'subtract' }, weights: { offset: 0, length: 1 }, bias: { offset: 1, length: 1 } }],
    };
    const net = decodeSnnWeights(fileFrom(header, [0.9, 0]));
    const run = runSnnCpu(net, { input: new Float32Array([1]), batch: 1, timeSteps: 5, encoder: encoderParams({ kind: 'direct' }), raster: true });
    expect(Array.from(run.raster!)).toEqual([0, 1, 0, 1, 0]);
  });

  it('a Norse nn.Linear + LIFFeedForwardCell maps to neuron { model: "norse", tauMemInv, tauSynInv, vTh, ... }', () => {
    const header = {
      format: 'aura-snn', version: 1,
      layers: [{ inputs: 1, outputs: 1, neuron: { model: 'norse', tauMemInv: 100, tauSynInv: 200, vLeak: 0, vTh: 1, vReset: 0, dt: 0.001 }, weights: { offset: 0, length: 1 }, bias: { offset: 1, length: 1 } }],
    };
    const net = decodeSnnWeights(fileFrom(header, [5, 0]));
    // Direct input 1 × weight 5 = current 5 every step. Norse's order: at step 0 the jump lands after the
    // voltage update (v stays 0, i = 5); at step 1 v = 0 + 0.1·(0 + 5) = 0.5.
    const run = runSnnCpu(net, { input: new Float32Array([1]), batch: 1, timeSteps: 2, encoder: encoderParams({ kind: 'direct' }) });
    expect(run.membrane[0]).toBeCloseTo(0.5, 6);
  });

  it('rejects malformed files with SnnModelError', () => {
    const good = encodeSnnWeights(createFeedForwardSnn({ sizes: [2, 3], seed: 1 }));
    const badMagic = good.slice();
    badMagic[0] = 0x58;
    expect(() => decodeSnnWeights(badMagic)).toThrow(SnnModelError);
    expect(() => decodeSnnWeights(good.slice(0, good.length - 4))).toThrow(/floats inside the data/);
    expect(() => decodeSnnWeights(good.slice(0, 10))).toThrow(SnnModelError);
    const header = { format: 'aura-snn', version: 1, layers: [{ inputs: 2, outputs: 3, neuron: { model: 'snntorch', beta: 0.9 }, weights: { offset: 0, length: 5 }, bias: { offset: 5, length: 3 } }] };
    expect(() => decodeSnnWeights(fileFrom(header, new Array(8).fill(0)))).toThrow(/layer 0 weights should hold 6/);
    const nan = { ...header, layers: [{ ...header.layers[0], weights: { offset: 0, length: 6 }, bias: { offset: 6, length: 3 } }] };
    expect(() => decodeSnnWeights(fileFrom(nan, [NaN, 0, 0, 0, 0, 0, 0, 0, 0]))).toThrow(/finite/);
    const wrongModel = { ...nan, layers: [{ ...nan.layers[0], neuron: { model: 'izhikevich' } }] };
    expect(() => decodeSnnWeights(fileFrom(wrongModel, new Array(9).fill(0)))).toThrow(/neuron model/);
  });
});
