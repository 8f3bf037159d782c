import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planBackends } from '../../../src/runtime/planner';
import { type PlannableStage } from '../../../src/core/plan';
import { filePlanStore } from '../../../src/runtime/plan-store';
import type { AdapterSummary } from '../../../src/gpu/device';

const swiftshader: AdapterSummary = { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallback: true, host: 'node' };

/** A stage whose two paths do real work of different sizes, so the planner has something to measure. */
function busyStage(name: string, gpuLoops: number, cpuLoops: number, signature = 'v1'): PlannableStage & { trials: string[] } {
  const trials: string[] = [];
  const spin = (n: number) => {
    let x = 0;
    for (let i = 0; i < n; i++) x += Math.sqrt(i);
    return x;
  };
  return {
    name,
    signature,
    trials,
    async trial(path) {
      trials.push(path);
      spin(path === 'gpu' ? gpuLoops : cpuLoops);
    },
  };
}

describe('planBackends', () => {
  it('measures both paths and picks the faster one', async () => {
    const plan = await planBackends(swiftshader, [busyStage('a', 2_000_000, 1_000), busyStage('b', 1_000, 2_000_000)]);
    expect(plan.stages.a).toMatchObject({ path: 'cpu', why: 'measured' });
    expect(plan.stages.b).toMatchObject({ path: 'gpu', why: 'measured' });
    expect(plan.stages.a.cpuMs).toBeLessThan(plan.stages.a.gpuMs!);
  });

  it('honours a forced choice without measuring', async () => {
    const stage = busyStage('a', 2_000_000, 1_000);
    const plan = await planBackends(swiftshader, [stage], { backend: { a: 'gpu' } });
    expect(plan.stages.a).toEqual({ path: 'gpu', why: 'forced' });
    expect(stage.trials).toEqual([]);
  });

  it('without measuring, chooses the CPU path on a fallback adapter', async () => {
    const plan = await planBackends(swiftshader, [busyStage('a', 1, 1)], { measure: false });
    expect(plan.stages.a).toEqual({ path: 'cpu', why: 'adapter' });
  });

  it('reuses a cached plan on the next start and re-measures when the model changes', async () => {
    const store = filePlanStore(join(mkdtempSync(join(tmpdir(), 'aura-plan-')), 'plans.json'));
    await planBackends(swiftshader, [busyStage('a', 2_000_000, 1_000)], { store });
    const again = busyStage('a', 2_000_000, 1_000);
    const second = await planBackends(swiftshader, [again], { store });
    expect(second.stages.a).toMatchObject({ path: 'cpu', why: 'cached' });
    expect(again.trials).toEqual([]);
    const changed = busyStage('a', 2_000_000, 1_000, 'v2');
    const third = await planBackends(swiftshader, [changed], { store });
    expect(third.stages.a.why).toBe('measured');
    expect(changed.trials.length).toBeGreaterThan(0);
  });
});
