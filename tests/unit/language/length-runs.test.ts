import { describe, expect, it } from 'vitest';
import { RUN_LENGTH_SPREAD, runsByLength, SHORT_ROW } from '../../../src/services/language/length-runs';

const runs = (lengths: number[], maxRows = 32) => runsByLength(lengths, (n) => n, maxRows);

describe('runs by length', () => {
  it('none for no rows; one run for rows of similar length, in input order among ties', () => {
    expect(runs([])).toEqual([]);
    expect(runs([40, 41, 40, 50])).toEqual([{ rows: [40, 40, 41, 50], at: [0, 2, 1, 3] }]);
  });

  it('short rows share a run; a run closes before a row longer than the spread', () => {
    const lengths = [3, 250, SHORT_ROW, 100, 10, 60, 61];
    const got = runs(lengths);
    expect(got.map((r) => r.rows)).toEqual([[3, 10, SHORT_ROW], [60, 61], [100], [250]]);
    for (const r of got) expect(Math.max(...r.rows)).toBeLessThanOrEqual(Math.max(SHORT_ROW, Math.ceil(r.rows[0] * RUN_LENGTH_SPREAD)));
  });

  it('no run holds more than maxRows; every row appears once, at its input index', () => {
    const lengths = Array.from({ length: 70 }, (_, i) => 5 + ((i * 37) % 200));
    const got = runs(lengths, 8);
    for (const r of got) expect(r.rows.length).toBeLessThanOrEqual(8);
    const seen = got.flatMap((r) => r.at).sort((a, b) => a - b);
    expect(seen).toEqual(lengths.map((_, i) => i));
    for (const r of got) r.at.forEach((i, k) => expect(lengths[i]).toBe(r.rows[k]));
  });
});
