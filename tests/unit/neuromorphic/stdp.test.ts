import { describe, expect, it } from 'vitest';
import { STORAGE, bufferFrom, readFloat32 } from '../../../src/gpu/buffers';
import { runCompute } from '../../../src/gpu/compute';
import { encoderParams } from '../../../src/kernels/snn-encode';
import { stdpApplyCpu, stdpApplyStep, stdpParams, stdpStepCpu, stdpSteps } from '../../../src/kernels/snn-stdp';
import { transposeSnnWeights } from '../../../src/kernels/snn-synapse';
import { NeuromorphicService } from '../../../src/services/neuromorphic/service';
import { cloneSnnNetwork, type SnnNetwork } from '../../../src/services/neuromorphic/network';
import { runSnnCpu } from '../../../src/services/neuromorphic/run-cpu';
import { TOLERANCE, maxAbsDiff, withGpu } from '../../helpers/gpu';

const IN = 20;
const OUT = 6;
/** Pattern A drives inputs 0..9, pattern B inputs 10..19. */
const patternA = Array.from({ length: IN }, (_, i) => (i < 10 ? 0.8 : 0));
const patternB = Array.from({ length: IN }, (_, i) => (i >= 10 ? 0.8 : 0));

function net(): SnnNetwork {
  const weights = new Float32Array(IN * OUT).map((_, k) => 0.04 + 0.04 * (((k * 7919) % 100) / 100));
  return { layers: [{ inputs: IN, outputs: OUT, weights, bias: new Float32Array(OUT), neuron: { model: 'snntorch', beta: 0.8, threshold: 1, reset: 'subtract' } }] };
}

describe('R-STDP kernels equal their CPU reference', () => {
  it('traces, eligibility and the reward-gated update (batch 2, 37 × 13)', () =>
    withGpu(async (ctx) => {
      const { device } = ctx;
      const p = stdpParams();
      const [batch, inW, outW] = [2, 37, 13];
      const shape = { batch, inWidth: inW, outWidth: outW };
      const spikesAt = (n: number, t: number, salt: number) => new Float32Array(n).map((_, i) => ((i * 31 + t * 17 + salt) % 5 === 0 ? 1 : 0));
      const traces = new Float32Array(batch * (inW + outW));
      const elig = new Float32Array(inW * outW);
      const weights = new Float32Array(inW * outW).map((_, k) => ((k % 11) - 5) / 10);
      const pre = bufferFrom(device, new Float32Array(batch * inW), STORAGE);
      const post = bufferFrom(device, new Float32Array(batch * outW), STORAGE);
      const tb = bufferFrom(device, traces, STORAGE);
      const eb = bufferFrom(device, elig, STORAGE);
      const wb = bufferFrom(device, transposeSnnWeights(weights, outW, inW), STORAGE);
      const st = stdpSteps(device, p, shape, { pre, post, traces: tb, elig: eb });
      const ap = stdpApplyStep(device, p, shape, -0.7, { elig: eb, weights: wb });
      try {
        for (let t = 0; t < 5; t++) {
          const sPre = spikesAt(batch * inW, t, 1);
          const sPost = spikesAt(batch * outW, t, 3);
          device.queue.writeBuffer(pre, 0, sPre);
          device.queue.writeBuffer(post, 0, sPost);
          await runCompute(device, st.steps);
          stdpStepCpu(p, batch, inW, outW, sPre, sPost, traces, elig);
        }
        await runCompute(device, [ap.step]);
        stdpApplyCpu(p, -0.7, elig, weights);
        expect(maxAbsDiff(await readFloat32(device, tb, traces.length), traces)).toBeLessThanOrEqual(TOLERANCE.f32Elementwise);
        expect(maxAbsDiff(await readFloat32(device, eb, elig.length), elig)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
        expect(maxAbsDiff(transposeSnnWeights(await readFloat32(device, wb, weights.length), inW, outW), weights)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
        expect(elig.some((e) => e !== 0)).toBe(true);
      } finally {
        for (const b of [pre, post, tb, eb, wb, st.uniforms, ap.uniforms]) b.destroy();
      }
    }));
});

describe('R-STDP on the GPU: reward raises the response to a pattern, punishment lowers it', () => {
  it('rewarded pattern A up, punished pattern B down (the test fails if learning does nothing or the wrong thing)', () =>
    withGpu(async (ctx) => {
      const service = new NeuromorphicService(ctx, { backend: 'gpu', network: net(), stdp: { learningRate: 2 } });
      try {
        const response = async (input: number[]) => {
          let spikes = 0;
          for (const seed of [101, 102, 103]) spikes += (await service.process({ input, timeSteps: 30, encoding: { kind: 'rate', seed } })).spikeCount;
          return spikes;
        };
        const beforeA = await response(patternA);
        const beforeB = await response(patternB);
        expect(beforeA).toBeGreaterThan(0);
        expect(beforeB).toBeGreaterThan(0);
        for (let trial = 0; trial < 6; trial++) {
          await service.process({ input: patternA, timeSteps: 30, encoding: { kind: 'rate', seed: trial }, reward: 1 });
          await service.process({ input: patternB, timeSteps: 30, encoding: { kind: 'rate', seed: 50 + trial }, reward: -1 });
        }
        const afterA = await response(patternA);
        const afterB = await response(patternB);
        console.log(`R-STDP response: A ${beforeA} → ${afterA}, B ${beforeB} → ${afterB}`);
        expect(afterA).toBeGreaterThan(beforeA * 1.1);
        expect(afterB).toBeLessThan(beforeB * 0.9);
        // Only the rewarded inputs' synapses grew; only the punished ones shrank.
        const w = await service.layerWeights(0);
        const w0 = net().layers[0].weights;
        let grewA = 0;
        let shrankB = 0;
        for (let o = 0; o < OUT; o++) for (let i = 0; i < IN; i++) {
          if (i < 10 && w[o * IN + i] > w0[o * IN + i]) grewA++;
          if (i >= 10 && w[o * IN + i] < w0[o * IN + i]) shrankB++;
        }
        expect(grewA).toBeGreaterThan(OUT * 10 * 0.9);
        expect(shrankB).toBeGreaterThan(OUT * 10 * 0.9);
      } finally {
        service.destroy();
      }
    }));

  it('the GPU weights after learning equal the CPU reference run', () =>
    withGpu(async (ctx) => {
      const service = new NeuromorphicService(ctx, { backend: 'gpu', network: net() });
      const cpuNet = cloneSnnNetwork(net());
      try {
        const req = { input: patternA, timeSteps: 20, encoding: { kind: 'rate' as const, seed: 8 }, reward: 0.5 };
        await service.process(req);
        runSnnCpu(cpuNet, { input: new Float32Array(patternA), batch: 1, timeSteps: 20, encoder: encoderParams(req.encoding), learn: { params: stdpParams(), reward: 0.5 } });
        expect(maxAbsDiff(await service.layerWeights(0), cpuNet.layers[0].weights)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
      } finally {
        service.destroy();
      }
    }));
});
