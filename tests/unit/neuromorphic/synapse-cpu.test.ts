import { describe, expect, it } from 'vitest';
import { emptySnnCounts } from '../../../src/kernels/snn-counters';
import { synapseCpu, type SynapseShape } from '../../../src/kernels/snn-synapse';
import { SynapsePass, synapsePassFor } from '../../../src/services/neuromorphic/synapse-cpu';
import { wasmSpikeRowsAvailable } from '../../../src/kernels/wasm-spike-rows';
import { TOLERANCE, maxAbsDiff } from '../../helpers/gpu';

/** Weights and real inputs in [−1, 1] with 3 decimals (products and sums round in f32); spikes 0/1. */
function values(n: number, salt: number, kind: 'real' | 'spikes' | 'mixed'): Float32Array {
  return new Float32Array(n).map((_, i) => {
    const h = ((i + salt) * 2654435761) >>> 0;
    if (kind === 'spikes') return h % 3 === 0 ? 1 : 0;
    if (kind === 'mixed') return h % 4 === 0 ? 0 : h % 4 === 1 ? 1 : ((h % 2001) - 1000) / 997;
    return ((h % 2001) - 1000) / 1000;
  });
}

describe('SynapsePass (transposed, active rows only) equals synapseCpu bit for bit', () => {
  const cases: Array<[string, SynapseShape, 'real' | 'spikes' | 'mixed']> = [
    ['batch 0', { batch: 0, inWidth: 5, outWidth: 3 }, 'spikes'],
    ['1 × 1 → 1', { batch: 1, inWidth: 1, outWidth: 1 }, 'spikes'],
    ['3 × 37 → 259, accumulate, spikes', { batch: 3, inWidth: 37, outWidth: 259, accumulate: true }, 'spikes'],
    ['2 × 31 → 7, real inputs, MACs counted', { batch: 2, inWidth: 31, outWidth: 7, countMacs: true }, 'real'],
    ['4 × 13 → 5, mixed inputs, x offset, scale 1/25', { batch: 4, inWidth: 13, outWidth: 5, xOffset: 13, inputScale: 1 / 25 }, 'mixed'],
    ['2 × 9 → 3, no input active', { batch: 2, inWidth: 9, outWidth: 3 }, 'spikes'],
  ];
  for (const [name, shape, kind] of cases) for (const simd of [true, false]) {
    it(`${name} (${simd ? 'WebAssembly SIMD' : 'JS loops'})`, () => {
      const w = values(shape.inWidth * shape.outWidth, 1, 'real');
      const bias = values(shape.outWidth, 2, 'real');
      const x = name.includes('no input') ? new Float32Array(shape.batch * shape.inWidth) : values((shape.xOffset ?? 0) + shape.batch * shape.inWidth, 3, kind);
      const start = values(shape.batch * shape.outWidth, 4, 'real');
      const want = start.slice();
      const wantCounts = emptySnnCounts();
      synapseCpu(shape, w, bias, x, want, wantCounts);
      const got = start.slice();
      const gotCounts = emptySnnCounts();
      const pass = new SynapsePass(w, shape.inWidth, shape.outWidth, simd);
      pass.run(shape, bias, x, got, gotCounts);
      expect(maxAbsDiff(got, want)).toBe(TOLERANCE.exact);
      expect([...got]).toEqual([...want]); // also −0 against +0 and NaN positions
      expect(gotCounts).toEqual(wantCounts);
      // A second run reuses the transposed copy and gives the same.
      const again = start.slice();
      pass.run(shape, bias, x, again, emptySnnCounts());
      expect([...again]).toEqual([...want]);
    });
  }

  it('after an in-place change, invalidate() makes the next pass see the new weights', () => {
    const shape = { batch: 2, inWidth: 6, outWidth: 4 };
    const w = values(24, 5, 'real');
    const x = values(12, 6, 'spikes');
    const bias = new Float32Array(4);
    const pass = synapsePassFor(w, 6, 4);
    expect(synapsePassFor(w, 6, 4)).toBe(pass);
    pass.run(shape, bias, x, new Float32Array(8), emptySnnCounts());
    for (let i = 0; i < w.length; i++) w[i] *= 2;
    pass.invalidate();
    const got = new Float32Array(8);
    pass.run(shape, bias, x, got, emptySnnCounts());
    const want = new Float32Array(8);
    synapseCpu(shape, w, bias, x, want, emptySnnCounts());
    expect([...got]).toEqual([...want]);
  });

  it('WebAssembly SIMD is available in this Node', () => expect(wasmSpikeRowsAvailable()).toBe(true));

  it('refuses a shape other than its own', () => {
    expect(() => new SynapsePass(new Float32Array(6), 3, 2).run({ batch: 1, inWidth: 2, outWidth: 3 }, new Float32Array(3), new Float32Array(2), new Float32Array(3), emptySnnCounts())).toThrow(RangeError);
  });
});
