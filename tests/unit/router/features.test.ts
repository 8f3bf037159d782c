import { describe, expect, it } from 'vitest';
import { SERIES_STAT_NAMES, seriesStatistics } from '../../../src/services/router/series-features';
import { defaultFeatureLayout, featureCount, routerFeatureVector } from '../../../src/services/router/features';
import { fnv1a, routerTerms, routerWords } from '../../../src/services/router/text-features';
import { charGrams, hashedCharGrams } from '../../../src/services/router/char-grams';
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

  it('word pairs and char trigrams: a typo keeps most of its trigrams, pairs tell word order apart', () => {
    expect(routerTerms(['is', 'this', 'spam'], true)).toEqual(['is', 'this', 'spam', 'is this', 'this spam']);
    expect(routerTerms(['spam'], false)).toEqual(['spam']);
    expect(charGrams('spam')).toEqual(['<sp', 'spa', 'pam', 'am>']);
    expect(charGrams('a')).toEqual(['<a>']);
    const vector = (words: string[]) => {
      const out = new Float32Array(512);
      hashedCharGrams(words, 512, out, 0);
      return out;
    };
    const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);
    const remember = vector(['remember']);
    expect(cosine(remember, remember)).toBeCloseTo(1, 6); // L2-normalised
    expect(cosine(remember, vector(['rember']))).toBeGreaterThan(0.5);
    expect(cosine(remember, vector(['forecast']))).toBeLessThan(0.2);
    expect(Array.from(vector([])).every((v) => v === 0)).toBe(true);
  });

  it('the default layout puts char trigrams after the words and the embedding last; older layouts still read', () => {
    const layout = defaultFeatureLayout(4);
    const embedding = Float32Array.from([1, 2, 3, 4]);
    const x = routerFeatureVector({ text: 'rember the code', embedding }, layout);
    expect(x.length).toBe(layout.hashBuckets + layout.charGramBuckets! + layout.textStats.length + layout.seriesStats.length + 4);
    const chars = x.slice(layout.hashBuckets, layout.hashBuckets + layout.charGramBuckets!);
    expect(chars.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 5);
    expect(Array.from(x.slice(-4))).toEqual([1, 2, 3, 4]);
    const old = { hashBuckets: 256, textStats: layout.textStats, seriesStats: layout.seriesStats, embeddingSize: 0 };
    expect(featureCount(old)).toBe(256 + layout.textStats.length + layout.seriesStats.length);
    expect(routerFeatureVector({ text: 'rember the code' }, old).length).toBe(featureCount(old));
  });
});
