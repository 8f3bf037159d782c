import { describe, expect, it } from 'vitest';
import { SERIES_STAT_NAMES, seriesStatistics } from '../../../src/services/router/series-features';
import { defaultFeatureLayout, featureCount, routerFeatureVector } from '../../../src/services/router/features';
import { fnv1a, routerWords } from '../../../src/services/router/text-features';
import { InvalidInputError } from '../../../src/errors';

function stats(series: number[]): Record<string, number> {
  const out = new Float32Array(SERIES_STAT_NAMES.length);
  seriesStatistics(series, out, 0);
  return Object.fromEntries(SERIES_STAT_NAMES.map((n, i) => [n, out[i]]));
}

describe('router features', () => {
  it('series statistics tell a spike train from a smooth signal', () => {
    const spikes = Array.from({ length: 100 }, (_, i) => (i % 7 === 0 ? 1 : 0));
    const sine = Array.from({ length: 100 }, (_, i) => 20 + Math.sin(i / 5));
    const s = stats(spikes);
    const c = stats(sine);
    expect(s['series.zeroFraction']).toBeCloseTo(85 / 100, 6);
    expect(s['series.integerFraction']).toBe(1);
    expect(s['series.binaryFraction']).toBe(1);
    expect(c['series.integerFraction']).toBeLessThan(0.05);
    expect(c['series.lag1Autocorrelation']).toBeGreaterThan(0.9);
    expect(s['series.lag1Autocorrelation']).toBeLessThan(0.1);
  });

  it('FNV-1a matches the published test vectors; words are lower-cased letter/digit runs', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
    expect(routerWords('Remember: the Gate-code is 4521!')).toEqual(['remember', 'the', 'gate', 'code', 'is', '4521']);
  });

  it('the embedding is an input of the model hidden size when the layout asks for one', () => {
    const layout = defaultFeatureLayout(8);
    const embedding = new Float32Array(8).fill(0.5);
    const x = routerFeatureVector({ text: 'hello', embedding }, layout);
    expect(x.length).toBe(featureCount(layout));
    expect(Array.from(x.slice(-8))).toEqual(Array.from(embedding));
    expect(() => routerFeatureVector({ text: 'hello' }, layout)).toThrow(InvalidInputError);
    expect(() => routerFeatureVector({ text: 'hello', embedding: new Float32Array(3) }, layout)).toThrow(/hidden size/);
    expect(() => routerFeatureVector({}, layout)).toThrow(InvalidInputError);
    expect(() => routerFeatureVector({ series: [1, NaN] }, layout)).toThrow(InvalidInputError);
  });
});
