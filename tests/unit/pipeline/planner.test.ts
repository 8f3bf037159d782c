import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planBackends } from '../../../src/runtime/planner';
import { filePlanStore } from '../../../src/runtime/plan-store';
import { busyStage, swiftshader } from './busy-stage';



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
