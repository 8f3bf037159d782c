import { describe, expect, it } from 'vitest';
import { encoderParams } from '../../../src/kernels/snn-encode';
import { cloneSnnNetwork } from '../../../src/services/neuromorphic/network';
import { createReservoir, fitSnnReadout, spectralRadiusByPowerIteration } from '../../../src/services/neuromorphic/reservoir';
import { runSnnCpu } from '../../../src/services/neuromorphic/run-cpu';
import { SnnGpuRunner } from '../../../src/services/neuromorphic/run-gpu';
import { TOLERANCE, maxAbsDiff, withGpu } from '../../helpers/gpu';

describe('liquid state machine reservoir', () => {
  const lsm = createReservoir({ inputs: 8, outputs: 3, seed: 4 });
  const n = 500;
  const rec = lsm.layers[0].recurrent!;

  it('500 neurons, connection probability 0.1, no self-connections', () => {
    expect(lsm.layers[0].outputs).toBe(n);
    let nonZero = 0;
    for (let i = 0; i < n; i++) expect(rec[i * n + i]).toBe(0);
    for (const w of rec) if (w !== 0) nonZero++;
    const p = nonZero / (n * (n - 1));
    expect(Math.abs(p - 0.1)).toBeLessThan(4 * Math.sqrt((0.1 * 0.9) / (n * (n - 1))));
  });

  it("Dale's law: the first 400 neurons excite, the last 100 inhibit", () => {
    let violations = 0;
    let inhibitory = 0;
    for (let post = 0; post < n; post++) {
      for (let pre = 0; pre < n; pre++) {
        const w = rec[post * n + pre];
        if (pre < 400 ? w < 0 : w > 0) violations++;
        if (w < 0) inhibitory++;
      }
    }
    expect(violations).toBe(0);
    expect(inhibitory).toBeGreaterThan(0);
  });

  it('spectral radius within 1 % of 0.9, checked from an independent start vector', () => {
    expect(Math.abs(lsm.measuredSpectralRadius - 0.9) / 0.9).toBeLessThan(0.01);
    const check = spectralRadiusByPowerIteration(rec, n, 12345, 3000, 500);
    expect(Math.abs(check.radius - 0.9) / 0.9).toBeLessThan(0.01);
  });

  it('power iteration finds a known spectral radius', () => {
    // Upper-triangular: the eigenvalues are the diagonal, the largest |λ| is 3.
    const m = new Float32Array([3, 1, 2, 0, -2, 1, 0, 0, 1]);
    expect(spectralRadiusByPowerIteration(m, 3).radius).toBeCloseTo(3, 2);
    // A rotation by 60° scaled by 0.9: a complex pair 0.9·e^(±iπ/3), where a plain ratio never settles.
    const c = 0.9 * Math.cos(Math.PI / 3);
    const s = 0.9 * Math.sin(Math.PI / 3);
    expect(Math.abs(spectralRadiusByPowerIteration(new Float32Array([c, -s, s, c]), 2).radius - 0.9) / 0.9).toBeLessThan(1e-3);
  });

  it('is seeded: same seed, same reservoir; another seed, another', () => {
    const same = (a: Float32Array) => a.every((w, i) => w === rec[i]);
    expect(same(createReservoir({ inputs: 8, outputs: 3, seed: 4 }).layers[0].recurrent!)).toBe(true);
    expect(same(createReservoir({ inputs: 8, outputs: 3, seed: 5 }).layers[0].recurrent!)).toBe(false);
  });

  it('runs on the GPU exactly as the CPU reference (recurrent event synapses, counts, readout)', () =>
    withGpu(async (ctx) => {
      const input = new Float32Array(16).map((_, i) => (i % 8) / 8 + 0.05);
      const req = { input, batch: 2, timeSteps: 20, encoder: encoderParams({ kind: 'rate', seed: 3 }) };
      const cpu = runSnnCpu(cloneSnnNetwork(lsm), req);
      const runner = new SnnGpuRunner(ctx, lsm, 'event');
      try {
        const gpu = await runner.run(req);
        expect(cpu.counts.neuronSpikes).toBeGreaterThan(0);
        expect(gpu.counts).toEqual(cpu.counts);
        expect(maxAbsDiff(gpu.output, cpu.output)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
      } finally {
        runner.destroy();
      }
    }));

  it('a ridge readout on mean activity separates two input patterns', () => {
    const patterns = [new Float32Array([0.9, 0.9, 0.9, 0.9, 0.05, 0.05, 0.05, 0.05]), new Float32Array([0.05, 0.05, 0.05, 0.05, 0.9, 0.9, 0.9, 0.9])];
    const net = cloneSnnNetwork(lsm);
    const features: Float32Array[] = [];
    const targets: Float32Array[] = [];
    for (let seed = 0; seed < 6; seed++) {
      patterns.forEach((x, k) => {
        features.push(meanActivity(net, x, seed));
        targets.push(new Float32Array(k === 0 ? [1, 0, 0] : [0, 1, 0]));
      });
    }
    const fit = fitSnnReadout(features, targets, 1e-2);
    net.readout = { inputs: n, outputs: 3, weights: fit.weights, bias: fit.bias };
    let correct = 0;
    for (let seed = 100; seed < 104; seed++) {
      patterns.forEach((x, k) => {
        const out = runSnnCpu(net, { input: x, batch: 1, timeSteps: 25, encoder: encoderParams({ kind: 'rate', seed }) }).output;
        if ((out[0] > out[1] ? 0 : 1) === k) correct++;
      });
    }
    expect(correct).toBe(8);
  });
});

/** Mean activity of each reservoir neuron (count / T): the output of the network without its readout. */
function meanActivity(net: ReturnType<typeof cloneSnnNetwork>, x: Float32Array, seed: number): Float32Array {
  const plain = { layers: net.layers };
  return runSnnCpu(plain, { input: x, batch: 1, timeSteps: 25, encoder: encoderParams({ kind: 'rate', seed }) }).output;
}
