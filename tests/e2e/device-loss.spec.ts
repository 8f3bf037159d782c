import { test, expect, type AuraWindow } from './fixtures';

// Issue 15, the device: one owner of the GPU device, which never destroys a device it adopted, and
// which recovers a lost one.

// A first start in a fresh profile (no cached plan) measures the plan; on SwiftShader BERT goes to WASM,
// and releasing its WebGPU session used to destroy the onnxruntime-web device that aura.gpu had adopted
// ("mapAsync ... The Device was lost"): the app's bandwidth panel stayed empty. The same start here with
// the small aura-bert-tiny (the app's default model takes over 11 minutes on a loaded 2-core SwiftShader
// machine); the fixture fails the test on any page error or "device lost" on the console.
test('a first start without a cached plan that puts BERT on the CPU: no page error, the bandwidth probe gives a figure', async ({ auraPage }) => {
  test.setTimeout(480_000);
  const r = await auraPage.evaluate(async () => {
    const { createAura, measureBandwidth } = (window as unknown as AuraWindow).aura;
    const tiny = '/models/aura-bert-tiny/';
    const source = { model: `${tiny}model.onnx`, tokenizer: `${tiny}tokenizer.json`, tokenizerConfig: `${tiny}tokenizer_config.json`, config: `${tiny}config.json` };
    const aura = await createAura({ services: ['language', 'neuromorphic'], language: { source }, planStore: false, measure: true });
    const probe = await measureBandwidth(aura.gpu, { megabytes: 1, iterations: 2 });
    const response = await aura.infer({ text: 'is the greenhouse too warm', series: [18, 20, 23, 27, 30] });
    const owned = aura.gpu.owned;
    await aura.destroy();
    return { language: aura.plan.stages.language.path, owned, gbPerSecond: probe.gbPerSecond, decision: response.decision };
  });
  expect(r.language).toBe('cpu');
  expect(r.owned).toBe(true);
  expect(r.gbPerSecond).toBeGreaterThan(0);
  expect(r.decision.service).toBeTruthy();
});

test('aura.gpu.device.destroy() mid-stream: in-flight requests get DeviceLostError, later ones the same answers', async ({ auraPage }) => {
  const r = await auraPage.evaluate(async () => {
    const { createAura } = (window as unknown as AuraWindow).aura;
    const requests = [
      { id: 'sine', series: Array.from({ length: 48 }, (_, t) => Math.sin(t / 5)) },
      { id: 'spikes', series: Array.from({ length: 32 }, (_, t) => (t % 4 === 0 ? 1 : 0)) },
      { id: 'ramp', series: [18, 19, 21, 24, 26, 25, 23, 20] },
    ];
    const aura = await createAura({ backend: { neuromorphic: 'gpu', lnn: 'gpu', router: 'gpu' }, planStore: false, services: ['neuromorphic', 'lnn'] });
    const answer = (x: Awaited<ReturnType<typeof aura.infer>>) => JSON.stringify({ decision: x.decision, confidence: x.confidence, route: x.route.selected, paths: Object.values(x.services).map((s) => s?.path) });
    const before: string[] = [];
    for (const q of requests) before.push(answer(await aura.infer(q)));
    // Destroyed right after the next requests' first GPU submission, while that work is in flight.
    const lost = aura.gpu.device;
    const submit = lost.queue.submit.bind(lost.queue);
    lost.queue.submit = (buffers: Iterable<GPUCommandBuffer>) => {
      submit(buffers);
      lost.destroy();
    };
    const settled = await Promise.allSettled(requests.map((q) => aura.infer({ ...q, id: `${q.id}-in-flight` })));
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [{ name: (s.reason as Error).name, code: (s.reason as { code?: unknown }).code }] : []));
    const after: string[] = [];
    for (const q of requests) after.push(answer(await aura.infer(q)));
    const moved = aura.gpu.device !== lost;
    await aura.destroy();
    return { before, after, failures, moved };
  });
  expect(r.failures.length).toBeGreaterThan(0);
  for (const f of r.failures) expect(f).toEqual({ name: 'DeviceLostError', code: 'DEVICE_LOST' });
  expect(r.moved).toBe(true);
  expect(r.after).toEqual(r.before);
});
