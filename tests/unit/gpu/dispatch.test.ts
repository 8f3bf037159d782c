import { describe, expect, it } from 'vitest';
import { foldDispatch } from '../../../src/gpu/dispatch';
import { DispatchTooLargeError } from '../../../src/errors';

describe('foldDispatch keeps dispatches within the device limit', () => {
  const max = 65_535;
  it('passes small counts through (and at least one workgroup)', () => {
    expect(foldDispatch(0, max)).toEqual([1, 1, 1]);
    expect(foldDispatch(1, max)).toEqual([1, 1, 1]);
    expect(foldDispatch(max, max)).toEqual([max, 1, 1]);
  });
  it('refolds into 2-D and 3-D, covering every workgroup', () => {
    for (const count of [max + 1, 3 * max + 7, max * max, max * max + 1]) {
      const [x, y, z] = foldDispatch(count, max);
      expect(Math.max(x, y, z)).toBeLessThanOrEqual(max);
      expect(x * y * z).toBeGreaterThanOrEqual(count);
      // No whole layer of idle workgroups: the fold is tight.
      expect(x * y * z - count).toBeLessThan(x * (z > 1 ? y : 1));
    }
  });
  it('refuses what cannot fit with a typed error', () => {
    expect(() => foldDispatch(max ** 3 + 1, max)).toThrow(DispatchTooLargeError);
    expect(() => foldDispatch(1.5, max)).toThrow(DispatchTooLargeError);
  });
});
