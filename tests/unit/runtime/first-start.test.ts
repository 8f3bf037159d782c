import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAura } from '../../../src/runtime/create-aura';
import { filePlanStore } from '../../../src/runtime/plan-store';

/**
 * The first start answers on the adapter's paths (Dawn on SwiftShader here: a fallback adapter, so the
 * CPU paths) and measures both paths after it, in idle time; destroy() cancels that measurement.
 */
describe('first start: answer by the adapter, measure in the background', () => {
  const request = { text: 'how warm is the greenhouse', series: [18, 19, 21, 24, 26, 25, 23, 20] };

  it('answers before measuring, then saves the measured plan that the next start reads', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aura-first-start-')), 'plans.json');
    const aura = await createAura({ services: ['neuromorphic', 'lnn'], planStore: filePlanStore(file) });
    try {
      expect(aura.adapter.isFallback).toBe(true);
      for (const stage of ['neuromorphic', 'lnn', 'router']) expect(aura.plan.stages[stage], stage).toEqual({ path: 'cpu', why: 'adapter' });
      const response = await aura.infer(request);
      expect(response.timings.perStage.route).toMatchObject({ path: 'cpu', why: 'adapter' });
      const result = await aura.measured;
      expect(result?.cancelled).toBe(false);
      for (const stage of ['neuromorphic', 'lnn', 'router']) {
        expect(result!.measured[stage].gpuMs, stage).toBeGreaterThan(0);
        expect(result!.measured[stage].cpuMs, stage).toBeGreaterThan(0);
      }
      expect(Object.keys(JSON.parse(readFileSync(file, 'utf8'))).length).toBe(3);
      // The runtime still answers on its planned paths after the measurement released the other ones.
      expect((await aura.infer(request)).decision).toEqual(response.decision);
    } finally {
      await aura.destroy();
    }
    const next = await createAura({ services: ['neuromorphic', 'lnn'], planStore: filePlanStore(file) });
    try {
      expect(next.plan.stages.lnn.why).toBe('cached');
      expect(await next.measured).toBeUndefined();
    } finally {
      await next.destroy();
    }
  });

  it('destroy() cancels the measurement and saves nothing unfinished', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aura-first-start-')), 'plans.json');
    const aura = await createAura({ services: ['neuromorphic', 'lnn'], planStore: filePlanStore(file) });
    await aura.destroy();
    const result = await aura.measured;
    expect(result?.cancelled).toBe(true);
    expect(Object.keys(result!.measured).length).toBeLessThan(3);
  });

  it('measure: false never measures; measure: true measures before the first answer', async () => {
    const quick = await createAura({ services: ['neuromorphic'], planStore: false, measure: false });
    expect(quick.plan.stages.neuromorphic).toEqual({ path: 'cpu', why: 'adapter' });
    expect(await quick.measured).toBeUndefined();
    await quick.destroy();
    const measuring = await createAura({ services: ['neuromorphic'], planStore: false, measure: true });
    expect(measuring.plan.stages.neuromorphic.why).toBe('measured');
    await measuring.destroy();
  });
});
