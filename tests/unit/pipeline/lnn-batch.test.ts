import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/core/deadline';
import { loadDefaultLnnModel } from '../../../src/services/lnn/default-model';
import { LnnService } from '../../../src/services/lnn/service';
import { cfcMacsPerStep, LnnStage } from '../../../src/services/lnn/stage';
import { standardise } from '../../../src/services/lnn/standardise';
import { applyCorrection, fitOneStepCorrection } from '../../../src/services/lnn/lnn-forecast';
import type { StageInput, StageResult } from '../../../src/services/service-stage';
import { withGpu } from '../../helpers/gpu';

/**
 * The LNN stage over a batch (the trained births CfC, CPU path): series of one length share one run
 * and their further forecasts are single steps from the session's state. Each answer must be, value
 * for value, the one its series gets alone, and the one a run of the extended series from the start gives.
 */
let lnn: LnnService;
let stage: LnnStage;
const input = (series: number[], id = 's'): StageInput => ({ request: { id, series: Float32Array.from(series), timeoutMs: 10_000 } });
const wave = (n: number, phase: number) => Array.from({ length: n }, (_, t) => 100 + 10 * Math.sin((t + phase) / 5));

beforeAll(async () => {
  lnn = new LnnService(null, { backend: 'cpu', model: await loadDefaultLnnModel() });
  stage = new LnnStage(lnn, lnn.model);
});
afterAll(() => lnn.destroy());

describe('the LNN stage over a batch', () => {
  it('gives each series (lengths 1, 2, 48, 48, 48, 256 and 300, with text-only beside them) what it gets alone', async () => {
    const inputs = [input(wave(48, 0)), input([5]), input(wave(48, 3)), { request: { id: 't', text: 'no series here', timeoutMs: 10_000 } }, input(wave(256, 1)), input([1, 2]), input(wave(48, 7)), input(wave(300, 2))];
    const deadlines = inputs.map(() => new Deadline(10_000));
    const batched = await Promise.all(stage.runBatch(inputs, deadlines));
    const alone: StageResult[] = [];
    for (const [i, one] of inputs.entries()) alone.push(await stage.run(one, deadlines[i]));
    deadlines.forEach((d) => d.dispose());
    expect(batched).toEqual(alone);
    expect(batched[3].decision).toBe('no sequence');
  });

  it('forecasts equal those of running the extended series again from the start (the answer before batching)', async () => {
    const series = wave(40, 4);
    const r = await stage.run(input(series));
    const out = r.output as { next: Array<{ value: number }>; macs: number };
    const { z, mean, scale } = standardise(Float32Array.from(series));
    const first = await lnn.infer({ sequence: [Array.from(z, (v) => [v])] });
    const oneStep = Float32Array.from({ length: z.length }, (_, t) => first.output[t * first.shape[2]]);
    const correction = fitOneStepCorrection(z, oneStep);
    const forecasts = [applyCorrection(correction, oneStep[z.length - 1], z[z.length - 1])];
    while (forecasts.length < 3) {
      const extended = Float32Array.from([...z, ...forecasts]);
      const again = await lnn.infer({ sequence: [Array.from(extended, (v) => [v])] });
      forecasts.push(applyCorrection(correction, again.output[(extended.length - 1) * again.shape[2]], extended[extended.length - 1]));
    }
    expect(out.next.map((n) => n.value)).toEqual(forecasts.map((f) => f * scale + mean));
    // The steps that ran: the series, then one per further forecast.
    expect(out.macs).toBe(cfcMacsPerStep(lnn.model) * (z.length + 2));
  });

  it('a member past its deadline fails alone with TIMEOUT; the others are answered as alone', async () => {
    const inputs = [input(wave(48, 1)), input(wave(48, 2)), input(wave(48, 3))];
    const expired = new Deadline(0);
    const deadlines = [new Deadline(10_000), expired, new Deadline(10_000)];
    const settled = await Promise.allSettled(stage.runBatch(inputs, deadlines));
    expect(settled[1]).toMatchObject({ status: 'rejected', reason: { code: 'TIMEOUT' } });
    expect(settled[0]).toEqual({ status: 'fulfilled', value: await stage.run(inputs[0]) });
    expect(settled[2]).toEqual({ status: 'fulfilled', value: await stage.run(inputs[2]) });
    deadlines.forEach((d) => d.dispose());
  });

  it('on the GPU path too (Dawn): one batch of sequences per length gives each series what it gets alone', () =>
    withGpu(async (ctx) => {
      const gpu = new LnnService(ctx, { backend: 'gpu', model: await loadDefaultLnnModel() });
      try {
        const onGpu = new LnnStage(gpu, gpu.model);
        const inputs = [input(wave(24, 0)), input(wave(24, 5)), input(wave(9, 2)), input(wave(24, 8))];
        const deadlines = inputs.map(() => new Deadline(60_000));
        const batched = await Promise.all(onGpu.runBatch(inputs, deadlines));
        const without = (r: StageResult) => ({ ...r, gpuMs: undefined });
        for (const [i, one] of inputs.entries()) {
          const alone = await onGpu.run(one, deadlines[i]);
          expect(batched[i].path).toBe('gpu');
          expect(without(batched[i])).toEqual(without(alone));
        }
        deadlines.forEach((d) => d.dispose());
      } finally {
        gpu.destroy();
      }
    }));
});
