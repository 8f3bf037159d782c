import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors';
import { lifKernelParams } from '../../../src/kernels/snn-lif';
import { SnnEncodingRangeError, SnnModelError, SnnNeuronKeyError } from '../../../src/services/neuromorphic/errors';
import { acceptedNeuronKeys, snnNeuronFromJson } from '../../../src/services/neuromorphic/neuron-keys';
import { NeuromorphicService } from '../../../src/services/neuromorphic/service';
import { decodeSnnWeights, encodeSnnWeights } from '../../../src/services/neuromorphic/weights-file';
import { createFeedForwardSnn } from '../../../src/services/neuromorphic/network';
import { TOLERANCE, maxAbsDiff, withGpu } from '../../helpers/gpu';

// snnTorch's own Leaky stepped over recorded (T, B, N) inputs: tests/fixtures/snntorch/make_fixtures.py.
interface Case {
  name: string;
  encoding: 'recorded-spikes' | 'recorded-current';
  weightsFile: string;
  shape: [number, number, number];
  input: number[];
  spikes: number[];
  spikeCount: number;
  membrane: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/snntorch/leaky-recorded.json', import.meta.url), 'utf8')) as { H: number; cases: Case[] };

function nested(c: Case): number[][][] {
  const [T, B, N] = c.shape;
  return Array.from({ length: T }, (_, t) => Array.from({ length: B }, (_, b) => c.input.slice((t * B + b) * N, (t * B + b + 1) * N)));
}

const bytes = (c: Case) => Uint8Array.from(Buffer.from(c.weightsFile, 'base64'));

describe('snnTorch Leaky over a recorded (T, B, N) input = snnTorch, both paths (reset_mechanism × reset_delay)', () => {
  for (const c of fixture.cases) {
    it(c.name, () =>
      withGpu(async (ctx) => {
        const network = decodeSnnWeights(bytes(c));
        const [T, B, N] = c.shape;
        for (const snn of [new NeuromorphicService(ctx, { backend: 'gpu', network }), new NeuromorphicService(null, { backend: 'cpu', network })]) {
          try {
            const r = await snn.process({ input: nested(c), encoding: c.encoding, raster: true });
            expect(r.raster?.timeSteps).toBe(T);
            // Spikes identical, step by step, to snnTorch's spk2 of every sample.
            expect(Array.from(r.raster!.spikes)).toEqual(c.spikes);
            expect(r.spikeCount).toBe(c.spikeCount);
            expect(maxAbsDiff(r.membrane, c.membrane)).toBeLessThanOrEqual(TOLERANCE.f32Elementwise);
            const inputOnes = c.input.filter((x) => x !== 0).length;
            if (c.encoding === 'recorded-spikes') {
              expect(r.inputSpikeCount).toBe(inputOnes);
              expect(r.macs).toBe(0);
            } else {
              // A current meets the first layer's weights as dense multiply-accumulates.
              expect(r.inputSpikeCount).toBe(0);
              expect(r.macs).toBe(T * B * N * fixture.H);
            }
          } finally {
            snn.destroy();
          }
        }
      }));
  }

  it('a tensor of shape [T, B, N] runs the same as nested arrays; timeSteps may be given if it agrees', async () => {
    const c = fixture.cases.find((x) => x.encoding === 'recorded-current' && x.name.includes('zero') && x.name.includes('False'))!;
    const snn = new NeuromorphicService(null, { backend: 'cpu', network: decodeSnnWeights(bytes(c)) });
    const r = await snn.process({ input: { kind: 'cpu', data: Float32Array.from(c.input), shape: c.shape }, encoding: 'recorded-current', timeSteps: c.shape[0], raster: true });
    expect(Array.from(r.raster!.spikes)).toEqual(c.spikes);
  });

  it('state runs on through the steps of one run (no reset between steps) and starts at zero each run', async () => {
    const c = fixture.cases[0];
    const snn = new NeuromorphicService(null, { backend: 'cpu', network: decodeSnnWeights(bytes(c)) });
    const a = await snn.process({ input: nested(c), encoding: c.encoding, raster: true });
    const b = await snn.process({ input: nested(c), encoding: c.encoding, raster: true });
    expect(Array.from(b.raster!.spikes)).toEqual(Array.from(a.raster!.spikes));
  });

  it('rejects a bad recorded input with errors that say what to do', async () => {
    const c = fixture.cases[0];
    const [T, B, N] = c.shape;
    const snn = new NeuromorphicService(null, { backend: 'cpu', network: decodeSnnWeights(bytes(c)) });
    const graded = nested(c);
    graded[2][1][3] = 0.5;
    await expect(snn.process({ input: graded, encoding: 'recorded-spikes' })).rejects.toThrow(SnnEncodingRangeError);
    await expect(snn.process({ input: graded, encoding: 'recorded-spikes' })).rejects.toThrow(/\[2\]\[1\]\[3\] is 0\.5.*recorded-current/);
    await expect(snn.process({ input: nested(c), encoding: 'recorded-spikes', timeSteps: T + 1 })).rejects.toThrow(/timeSteps is 17 but the recorded input has 16 steps/);
    const ragged = nested(c);
    ragged[4] = ragged[4].slice(1);
    await expect(snn.process({ input: ragged, encoding: 'recorded-spikes' })).rejects.toThrow(InvalidInputError);
    await expect(snn.process({ input: { kind: 'cpu', data: new Float32Array(T * B * N), shape: [B, T, N + 1] }, encoding: 'recorded-current' })).rejects.toThrow(/time-first, shape \(T, B, N\)/);
    await expect(snn.process({ input: [[[NaN, ...new Array(N - 1).fill(0)]]], encoding: 'recorded-current' })).rejects.toThrow(InvalidInputError);
  });
});

describe('weights-file neuron keys: snnTorch and Norse names accepted, unknown keys rejected', () => {
  const base = createFeedForwardSnn({ sizes: [3, 2], seed: 2 });
  /** A weights file whose layer-0 neuron object is `neuron`, as an exporter would write it. */
  function withNeuron(neuron: unknown): Uint8Array {
    const good = encodeSnnWeights(base);
    const headerLength = new DataView(good.buffer).getUint32(8, true);
    const header = JSON.parse(new TextDecoder().decode(good.subarray(12, 12 + headerLength)));
    header.layers[0].neuron = neuron;
    let json = new TextEncoder().encode(JSON.stringify(header));
    const padded = new Uint8Array(Math.ceil((12 + json.length) / 4) * 4 - 12).fill(0x20);
    padded.set(json);
    json = padded;
    const out = new Uint8Array(12 + json.length + good.length - 12 - headerLength);
    out.set(good.subarray(0, 8));
    new DataView(out.buffer).setUint32(8, json.length, true);
    out.set(json, 12);
    out.set(good.subarray(12 + headerLength), 12 + json.length);
    return out;
  }

  it("reset_mechanism: 'zero' runs as zero (it used to be ignored and run as subtract), reset_delay: false is kept", () => {
    const net = decodeSnnWeights(withNeuron({ model: 'snntorch', beta: 0.9, threshold: 1, reset_mechanism: 'zero', reset_delay: false }));
    expect(net.layers[0].neuron).toEqual({ model: 'snntorch', beta: 0.9, threshold: 1, reset: 'zero', resetDelay: false });
    const p = lifKernelParams(net.layers[0].neuron);
    expect(p.reset).toBe(1);
    expect(p.resetDelay).toBe(false);
  });

  it("the runtime's own keys still load as before (files written before these names were accepted)", () => {
    const net = decodeSnnWeights(withNeuron({ model: 'snntorch', beta: 0.5, threshold: 0.8, reset: 'none' }));
    expect(net.layers[0].neuron).toEqual({ model: 'snntorch', beta: 0.5, threshold: 0.8, reset: 'none' });
    expect(lifKernelParams(net.layers[0].neuron).resetDelay).toBe(true);
    expect(decodeSnnWeights(encodeSnnWeights(net)).layers[0].neuron).toEqual(net.layers[0].neuron);
  });

  it("snnTorch's state_dict forms: reset_mechanism_val 0/1/2, one-element tensors; training-only arguments are accepted", () => {
    expect(snnNeuronFromJson({ model: 'snntorch', beta: [0.9], threshold: [1], reset_mechanism_val: 1, learn_beta: true, spike_grad: 'atan', init_hidden: false, graded_spikes_factor: 1 }, 'layer 0'))
      .toEqual({ model: 'snntorch', beta: 0.9, threshold: 1, reset: 'zero' });
  });

  it('Norse LIFParameters names map to the same neuron', () => {
    expect(snnNeuronFromJson({ model: 'norse', tau_mem_inv: 100, tau_syn_inv: 200, v_th: 1, v_leak: 0, v_reset: 0, method: 'super', alpha: 100, dt: 0.001 }, 'layer 0'))
      .toEqual({ model: 'norse', tauMemInv: 100, tauSynInv: 200, vTh: 1, vLeak: 0, vReset: 0, dt: 0.001 });
  });

  it('an unknown key is a typed error naming the key and the accepted ones', () => {
    let error: unknown;
    try {
      decodeSnnWeights(withNeuron({ model: 'snntorch', beta: 0.9, reset_mode: 'zero' }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SnnNeuronKeyError);
    const e = error as SnnNeuronKeyError;
    expect(e.code).toBe('SNN_NEURON_KEY');
    expect(e.key).toBe('reset_mode');
    expect(e.accepted).toEqual(acceptedNeuronKeys('snntorch'));
    expect(e.message).toMatch(/layer 0: unknown snntorch neuron key 'reset_mode'.*reset_mechanism.*reset_delay/);
    // In-memory networks too: a key the runtime does not define is not silently ignored.
    expect(() => createFeedForwardSnn({ sizes: [3, 2], neuron: { model: 'snntorch', beta: 0.9, reset_mechanism: 'zero' } as never })).toThrow(SnnNeuronKeyError);
  });

  it('unknown layer or header keys are refused too (a misspelt thresholdGe would run the other threshold test)', () => {
    const good = encodeSnnWeights(base);
    const headerLength = new DataView(good.buffer).getUint32(8, true);
    const header = JSON.parse(new TextDecoder().decode(good.subarray(12, 12 + headerLength)));
    header.layers[0].thresholdGE = true;
    const json = new TextEncoder().encode(JSON.stringify(header).padEnd(Math.ceil((12 + JSON.stringify(header).length) / 4) * 4 - 12, ' '));
    const bytes = new Uint8Array(12 + json.length + good.length - 12 - headerLength);
    bytes.set(good.subarray(0, 8));
    new DataView(bytes.buffer).setUint32(8, json.length, true);
    bytes.set(json, 12);
    bytes.set(good.subarray(12 + headerLength), 12 + json.length);
    expect(() => decodeSnnWeights(bytes)).toThrow(SnnModelError);
    expect(() => decodeSnnWeights(bytes)).toThrow(/layer 0 has an unknown key 'thresholdGE' \(accepted: .*thresholdGe/);
  });

  it('forward-changing snnTorch options other than their defaults, per-neuron tensors and contradictions are rejected', () => {
    for (const [neuron, text] of [
      [{ model: 'snntorch', beta: 0.9, inhibition: true }, /inhibition/],
      [{ model: 'snntorch', beta: 0.9, graded_spikes_factor: 2 }, /graded spikes/],
      [{ model: 'snntorch', beta: [0.9, 0.8] }, /per-neuron beta/],
      [{ model: 'snntorch', beta: 0.9, reset: 'zero', reset_mechanism: 'subtract' }, /reset and reset_mechanism name the same parameter/],
      [{ model: 'snntorch', beta: 0.9, reset_delay: 'no' }, /reset_delay is true or false/],
      [{ model: 'snntorch', beta: 0.9, reset_mechanism: 'hard' }, /reset must be 'subtract', 'zero' or 'none'/],
    ] as const) {
      expect(() => decodeSnnWeights(withNeuron(neuron)), JSON.stringify(neuron)).toThrow(SnnModelError);
      expect(() => decodeSnnWeights(withNeuron(neuron)), JSON.stringify(neuron)).toThrow(text);
    }
  });
});
