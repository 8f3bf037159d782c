import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDefaultLnnModel } from '../../../src/services/lnn/default-model';
import { LnnService } from '../../../src/services/lnn/service';
import { maxAbsDiff, withGpu } from '../../helpers/gpu';

/**
 * Parity with the training side (training/lnn/train.py, ncps's CfC in plain torch): the committed
 * state_dict, loaded by the runtime's ncps loader, gives torch's outputs on the fixture's four
 * 56-day windows of 1987 births (z-scored), every step, both forecasts, within 1e-5.
 */
interface Fixture {
  inputs: number[][];
  output: number[][][];
  finalState: number[][];
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/aura-cfc-births/fixture.json', import.meta.url), 'utf8')) as Fixture;
const PARITY = 1e-5;

async function checkParity(lnn: LnnService) {
  const r = await lnn.infer({ sequence: fixture.inputs.map((w) => w.map((v) => [v])), returnDynamics: true });
  expect(r.shape).toEqual([fixture.inputs.length, fixture.inputs[0].length, 2]);
  expect(maxAbsDiff(r.output, fixture.output.flat(2))).toBeLessThanOrEqual(PARITY);
  const steps = r.shape[1];
  const units = fixture.finalState[0].length;
  const last = fixture.finalState.flatMap((_, b) => Array.from(r.trajectory!.subarray((b * steps + steps - 1) * units, (b * steps + steps) * units)));
  expect(maxAbsDiff(last, fixture.finalState.flat())).toBeLessThanOrEqual(PARITY);
}

describe('the default births CfC (public/models/aura-cfc-births)', () => {
  it('CPU path: equals the training side within 1e-5 (outputs and final state)', async () => {
    await checkParity(new LnnService(null, { backend: 'cpu', model: await loadDefaultLnnModel() }));
  });

  it('GPU path (Dawn): equals the training side within 1e-5', () =>
    withGpu(async (ctx) => {
      const lnn = new LnnService(ctx, { backend: 'gpu', model: await loadDefaultLnnModel() });
      try {
        await checkParity(lnn);
      } finally {
        lnn.destroy();
      }
    }));
});
