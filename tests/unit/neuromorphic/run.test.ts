import { describe, expect, it } from 'vitest';
import { encoderParams, type SnnEncodingKind } from '../../../src/kernels/snn-encode';
import type { SnnNeuron } from '../../../src/kernels/snn-lif';
import { stdpParams } from '../../../src/kernels/snn-stdp';
import { cloneSnnNetwork, createFeedForwardSnn } from '../../../src/services/neuromorphic/network';
import { runSnnCpu } from '../../../src/services/neuromorphic/run-cpu';
import { SnnGpuRunner } from '../../../src/services/neuromorphic/run-gpu';
import { TOLERANCE, maxAbsDiff, withGpu } from '../../helpers/gpu';

function inputs(n: number, seed = 3): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = ((i * 7919 + seed * 104729) % 1000) / 1000;
  return x;
}

const neurons: Array<[string, SnnNeuron]> = [
  ['aura', { model: 'aura' }],
  ['snntorch subtract', { model: 'snntorch', beta: 0.9, reset: 'subtract' }],
  ['snntorch zero', { model: 'snntorch', beta: 0.8, reset: 'zero' }],
  ['snntorch none', { model: 'snntorch', beta: 0.7, reset: 'none' }],
  ['norse', { model: 'norse' }],
];

describe('a whole run on the GPU equals the CPU reference (spikes, counts, state)', () => {
  for (const [name, neuron] of neurons) {
    for (const synapses of ['event', 'dense'] as const) {
      it(`${name}, ${synapses} synapses, 3 layers, batch 3`, () =>
        withGpu(async (ctx) => {
          const net = createFeedForwardSnn({ sizes: [37, 300, 19, 5], neuron, seed: 7, gain: name === 'norse' ? 60 : 4 });
          const batch = 3;
          const req = { input: inputs(batch * 37), batch, timeSteps: 12, encoder: encoderParams({ kind: 'rate', seed: 11 }), raster: true };
          const cpu = runSnnCpu(cloneSnnNetwork(net), req);
          const runner = new SnnGpuRunner(ctx, net, synapses);
          try {
            const gpu = await runner.run(req);
            expect(gpu.counts).toEqual(cpu.counts);
            expect(cpu.counts.neuronSpikes).toBeGreaterThan(0);
            expect(Array.from(gpu.raster!)).toEqual(Array.from(cpu.raster!));
            expect(maxAbsDiff(gpu.output, cpu.output)).toBe(TOLERANCE.exact);
            expect(maxAbsDiff(gpu.membrane, cpu.membrane)).toBeLessThanOrEqual(TOLERANCE.f32Elementwise);
            expect(maxAbsDiff(gpu.threshold, cpu.threshold)).toBeLessThanOrEqual(TOLERANCE.f32Elementwise);
            expect(Math.abs(gpu.sumAbsCurrent - cpu.sumAbsCurrent) / Math.max(1, cpu.sumAbsCurrent)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
          } finally {
            runner.destroy();
          }
        }));
    }
  }
});
