import { describe, expect, it } from 'vitest';
import { precisionAtK, SHAPE_CLASSES, shapeSet, TEST_SEED, VALIDATION_SEED } from '../../../eval/shape-set';

describe('the labelled shape set (eval/shape-set.ts)', () => {
  it('is reproducible from its seed, and the validation and test seeds draw different series', () => {
    const a = shapeSet(VALIDATION_SEED);
    const b = shapeSet(VALIDATION_SEED);
    const test = shapeSet(TEST_SEED);
    expect(a.map((s) => [...s.series])).toEqual(b.map((s) => [...s.series]));
    expect(a.every((s, i) => s.series.some((x, t) => x !== test[i].series[t]))).toBe(true);
  });

  it('holds every class of the issue, 12 finite series of 200 samples each', () => {
    const set = shapeSet(TEST_SEED);
    expect(SHAPE_CLASSES).toEqual(['sine', 'square', 'sawtooth', 'triangle', 'random-walk', 'trend', 'chirp', 'burst']);
    for (const label of SHAPE_CLASSES) expect(set.filter((s) => s.label === label)).toHaveLength(12);
    for (const { series } of set) {
      expect(series).toHaveLength(200);
      expect(series.every(Number.isFinite)).toBe(true);
    }
    // Amplitudes and offsets vary within a class (the signature must not lean on them).
    const sines = set.filter((s) => s.label === 'sine').map((s) => Math.max(...s.series) - Math.min(...s.series));
    expect(Math.max(...sines) / Math.min(...sines)).toBeGreaterThan(2);
  });

  it('precision@k counts the share of the k nearest others in the query class', () => {
    const items = [{ label: 'a' }, { label: 'a' }, { label: 'b' }, { label: 'b' }];
    const position = [0, 1, 10, 11];
    expect(precisionAtK(items, (x, y) => Math.abs(position[x] - position[y]), 1)).toBe(1);
    expect(precisionAtK(items, (x, y) => Math.abs(position[x] - position[y]), 2)).toBe(0.5);
  });

  it('precision@k over the queries of one class', () => {
    const items = [{ label: 'a' }, { label: 'a' }, { label: 'b' }, { label: 'b' }, { label: 'b' }];
    const position = [0, 1, 2, 20, 21];
    const distance = (x: number, y: number) => Math.abs(position[x] - position[y]);
    // Nearest others: 0→1, 1→0 (a tie with 2, broken by index), 2→1 (wrong class), 3→4, 4→3.
    expect(precisionAtK(items, distance, 1, 'a')).toBe(1);
    expect(precisionAtK(items, distance, 1, 'b')).toBeCloseTo(2 / 3, 12);
    expect(precisionAtK(items, distance, 1)).toBeCloseTo(4 / 5, 12);
    expect(precisionAtK(items, distance, 1, 'c')).toBe(0); // no query of that class
  });
});
