import { describe, expect, it } from 'vitest';
import { LnnService } from '../../../src/services/lnn/service';
import { createLtcModel } from '../../../src/services/lnn/model';
import { fullyConnectedWiring } from '../../../src/services/lnn/wirings';
import { LnnSessionLimitError, LnnUnknownSessionError, LnnUnsupportedError } from '../../../src/services/lnn/errors';
import { InvalidInputError } from '../../../src/errors';
import { TOLERANCE, maxRelDiff, testGpu, withGpu } from '../../helpers/gpu';

/** Next-value prediction of sin(0.3·t + phase): one sequence per phase. */
function sines(phases: number[], steps: number) {
  return {
    inputs: phases.map((p) => Array.from({ length: steps }, (_, t) => [Math.sin(0.3 * t + p)])),
    targets: phases.map((p) => Array.from({ length: steps }, (_, t) => [Math.sin(0.3 * (t + 1) + p)])),
  };
}

const wave = Array.from({ length: 12 }, (_, t) => Math.sin(0.5 * t));

describe('LnnService infer: gpu and cpu paths agree; sessions keep state', () => {
  it('the gpu path equals the cpu path (default model, batch 2, irregular elapsed times)', () =>
    withGpu(async (ctx) => {
      const gpu = new LnnService(ctx, { backend: 'gpu' });
      const cpu = new LnnService(null, { backend: 'cpu' });
      const request = { sequence: [wave.map((x) => [x]), wave.map((x) => [-x])], timespans: wave.map((_, t) => 0.5 + (t % 3) * 0.5) };
      const [g, c] = [await gpu.infer(request), await cpu.infer(request)];
      expect(g.path).toBe('gpu');
      expect(c.path).toBe('cpu');
      expect(g.shape).toEqual([2, 12, 1]);
      expect(maxRelDiff(g.output, c.output)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
      expect(g.dynamics.mean).toBeCloseTo(c.dynamics.mean, 4);
      expect(g.dynamics.std).toBeGreaterThan(0);
      expect(g.dynamics.sparsity).toBeGreaterThanOrEqual(0);
      expect(g.dynamics.sparsity).toBeLessThanOrEqual(1);
      expect(g.trajectory?.length).toBe(2 * 12 * 32);
      gpu.destroy();
    }));

  for (const backend of ['gpu', 'cpu'] as const) {
    it(`${backend}: a session carries the hidden state across calls; reset clears it`, async () => {
      const svc = new LnnService(await testGpu(), { backend });
      const whole = await svc.infer({ sequence: wave });
      const id = svc.createSession();
      await svc.infer({ sequence: wave.slice(0, 5), session: id });
      const second = await svc.infer({ sequence: wave.slice(5), session: id, returnDynamics: false });
      expect(second.dynamics.over).toBe('final');
      expect(maxRelDiff(second.output, whole.output.subarray(5))).toBeLessThanOrEqual(TOLERANCE.f32Elementwise);
      expect(Array.from(await svc.sessionState(id)).some((v) => v !== 0)).toBe(true);
      svc.resetSession(id);
      expect(Array.from(await svc.sessionState(id)).every((v) => v === 0)).toBe(true);
      const fresh = await svc.infer({ sequence: wave.slice(0, 5), session: id });
      expect(maxRelDiff(fresh.output, whole.output.subarray(0, 5))).toBeLessThanOrEqual(TOLERANCE.f32Elementwise);
      expect(svc.closeSession(id)).toBe(true);
      await expect(svc.infer({ sequence: wave, session: id })).rejects.toBeInstanceOf(LnnUnknownSessionError);
      svc.destroy();
    });
  }

  it('limits sessions and evicts idle ones', async () => {
    let now = 0;
    const svc = new LnnService(await testGpu(), { backend: 'gpu', maxSessions: 2, idleMs: 1000, now: () => now });
    const a = svc.createSession();
    svc.createSession();
    expect(() => svc.createSession()).toThrow(LnnSessionLimitError);
    now = 500;
    await svc.infer({ sequence: [0.1], session: a }); // a is used at t = 500
    now = 1200; // the other one has been idle 1200 ms
    const c = svc.createSession();
    expect(svc.sessionCount).toBe(2);
    now = 2300;
    await expect(svc.infer({ sequence: [0.1], session: a })).rejects.toBeInstanceOf(LnnUnknownSessionError);
    await expect(svc.infer({ sequence: [0.1], session: c })).rejects.toThrow(/no LNN session/);
    await expect(svc.infer({ sequence: [0.1], session: 'never-made' })).rejects.toBeInstanceOf(LnnUnknownSessionError);
    svc.destroy();
  });
});

describe('LnnService rejects bad input with typed errors', () => {
  const svc = new LnnService(null, { backend: 'cpu' });
  const ltc = new LnnService(null, { backend: 'cpu', model: createLtcModel(fullyConnectedWiring(3, 2, { outputDim: 1 })) });
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['empty sequence', () => svc.infer({ sequence: [] })],
    ['ragged batch', () => svc.infer({ sequence: [[[1], [2]], [[1]]] })],
    ['NaN', () => svc.infer({ sequence: [1, NaN, 2] })],
    ['Infinity in a feature', () => ltc.infer({ sequence: [[1, Infinity]] })],
    ['wrong width (1 feature for a 2-input model)', () => ltc.infer({ sequence: [1, 2] })],
    ['wrong width (3 features)', () => ltc.infer({ sequence: [[1, 2, 3]] })],
    ['negative elapsed time', () => svc.infer({ sequence: [1, 2], timespans: [1, -0.5] })],
    ['zero elapsed time for LTC', () => ltc.infer({ sequence: [[1, 2]], timespans: [0] })],
    ['timespans of the wrong length', () => svc.infer({ sequence: [1, 2], timespans: [1] })],
    ['targets of the wrong length', () => svc.adapt({ inputs: [1, 2, 3], targets: [1, 2] })],
    ['strength out of range', () => svc.adapt({ inputs: [1, 2, 3], targets: [1, 2, 3], strength: 2 })],
    ['feedback out of range', () => svc.adaptFeedback({ sequence: [1, 2, 3], feedback: 1.5 })],
  ];
  for (const [name, call] of cases) it(name, () => expect(call()).rejects.toBeInstanceOf(InvalidInputError));
  it('adapt on a model without a linear readout', () => expect(ltc.adapt({ inputs: [[1, 2]], targets: [1] })).rejects.toBeInstanceOf(LnnUnsupportedError));
  it('a session created for batch 2 refuses batch 1', () => {
    const id = svc.createSession({ batch: 2 });
    return expect(svc.infer({ sequence: [1], session: id })).rejects.toThrow(/holds 2 sequences/);
  });
});

