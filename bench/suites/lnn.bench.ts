import type { BenchSuite } from '../types';
import { LnnService } from '../../src/services/lnn/service';
import { createCfcModel, createLtcModel } from '../../src/services/lnn/model';
import { type LnnModel } from '../../src/kernels/lnn-model';
import { fullyConnectedWiring } from '../../src/services/lnn/wirings';
import { median } from '../stats';

/**
 * Bytes of parameters the CPU path reads per sequence step and batch row: every linear weight of a
 * CfC cell (and the readout); for an LTC the five U × U synapse arrays per unfold and the five
 * S × U sensory arrays. Both fit in a core's L2 cache (2 MiB here), so these are cache, not DRAM, bytes.
 */
function paramBytesPerStep(model: LnnModel): number {
  if (model.kind === 'ltc') return 4 * (5 * model.units * model.units * model.odeUnfolds + 5 * model.sensorySize * model.units);
  let floats = model.readout?.weight.length ?? 0;
  for (const c of model.cells) floats += [...c.backbone, c.ff1, c.ff2, c.timeA, c.timeB].reduce((sum, l) => sum + (l?.weight.length ?? 0), 0);
  return 4 * floats;
}

/** batch × steps × 1 values of a few sines (deterministic). */
function sequences(batch: number, steps: number): number[][][] {
  return Array.from({ length: batch }, (_, b) => Array.from({ length: steps }, (_, t) => [Math.sin(0.3 * t + 0.7 * b)]));
}

/**
 * LNN sequence inference (64 units, 100 steps, batch 1 and 64 at 'full', 1 and 8 at 'small'; one dispatch per sequence batch) for a
 * CfC (backbone 1 × 64, lecun_tanh, 1-output readout) and an LTC (FullyConnected 64, 6 unfolds), and one
 * FORCE adaptation call (100-step sequence: 75 rank-1 RLS updates on the 65-wide readout, held-out error
 * before and after), each on the GPU path and the CPU reference path in the same run. `cpu/gpu` > 1 means
 * the GPU path was faster. The seed's target for adaptation on a GPU is < 15 ms.
 */
export const suite: BenchSuite = {
  name: 'lnn',
  hosts: ['node', 'browser'],
  async run(ctx) {
    const units = 64;
    const steps = 100;
    const iterations = ctx.size === 'full' ? 10 : 1;
    // SwiftShader runs batch 64 of the LTC for ~30 s; 'small' (this CPU machine) stops at batch 8.
    const batches = ctx.size === 'full' ? [1, 64] : [1, 8];
    const adapter = `${ctx.gpu.adapter.vendor} ${ctx.gpu.adapter.architecture}${ctx.gpu.adapter.isFallback ? ' (fallback)' : ''}`;
    ctx.log(`${units} units, ${steps} steps, batches ${batches.join(', ')}, median of ${iterations} after a warm-up, adapter ${adapter}`);
    const models: Array<[string, LnnModel]> = [
      ['cfc', createCfcModel({ inputSize: 1, units, backboneUnits: units, backboneLayers: 1, projSize: 1, seed: 1 })],
      ['ltc', createLtcModel(fullyConnectedWiring(units, 1, { outputDim: 1 }), { seed: 1 })],
    ];
    for (const [name, model] of models) {
      const gpu = new LnnService(ctx.gpu, { backend: 'gpu', model });
      const cpu = new LnnService(null, { backend: 'cpu', model });
      for (const batch of batches) {
        const sequence = sequences(batch, steps);
        const cold0 = performance.now();
        await gpu.infer({ sequence, returnDynamics: false }); // compile and warm up
        const coldMs = performance.now() - cold0;
        const kernel: number[] = [];
        const wall: number[] = [];
        const cpuMs: number[] = [];
        let source = '';
        for (let i = 0; i < iterations; i++) {
          const r = await gpu.infer({ sequence, returnDynamics: false });
          kernel.push(r.timing.ms);
          wall.push(r.timing.wallMs);
          source = r.timing.source;
          cpuMs.push((await cpu.infer({ sequence, returnDynamics: false })).timing.wallMs);
        }
        // The CPU path alone, best of 5 (like the CPU probe): parameter bytes read per second against the probe.
        const cpuBest: number[] = [];
        for (let i = 0; i < 5; i++) cpuBest.push((await cpu.infer({ sequence, returnDynamics: false })).timing.wallMs);
        const cpuBestMs = Math.min(...cpuBest, ...cpuMs);
        const cpuGBps = (paramBytesPerStep(model) * batch * steps) / (cpuBestMs / 1000) / 1e9;
        const row = { model: name, units, steps, batch, gpuKernelMs: median(kernel), gpuCallMs: median(wall), cpuMs: median(cpuMs), cpuBestMs, cpuGBps, cpuFractionOfCpuBandwidth: cpuGBps / ctx.cpuBandwidthGBps, coldMs, timing: source, stepsPerSecond: (batch * steps) / (median(wall) / 1000) };
        ctx.record(`infer.${name}.batch${batch}`, { ...row, cpuOverGpu: row.cpuMs / row.gpuCallMs });
        ctx.log(
          `${name} infer batch ${batch}: gpu ${row.gpuKernelMs.toFixed(2)} ms kernel (${source}), ${row.gpuCallMs.toFixed(2)} ms call, cold ${coldMs.toFixed(0)} ms; cpu ${row.cpuMs.toFixed(2)} ms; cpu/gpu ${(row.cpuMs / row.gpuCallMs).toFixed(2)}×; ` +
            `CPU best ${cpuBestMs.toFixed(2)} ms reads parameters at ${cpuGBps.toFixed(2)} GB/s = ${(100 * row.cpuFractionOfCpuBandwidth).toFixed(0)}% of the CPU probe (from cache: compute-bound)`,
        );
      }
      gpu.destroy();
      cpu.destroy();
    }

    const model = models[0][1];
    const gpu = new LnnService(ctx.gpu, { backend: 'gpu', model });
    const cpu = new LnnService(null, { backend: 'cpu', model });
    const inputs = sequences(1, steps)[0];
    const targets = inputs.map((_, t) => [Math.sin(0.3 * (t + 1))]);
    await gpu.adapt({ inputs, targets }); // warm up
    const kernel: number[] = [];
    const wall: number[] = [];
    const cpuMs: number[] = [];
    let last = { errorBefore: 0, errorAfter: 0, updates: 0 };
    for (let i = 0; i < iterations; i++) {
      const r = await gpu.adapt({ inputs, targets });
      kernel.push(r.timing.ms);
      wall.push(r.timing.wallMs);
      last = r;
      cpuMs.push((await cpu.adapt({ inputs, targets })).timing.wallMs);
    }
    const row = { units, steps, updates: last.updates, gpuKernelMs: median(kernel), gpuCallMs: median(wall), cpuMs: median(cpuMs), errorBefore: last.errorBefore, errorAfter: last.errorAfter };
    ctx.record('adapt.cfc', { ...row, cpuOverGpu: row.cpuMs / row.gpuCallMs, targetMs: 15 });
    ctx.log(
      `adapt (cfc, ${steps}-step sequence, ${row.updates} RLS updates, includes the sequence run): gpu ${row.gpuKernelMs.toFixed(2)} ms kernel, ${row.gpuCallMs.toFixed(2)} ms call; cpu ${row.cpuMs.toFixed(2)} ms; cpu/gpu ${(row.cpuMs / row.gpuCallMs).toFixed(2)}× (seed target on a GPU: < 15 ms)`,
    );
    gpu.destroy();
    cpu.destroy();
  },
};
