import { describe, expect, it } from 'vitest';
import { createAura } from '../../../src/runtime/create-aura';
import type { UnifiedResponse } from '../../../src/pipeline/response';

/**
 * Forcing every stage onto its GPU path (Dawn) or its CPU path gives the same responses: the same
 * route and decisions, weights and confidences within f32 tolerance. (BERT stays on WASM in both:
 * onnxruntime-web has no WebGPU EP in Node; its two EPs are compared in the Chromium e2e test.)
 */
describe('the same requests on forced GPU and forced CPU plans', () => {
  const requests = [
    { id: 'text', text: 'remember that the backup of the photos finished last night' },
    { id: 'sine', series: Array.from({ length: 48 }, (_, t) => Math.sin(t / 5)) },
    { id: 'spikes', series: Array.from({ length: 32 }, (_, t) => (t % 4 === 0 ? 1 : 0)) },
    { id: 'both', text: 'how warm is the greenhouse', series: [18, 19, 21, 24, 26, 25, 23, 20] },
  ];
  const services = ['language', 'neuromorphic', 'lnn'] as const;

  async function run(backend: 'gpu' | 'cpu'): Promise<UnifiedResponse[]> {
    const aura = await createAura({ backend: { language: 'cpu', neuromorphic: backend, lnn: backend, router: backend }, planStore: false, services: [...services] });
    try {
      expect(aura.plan.stages.lnn).toEqual({ path: backend, why: 'forced' });
      const out: UnifiedResponse[] = [];
      for (const r of requests) out.push(await aura.infer(r));
      return out;
    } finally {
      await aura.destroy();
    }
  }

  it('agree', async () => {
    const gpu = await run('gpu');
    const cpu = await run('cpu');
    gpu.forEach((g, i) => {
      const c = cpu[i];
      expect(g.route.selected.map((s) => s.service), g.id).toEqual(c.route.selected.map((s) => s.service));
      g.route.selected.forEach((s, j) => expect(s.weight).toBeCloseTo(c.route.selected[j].weight, 4));
      expect(g.decision.service).toBe(c.decision.service);
      expect(g.confidence).toBeCloseTo(c.confidence, 3);
      for (const { service } of g.route.selected) {
        expect(g.services[service]?.status).toBe('ok');
        expect(g.services[service]?.path).toBe(service === 'language' ? 'cpu' : 'gpu');
        expect(c.services[service]?.path).toBe('cpu');
      }
      // Spike counts are exact on both paths, so the spiking network's answer is identical.
      if (g.services.neuromorphic) expect(g.services.neuromorphic.decision).toBe(c.services.neuromorphic?.decision);
      expect(g.energy.totalPj).toBeCloseTo(c.energy.totalPj, 0);
      // The embedding crosses only where the plan switches: BERT (WASM) → GPU router, uploaded once.
      const hasText = requests[i].text !== undefined;
      expect(g.timings.perStage.route.input).toBe(hasText ? 'cpu→gpu' : undefined);
      expect(c.timings.perStage.route.input).toBe(hasText ? 'cpu' : undefined);
    });
    expect(new Set(gpu.flatMap((r) => r.route.selected.map((s) => s.service))).size).toBeGreaterThanOrEqual(2);
  });
});
