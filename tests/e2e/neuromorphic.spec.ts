import { NeuromorphicService } from '../../src/services/neuromorphic/service';
import { shapeSeriesCpu } from '../../src/kernels/series-shape';
import { test, expect, type AuraWindow } from './fixtures';

const features = Array.from({ length: 16 }, (_, i) => ((i * 5) % 16) / 16);
const request = { input: features, timeSteps: 20, encoding: { kind: 'rate' as const, seed: 1234 }, raster: true };

test('same seed, same spikes: Chromium (WebGPU on SwiftShader and JS) equals Node', async ({ auraPage }) => {
  // Node: the CPU reference of the default model.
  const node = await new NeuromorphicService(null, { backend: 'cpu', seed: 9 }).process(request);
  const page = await auraPage.evaluate(async (req) => {
    const { acquireGpu, NeuromorphicService: Service } = (window as unknown as AuraWindow).aura;
    const ctx = await acquireGpu();
    const gpu = new Service(ctx, { backend: 'gpu', seed: 9 });
    const cpu = new Service(null, { backend: 'cpu', seed: 9 });
    const pick = (r: Awaited<ReturnType<typeof gpu.process>>) => ({
      raster: Array.from(r.raster!.spikes), output: Array.from(r.output), spikeCount: r.spikeCount, synapticOps: r.synapticOps, inputSpikeCount: r.inputSpikeCount, path: r.path,
    });
    const g = pick(await gpu.process(req));
    const c = pick(await cpu.process(req));
    gpu.destroy();
    ctx.destroy();
    return { g, c };
  }, request);
  expect(node.spikeCount).toBeGreaterThan(0);
  const nodeView = { raster: Array.from(node.raster!.spikes), output: Array.from(node.output), spikeCount: node.spikeCount, synapticOps: node.synapticOps, inputSpikeCount: node.inputSpikeCount };
  expect(page.g.path).toBe('gpu');
  expect({ ...page.g, path: undefined }).toEqual({ ...nodeView, path: undefined });
  expect({ ...page.c, path: undefined }).toEqual({ ...nodeView, path: undefined });
});

test('kernels in Chromium equal the CPU reference: Norse and AURA neurons, recurrent event synapses, R-STDP', async ({ auraPage }) => {
  const result = await auraPage.evaluate(async () => {
    const { acquireGpu, createFeedForwardSnn, createReservoir, cloneSnnNetwork, runSnnCpu, SnnGpuRunner, encoderParams, stdpParams } = (window as unknown as AuraWindow).aura;
    const ctx = await acquireGpu();
    const out: Array<{ name: string; countsEqual: boolean; rasterEqual: boolean; maxOutputDiff: number; maxWeightDiff: number; spikes: number }> = [];
    const cases = [
      { name: 'norse 3 layers', net: createFeedForwardSnn({ sizes: [20, 259, 7], neuron: { model: 'norse' }, gain: 60, seed: 3 }) },
      { name: 'aura 2 layers + R-STDP', net: createFeedForwardSnn({ sizes: [20, 33], neuron: { model: 'aura' }, gain: 3, seed: 4 }), reward: 0.8 },
      { name: 'reservoir 120', net: createReservoir({ inputs: 20, outputs: 3, neurons: 120, seed: 5 }) },
    ];
    for (const c of cases) {
      const input = new Float32Array(2 * 20).map((_, i) => ((i * 13) % 20) / 20);
      const learn = c.reward === undefined ? undefined : { params: stdpParams(), reward: c.reward };
      const req = { input, batch: 2, timeSteps: 15, encoder: encoderParams({ kind: 'poisson', seed: 77, maxRateHz: 900 }), raster: true, learn };
      const cpuNet = cloneSnnNetwork(c.net);
      const cpu = runSnnCpu(cpuNet, req);
      const runner = new SnnGpuRunner(ctx, c.net, 'event');
      const gpu = await runner.run(req);
      const last = c.net.layers.length - 1;
      const w = await runner.weights(last);
      runner.destroy();
      let maxOutputDiff = 0;
      for (let i = 0; i < cpu.output.length; i++) maxOutputDiff = Math.max(maxOutputDiff, Math.abs(cpu.output[i] - gpu.output[i]));
      let maxWeightDiff = 0;
      for (let i = 0; i < w.length; i++) maxWeightDiff = Math.max(maxWeightDiff, Math.abs(w[i] - cpuNet.layers[last].weights[i]));
      out.push({
        name: c.name,
        countsEqual: JSON.stringify(cpu.counts) === JSON.stringify(gpu.counts),
        rasterEqual: cpu.raster!.every((s, i) => s === gpu.raster![i]),
        maxOutputDiff,
        maxWeightDiff,
        spikes: cpu.counts.neuronSpikes,
      });
    }
    ctx.destroy();
    return out;
  });
  for (const r of result) {
    expect(r.spikes, r.name).toBeGreaterThan(0);
    expect(r.countsEqual, r.name).toBe(true);
    expect(r.rasterEqual, r.name).toBe(true);
    expect(r.maxOutputDiff, r.name).toBeLessThanOrEqual(1e-4);
    expect(r.maxWeightDiff, r.name).toBeLessThanOrEqual(1e-4);
  }
});