describe('FORCE adaptation on next-value prediction of sine waves', () => {
  const held = sines([0.5, 2.5], 40);
  for (const backend of ['gpu', 'cpu'] as const) {
    it(`${backend}: cuts held-out MSE ≥ 50× in 1 update call and ≥ 200× in 3; a poisoned update is rolled back`, async () => {
      const svc = new LnnService(await testGpu(), { backend, washout: 5 });
      const errors: number[] = [];
      for (let k = 0; k < 3; k++) {
        // 3 sequences × 35 samples = 105 rank-1 RLS updates per call.
        const r = await svc.adapt({ ...sines([k * 0.7, k * 0.7 + 1.9, k + 3.3], 40), heldOut: held });
        expect(r.rolledBack).toBe(false);
        expect(r.parametersChanged).toBe(true);
        expect(r.updates).toBe(105);
        expect(r.heldOutSamples).toBe(70);
        if (k === 0) errors.push(r.errorBefore);
        errors.push(r.errorAfter);
      }
      expect(errors[0] / errors[1]).toBeGreaterThan(50);
      expect(errors[0] / errors[3]).toBeGreaterThan(200);

      // Poison: targets replaced by large seeded noise. The held-out error grows, so nothing is kept.
      const before = await svc.readoutWeights();
      const poison = sines([1, 2], 40);
      poison.targets = poison.targets.map((s, b) => s.map((_, t) => [5 * Math.sin(12.9898 * (t + 40 * b)) ]));
      const bad = await svc.adapt({ ...poison, heldOut: held });
      expect(bad.errorAfter).toBeGreaterThan(bad.errorBefore);
      expect(bad.rolledBack).toBe(true);
      expect(bad.parametersChanged).toBe(false);
      expect(await svc.readoutWeights()).toEqual(before);
      // The rolled-back model still predicts as well as before the poison.
      const again = await svc.adapt({ ...sines([0.2], 40), heldOut: held, strength: 0.5 });
      expect(again.errorBefore).toBeCloseTo(errors[3], 5);
      svc.destroy();
    });
  }

  it('the gpu RLS update equals the cpu reference (errors and weights)', async () => {
    const gpu = new LnnService(await testGpu(), { backend: 'gpu', washout: 3 });
    const cpu = new LnnService(null, { backend: 'cpu', washout: 3 });
    // No heldOut: with 4 sequences the last one is held out.
    const set = sines([0.1, 1.1, 2.1, 3.1], 20);
    const [g, c] = [await gpu.adapt(set), await cpu.adapt(set)];
    expect(g.updates).toBe(51);
    expect(g.heldOutSamples).toBe(17);
    expect(g.errorBefore).toBeCloseTo(c.errorBefore, 5);
    expect(g.errorAfter).toBeCloseTo(c.errorAfter, 5);
    expect(maxRelDiff(await gpu.readoutWeights(), await cpu.readoutWeights())).toBeLessThanOrEqual(1e-3);
    gpu.destroy();
  });

  it("the predecessor's feedback ∈ [−1, 1] becomes the target output + feedback and a real update", async () => {
    const svc = new LnnService(await testGpu(), { backend: 'gpu' });
    const out0 = await svc.infer({ sequence: wave, returnDynamics: false });
    const r = await svc.adaptFeedback({ sequence: wave, feedback: 0.5, strength: 1 });
    // Held-out (last quarter of the sequence) error before is exactly feedback².
    expect(r.errorBefore).toBeCloseTo(0.25, 5);
    expect(r.errorAfter).toBeLessThan(r.errorBefore);
    expect(r.parametersChanged).toBe(true);
    const out1 = await svc.infer({ sequence: wave, returnDynamics: false });
    // The outputs moved up, towards output + 0.5.
    const meanShift = out1.output.reduce((s, v, i) => s + v - out0.output[i], 0) / out1.output.length;
    expect(meanShift).toBeGreaterThan(0.05);
    svc.destroy();
  });
});
