import { test, expect, type AuraWindow } from './fixtures';

test('gating kernel in Chromium: workgroup and subgroup reductions equal the CPU reference', async ({ auraPage }) => {
  const result = await auraPage.evaluate(async () => {
    const { acquireGpu, gatingGpu, gatingCpu } = (window as unknown as AuraWindow).aura;
    const ctx = await acquireGpu();
    const reductions: Array<'workgroup' | 'subgroup'> = ctx.hasSubgroups ? ['workgroup', 'subgroup'] : ['workgroup'];
    const out: Array<{ reduction: string; E: number; k: number; T: number; capacity: boolean; sameIndices: boolean; weightDiff: number; balanceDiff: number; zDiff: number }> = [];
    let s = 7;
    const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 8 - 4;
    for (const reduction of reductions) {
      for (const [T, E, k, capacity] of [[1, 2, 1, false], [67, 5, 2, false], [129, 64, 4, false], [100, 8, 2, true]] as const) {
        const logits = new Float32Array(T * E).map(next);
        const options = { tokens: T, experts: E, k, ...(capacity ? { capacity: { factor: 1, overflow: 'reroute' as const } } : {}) };
        const gpu = await gatingGpu(ctx, logits, { ...options, reduction });
        const cpu = gatingCpu(logits, options);
        let weightDiff = 0;
        for (let i = 0; i < cpu.weights.length; i++) weightDiff = Math.max(weightDiff, Math.abs(gpu.weights[i] - cpu.weights[i]));
        out.push({
          reduction,
          E,
          k,
          T,
          capacity,
          sameIndices: gpu.indices.every((v, i) => v === cpu.indices[i]),
          weightDiff,
          balanceDiff: Math.abs(gpu.losses.balance - cpu.losses.balance),
          zDiff: Math.abs(gpu.losses.z - cpu.losses.z) / Math.max(1, cpu.losses.z),
        });
      }
    }
    const info = { hasSubgroups: ctx.hasSubgroups, adapter: ctx.adapter };
    ctx.destroy();
    return { out, info };
  });
  expect(result.info.adapter.host).toBe('browser');
  // DESIGN.md: Chromium's SwiftShader adapter reports subgroups, so both paths ran.
  expect(result.info.hasSubgroups).toBe(true);
  expect(result.out.length).toBe(8);
  for (const row of result.out) {
    expect(row.sameIndices, JSON.stringify(row)).toBe(true);
    expect(row.weightDiff, JSON.stringify(row)).toBeLessThanOrEqual(1e-5); // TOLERANCE.f32Elementwise
    expect(row.balanceDiff, JSON.stringify(row)).toBeLessThanOrEqual(1e-4); // TOLERANCE.f32Reduction
    expect(row.zDiff, JSON.stringify(row)).toBeLessThanOrEqual(1e-4);
  }
});
