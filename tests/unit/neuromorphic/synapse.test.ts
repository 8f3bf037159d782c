import { describe, expect, it } from 'vitest';
import { STORAGE, bufferFrom, readFloat32 } from '../../../src/gpu/buffers';
import { runCompute } from '../../../src/gpu/compute';
import { createSnnCounters, emptySnnCounts, readSnnCounters } from '../../../src/kernels/snn-counters';
import { denseSynapseStep, eventSynapseSteps, synapseCpu, transposeSnnWeights, type SynapseShape } from '../../../src/kernels/snn-synapse';
import { TOLERANCE, maxAbsDiff, withGpu } from '../../helpers/gpu';

function values(n: number, salt: number, spikes: boolean): Float32Array {
  return new Float32Array(n).map((_, i) => {
    const h = ((i + salt) * 2654435761) >>> 0;
    return spikes ? (h % 3 === 0 ? 1 : 0) : ((h % 2001) - 1000) / 1000;
  });
}

describe('dense and event-driven synapse kernels equal their CPU reference', () => {
  // 1 × 1, a non-multiple of the workgroup, and 65,537 outputs at workgroup 1 (a folded 2-D dispatch).
  const cases: Array<[string, SynapseShape, number]> = [
    ['1 × 1 × 1', { batch: 1, inWidth: 1, outWidth: 1 }, 256],
    ['3 × 37 → 259, accumulate', { batch: 3, inWidth: 37, outWidth: 259, accumulate: true }, 256],
    ['1 × 3 → 65,537', { batch: 1, inWidth: 3, outWidth: 65_537 }, 1],
  ];
  for (const [name, shape, wg] of cases) {
    it(name, () =>
      withGpu(async (ctx) => {
        const { device } = ctx;
        const w = values(shape.inWidth * shape.outWidth, 1, false);
        const bias = values(shape.outWidth, 2, false);
        const x = values(shape.batch * shape.inWidth, 3, true);
        x[0] = 1; // at least one active input
        const start = values(shape.batch * shape.outWidth, 4, false);
        const expected = start.slice();
        synapseCpu(shape, w, bias, x, expected, emptySnnCounts());
        const counters = createSnnCounters(device);
        const buffers = {
          weights: bufferFrom(device, transposeSnnWeights(w, shape.outWidth, shape.inWidth), STORAGE),
          bias: bufferFrom(device, bias, STORAGE),
          x: bufferFrom(device, x, STORAGE),
          current: bufferFrom(device, start, STORAGE),
          counters,
          list: bufferFrom(device, new Uint32Array(shape.batch * shape.inWidth), STORAGE),
          listCount: bufferFrom(device, new Uint32Array(shape.batch), STORAGE),
        };
        const dense = denseSynapseStep(device, { ...shape, countMacs: true }, buffers, wg);
        const event = eventSynapseSteps(device, shape, buffers, wg);
        try {
          await runCompute(device, [dense.step]);
          const denseOut = await readFloat32(device, buffers.current, start.length);
          device.queue.writeBuffer(buffers.current, 0, start as Float32Array<ArrayBuffer>);
          await runCompute(device, event.steps);
          const eventOut = await readFloat32(device, buffers.current, start.length);
          // Spiking inputs: w·1 is exact, so every path adds the same f32 terms in the same order.
          expect(maxAbsDiff(denseOut, expected)).toBe(TOLERANCE.exact);
          expect(maxAbsDiff(eventOut, expected)).toBe(TOLERANCE.exact);
          expect((await readSnnCounters(device, counters)).mac).toBe(shape.batch * shape.inWidth * shape.outWidth);
        } finally {
          for (const b of Object.values(buffers)) b.destroy();
          for (const b of [dense.uniforms, ...event.uniforms]) b.destroy();
        }
      }));
  }

  it('real-valued inputs and an input scale (the readout) within f32 reduction tolerance', () =>
    withGpu(async (ctx) => {
      const { device } = ctx;
      const shape: SynapseShape = { batch: 2, inWidth: 300, outWidth: 5, inputScale: 1 / 25, xOffset: 7, countMacs: true };
      const w = values(1500, 5, false);
      const bias = values(5, 6, false);
      const x = values(7 + 600, 7, false);
      const expected = new Float32Array(10);
      synapseCpu(shape, w, bias, x, expected, emptySnnCounts());
      const counters = createSnnCounters(device);
      const b = { weights: bufferFrom(device, transposeSnnWeights(w, 5, 300), STORAGE), bias: bufferFrom(device, bias, STORAGE), x: bufferFrom(device, x, STORAGE), current: bufferFrom(device, new Float32Array(10), STORAGE), counters };
      const dense = denseSynapseStep(device, shape, b);
      try {
        await runCompute(device, [dense.step]);
        expect(maxAbsDiff(await readFloat32(device, b.current, 10), expected)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
      } finally {
        for (const buf of [...Object.values(b), dense.uniforms]) buf.destroy();
      }
    }));
});
