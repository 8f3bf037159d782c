import { test, expect, type AuraWindow } from './fixtures';

// Issue 21: pages are cross-origin isolated (vite.config.ts sends COOP + COEP), so onnxruntime-web's
// WASM EP runs one thread per core; a worker started by the page is isolated too.
test('the page and its worker are cross-origin isolated, and the WASM EP runs on every core', async ({ auraPage }) => {
  const r = await auraPage.evaluate(async () => {
    const { loadOrt } = (window as unknown as AuraWindow).aura;
    const ort = await loadOrt({ build: 'wasm' });
    const source = `postMessage({ isolated: self.crossOriginIsolated, sab: typeof SharedArrayBuffer })`;
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    const inWorker = await new Promise<{ isolated: boolean; sab: string }>((resolve) => (worker.onmessage = (e) => resolve(e.data)));
    worker.terminate();
    return { isolated: crossOriginIsolated, sab: typeof SharedArrayBuffer, threads: ort.env.wasm.numThreads, cores: navigator.hardwareConcurrency, inWorker };
  });
  expect(r.isolated).toBe(true);
  expect(r.sab).toBe('function');
  expect(r.inWorker).toEqual({ isolated: true, sab: 'function' });
  expect(r.threads).toBe(Math.min(8, r.cores));
  expect(r.threads).toBeGreaterThanOrEqual(2);
});

// Issue 21: the first start answers on the adapter's paths (SwiftShader is a fallback adapter: the CPU
// paths), never loading BERT on the WebGPU EP; both paths are measured after it, in idle time, and the
// next start reads the measured plan.
test('the first start answers by the adapter, measures in the background, and the next start reads the plan', async ({ auraPage }) => {
  const r = await auraPage.evaluate(async () => {
    const { createAura } = (window as unknown as AuraWindow).aura;
    const tiny = '/models/aura-bert-tiny/';
    const source = { model: `${tiny}model.onnx`, tokenizer: `${tiny}tokenizer.json`, tokenizerConfig: `${tiny}tokenizer_config.json`, config: `${tiny}config.json` };
    const messages: string[] = [];
    const options = { services: ['language' as const, 'neuromorphic' as const], language: { source }, onProgress: (e: { message: string }) => messages.push(e.message) };
    const first = await createAura(options);
    const response = await first.infer({ text: 'is the greenhouse too warm', series: [18, 20, 23, 27, 30] });
    const measured = await first.measured;
    await first.destroy();
    const firstMessages = messages.splice(0);
    const second = await createAura(options);
    const again = await second.infer({ text: 'is the greenhouse too warm', series: [18, 20, 23, 27, 30] });
    const secondPlan = second.plan;
    await second.destroy();
    return { plan: first.plan, response, measured, firstMessages, secondPlan, again, secondMessages: messages };
  });
  expect(r.plan.stages.language).toEqual({ path: 'cpu', why: 'adapter' });
  expect(r.plan.stages.neuromorphic).toEqual({ path: 'cpu', why: 'adapter' });
  expect(r.response.timings.perStage.embed).toMatchObject({ path: 'cpu', why: 'adapter' });
  expect(r.firstMessages.join('\n')).not.toContain('WebGPU execution provider');
  expect(r.measured?.cancelled).toBe(false);
  for (const stage of ['neuromorphic', 'router']) {
    expect(r.measured?.measured[stage].gpuMs, stage).toBeGreaterThan(0);
    expect(r.measured?.measured[stage].cpuMs, stage).toBeGreaterThan(0);
    expect(r.secondPlan.stages[stage], stage).toMatchObject({ path: r.measured?.measured[stage].path, why: 'cached' });
  }
  // BERT's WebGPU EP is not loaded on a fallback adapter to be measured either.
  expect(r.measured?.measured.language).toBeUndefined();
  expect(r.secondPlan.stages.language).toEqual({ path: 'cpu', why: 'adapter' });
  expect(r.secondMessages.join('\n')).not.toContain('WebGPU execution provider');
  expect(r.again.decision).toEqual(r.response.decision);
});