test('Chromium: an embedding shaped on the GPU (shapeSeriesGpu) runs as a resident input, as the same values from the CPU do', async ({ auraPage }) => {
  const embedding = Array.from({ length: 96 }, (_, i) => Math.sin(i * 0.37) * 0.2 + (i % 7) * 0.003);
  const page = await auraPage.evaluate(async (values) => {
    const { acquireGpu, NeuromorphicService: Service, shapeSeriesGpu: shapeGpu } = (window as unknown as AuraWindow).aura;
    const ctx = await acquireGpu();
    const snn = new Service(ctx, { backend: 'gpu', seed: 2 });
    const data = new Float32Array([0, ...values]); // the embedding one float into its buffer
    const buffer = ctx.device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
    ctx.device.queue.writeBuffer(buffer, 0, data);
    const shaped = await shapeGpu(ctx, { kind: 'gpu', buffer, device: ctx.device, byteOffset: 4, dtype: 'float32', shape: [values.length] }, snn.inputWidth);
    const spike = { timeSteps: 25, encoding: { kind: 'rate' as const, seed: 21 }, raster: true };
    const pick = (r: Awaited<ReturnType<typeof snn.process>>) => ({ raster: Array.from(r.raster!.spikes), output: Array.from(r.output), spikeCount: r.spikeCount, energyPj: r.energyPj, path: r.path });
    const resident = pick(await snn.process({ ...spike, input: shaped }));
    // The test's own read-back of the shaped values (the service never reads them back).
    const staging = ctx.device.createBuffer({ size: snn.inputWidth * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = ctx.device.createCommandEncoder();
    encoder.copyBufferToBuffer(shaped.buffer, 0, staging, 0, snn.inputWidth * 4);
    ctx.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const shapedValues = new Float32Array(staging.getMappedRange().slice(0));
    const fromArray = pick(await snn.process({ ...spike, input: shapedValues }));
    shaped.destroy();
    buffer.destroy();
    staging.destroy();
    snn.destroy();
    ctx.destroy();
    return { resident, fromArray, shapedValues: Array.from(shapedValues) };
  }, embedding);
  expect(page.resident.path).toBe('gpu');
  expect(page.resident.spikeCount).toBeGreaterThan(0);
  expect(page.resident).toEqual(page.fromArray);
  const cpu = shapeSeriesCpu(embedding, 16);
  for (let i = 0; i < cpu.length; i++) expect(Math.abs(page.shapedValues[i] - cpu[i])).toBeLessThanOrEqual(1e-5); // TOLERANCE.f32Elementwise
});
