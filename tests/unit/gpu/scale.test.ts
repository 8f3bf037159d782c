import { describe, expect, it } from 'vitest';
import { scaleCpu, scaleGpu, SCALE_WORKGROUP_SIZE } from '../../../src/kernels/scale';
import { measureBandwidth } from '../../../src/kernels/bandwidth';
import { InvalidInputError } from '../../../src/errors';
import { TOLERANCE, maxAbsDiff, withGpu } from '../../helpers/gpu';

function ramp(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = ((i * 7919) % 1000) / 37 - 13;
  return x;
}

describe('scale kernel on Dawn equals its CPU reference', () => {
  // 1 element, a non-multiple of the workgroup, and more than 65,535 workgroups (folded to 2-D).
  const sizes = [1, SCALE_WORKGROUP_SIZE + 3, 65_536 * SCALE_WORKGROUP_SIZE + 5];
  for (const n of sizes) {
    it(`n = ${n}`, () =>
      withGpu(async (ctx) => {
        const x = ramp(n);
        const { y } = await scaleGpu(ctx, x, 2.5);
        expect(maxAbsDiff(y, scaleCpu(x, 2.5))).toBe(TOLERANCE.exact);
      }));
  }

  it('rejects NaN and empty input with a typed error', () =>
    withGpu(async (ctx) => {
      await expect(scaleGpu(ctx, new Float32Array([1, NaN]), 2)).rejects.toBeInstanceOf(InvalidInputError);
      await expect(scaleGpu(ctx, new Float32Array(0), 2)).rejects.toThrow(/empty/);
    }));

  it('the bandwidth probe measures a positive rate and names the adapter', () =>
    withGpu(async (ctx) => {
      const result = await measureBandwidth(ctx, { megabytes: 4, iterations: 4 });
      expect(result.gbPerSecond).toBeGreaterThan(0);
      expect(result.adapter.host).toBe('node');
      expect(['gpu-timestamp', 'cpu']).toContain(result.timingSource);
    }));
});
