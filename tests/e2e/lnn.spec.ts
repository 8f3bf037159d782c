import { test, expect, type AuraWindow } from './fixtures';

test('WebGPU in Chromium: CfC and LTC sequence kernels equal their ncps CPU references', async ({ auraPage }) => {
  const result = await auraPage.evaluate(async () => {
    const aura = (window as unknown as AuraWindow).aura;
    const ctx = await aura.acquireGpu();
    const diff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]) / Math.max(1, Math.abs(b[i]))), 0);
    const batch = 2;
    const steps = 9;
    const out: Record<string, number> = {};
    // CfC default mode, 67 units (non-multiple of the 64-thread workgroup), backbone, projection.
    const cfc = aura.createCfcModel({ inputSize: 2, units: 67, backboneUnits: 70, projSize: 3, seed: 4 });
    // LTC on an AutoNCP wiring (inter → command → motor), ncps's fused solver with 6 unfolds.
    const ltc = aura.createLtcModel(aura.autoNcpWiring(12, 3, 2, { seed: 4 }), { seed: 5 });
    const x = Float32Array.from({ length: batch * steps * 2 }, (_, i) => Math.sin(0.37 * i));
    const ts = Float32Array.from({ length: batch * steps }, (_, i) => 0.5 + (i % 3) * 0.25);
    const cfcRef = aura.cfcSequenceCpu(cfc, x, ts, batch, steps, new Float32Array(batch * 67));
    const cfcGpu = await aura.lnnSequenceGpu(ctx, cfc, x, ts, batch, steps, new Float32Array(batch * 67));
    out.cfc = diff(cfcGpu.output, cfcRef.output);
    const ltcRef = aura.ltcSequenceCpu(ltc, x, ts, batch, steps, new Float32Array(batch * 12));
    const ltcGpu = await aura.lnnSequenceGpu(ctx, ltc, x, ts, batch, steps, new Float32Array(batch * 12));
    out.ltc = diff(ltcGpu.output, ltcRef.output);
    out.cfcMagnitude = cfcRef.output.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    out.ltcMagnitude = ltcRef.output.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const adapter = ctx.adapter;
    ctx.destroy();
    return { out, adapter };
  });
  expect(result.adapter.host).toBe('browser');
  expect(result.out.cfc).toBeLessThanOrEqual(5e-4);
  expect(result.out.ltc).toBeLessThanOrEqual(5e-4);
  // The outputs are not trivially zero.
  expect(result.out.cfcMagnitude).toBeGreaterThan(1e-2);
  expect(result.out.ltcMagnitude).toBeGreaterThan(1e-2);
});
