import { test, expect, type AuraWindow } from './fixtures';

// Issue: per-stage backend choice. On SwiftShader the planner measures BERT on the WebGPU EP and on
// WASM, and every kernel stage on Dawn-in-Chromium and on the CPU; the CPU paths measure faster here.
// The plan is cached in IndexedDB per adapter and reused by the next start.
test('auto measures both paths, picks the faster, and the next start reuses the cached plan', async ({ auraPage }) => {
  const r = await auraPage.evaluate(async () => {
    const { createAura } = (window as unknown as AuraWindow).aura;
    const options = { services: ['language' as const, 'neuromorphic' as const] };
    const first = await createAura(options);
    const measured = first.plan;
    const response = await first.infer({ text: 'is the greenhouse too warm', series: [18, 20, 23, 27, 30] });
    await first.destroy();
    const messages: string[] = [];
    const second = await createAura({ ...options, onProgress: (e) => messages.push(e.message) });
    const cached = second.plan;
    const again = await second.infer({ text: 'is the greenhouse too warm', series: [18, 20, 23, 27, 30] });
    await second.destroy();
    return { measured, cached, response, again, messages };
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
});
