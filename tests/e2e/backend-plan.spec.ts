import { test, expect, type AuraWindow } from './fixtures';

// Issue: per-stage backend choice. With `measure: true` the planner measures BERT on the WebGPU EP and
// on WASM, and every kernel stage on Dawn-in-Chromium and on the CPU, before the first answer; the CPU
// paths measure faster here. The plan is cached in IndexedDB per adapter and reused by the next start.
test('auto with measure: true measures both paths, picks the faster, and the next start reuses the cached plan', async ({ auraPage }) => {
  const r = await auraPage.evaluate(async () => {
    const { createAura } = (window as unknown as AuraWindow).aura;
    // The generated aura-bert-tiny (a test fixture): the real model on the WebGPU EP is slow on SwiftShader.
    const tiny = '/models/aura-bert-tiny/';
    const source = { model: `${tiny}model.onnx`, tokenizer: `${tiny}tokenizer.json`, tokenizerConfig: `${tiny}tokenizer_config.json`, config: `${tiny}config.json` };
    const options = { services: ['language' as const, 'neuromorphic' as const], language: { source }, measure: true };
    const first = await createAura(options);
    const measured = first.plan;
    const response = await first.infer({ text: 'is the greenhouse too warm', series: [18, 20, 23, 27, 30] });
    await first.destroy();
    const messages: string[] = [];
    // Count the adapter requests of the second start: reading the cached plan and making the device share one.
    const requestAdapter = navigator.gpu.requestAdapter.bind(navigator.gpu);
    let adapterRequests = 0;
    navigator.gpu.requestAdapter = (o) => (adapterRequests++, requestAdapter(o));
    const second = await createAura({ ...options, onProgress: (e) => messages.push(e.message) });
    navigator.gpu.requestAdapter = requestAdapter;
    const cached = second.plan;
    const again = await second.infer({ text: 'is the greenhouse too warm', series: [18, 20, 23, 27, 30] });
    await second.destroy();
    return { measured, cached, response, again, messages, adapterRequests };
  });
  for (const stage of ['language', 'neuromorphic', 'router']) {
    expect(r.measured.stages[stage].why, stage).toBe('measured');
    expect(r.measured.stages[stage].gpuMs).toBeGreaterThan(0);
    expect(r.measured.stages[stage].cpuMs).toBeGreaterThan(0);
    expect(r.cached.stages[stage]).toMatchObject({ path: r.measured.stages[stage].path, why: 'cached' });
  }
  // BERT on the WebGPU EP is an order of magnitude slower than WASM on SwiftShader.
  expect(r.measured.stages.language.path).toBe('cpu');
  expect(r.response.timings.perStage.embed).toMatchObject({ path: 'cpu', why: 'measured' });
  expect(r.again.timings.perStage.embed).toMatchObject({ path: 'cpu', why: 'cached' });
  expect(r.again.decision).toEqual(r.response.decision);
  // The cached plan spared the second start the WebGPU EP's session and warm-up.
  expect(r.messages.join('\n')).not.toContain('WebGPU execution provider');
  expect(r.messages.join('\n')).toContain('WASM execution provider');
  expect(r.adapterRequests).toBe(1);
});

// Issue: data crosses between paths only where the plan switches. On the all-GPU plan BERT runs on
// the WebGPU EP and its pooled embeddings stay on the device: the router's logits kernel and the
// memory search read them there. The all-CPU plan gives the same answers.
test('on the all-GPU plan the embedding stays on the GPU from BERT to the router and the memory search', async ({ auraPage }) => {
  const r = await auraPage.evaluate(async () => {
    const { createAura } = (window as unknown as AuraWindow).aura;
    const texts = ['remember that the gate code is 4521', 'what did I say the gate code was', 'how warm is the greenhouse'];
    const run = async (backend: 'gpu' | 'cpu') => {
      const tiny = '/models/aura-bert-tiny/';
      const source = { model: `${tiny}model.onnx`, tokenizer: `${tiny}tokenizer.json`, tokenizerConfig: `${tiny}tokenizer_config.json`, config: `${tiny}config.json` };
      const aura = await createAura({ backend, planStore: false, services: ['language', 'memory'], language: { source }, memory: { name: `resident-${backend}` } });
      try {
        const language = aura.services.language!;
        const rows = await language.embedRows(texts);
        await aura.services.memory!.storeMany(texts.map((text, i) => ({ key: `note-${i}`, data: text, vector: rows[i] })));
        const responses = await Promise.all(texts.map((text) => aura.infer({ text })));
        return { responses, metrics: aura.metrics() };
      } finally {
        await aura.destroy();
      }
    };
    return { gpu: await run('gpu'), cpu: await run('cpu') };
  });
  r.gpu.responses.forEach((g, i) => {
    const c = r.cpu.responses[i];
    expect(g.timings.perStage.embed.path).toBe('gpu');
    expect(g.timings.perStage.route).toMatchObject({ path: 'gpu', input: 'gpu' });
    expect(c.timings.perStage.route).toMatchObject({ path: 'cpu', input: 'cpu' });
    expect(g.route.selected.map((s) => s.service)).toEqual(c.route.selected.map((s) => s.service));
    g.route.selected.forEach((s, j) => expect(s.weight).toBeCloseTo(c.route.selected[j].weight, 3));
    if (g.services.memory) {
      expect(g.timings.perStage.memory).toMatchObject({ path: 'gpu', input: 'gpu' });
      expect(g.services.memory.decision).toBe(c.services.memory?.decision);
    }
  });
  expect(r.gpu.responses.some((g) => g.services.memory)).toBe(true);
  // Nothing crossed between GPU and CPU on either plan.
  expect(r.gpu.metrics).not.toContain('aura_tensor_crossings_total{');
  expect(r.cpu.metrics).not.toContain('aura_tensor_crossings_total{');
});
