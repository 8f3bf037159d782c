import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SHAPE_OPTIONS,
  delayEmbedding,
  persistenceDiagram,
  persistenceLandscape,
  shapePointCloud,
  requireShapeOptions,
  autoDelay,
  zNormalize,
} from '../../../src/services/memory/shape';
import { InvalidInputError } from '../../../src/errors';
import { ShapeTooLargeError } from '../../../src/services/memory/errors';
import { shapeSignature, shapeSignatureLength } from '../../../src/services/memory/shape-signature';
import { maxAbsDiff } from '../../helpers/gpu';
import { testGpu } from '../../helpers/gpu';

const finiteDeaths = (d: { death: number }[]) => d.filter((p) => Number.isFinite(p.death)).map((p) => p.death);

describe('0-dimensional persistence equals hand-computed diagrams (CPU and GPU distances)', () => {
  for (const backend of ['cpu', 'gpu'] as const) {
    const gpu = () => (backend === 'gpu' ? testGpu() : Promise.resolve(null));

    it(`${backend}: points on a line 0, 1, 3, 6 die at the gaps 1, 2, 3`, async () => {
      const cloud = shapePointCloud({ points: [[0], [1], [3], [6]] }, DEFAULT_SHAPE_OPTIONS);
      const { diagram, path } = await persistenceDiagram(cloud, await gpu());
      expect(path).toBe(backend);
      expect(diagram.h1).toEqual([]);
      expect(diagram.h0).toEqual([
        { birth: 0, death: 1 },
        { birth: 0, death: 2 },
        { birth: 0, death: 3 },
        { birth: 0, death: Infinity },
      ]);
    });

    it(`${backend}: two separated clusters give one long bar`, async () => {
      const points = [[0, 0], [0, 1], [1, 0], [10, 0], [10, 1], [11, 0]];
      const { diagram } = await persistenceDiagram(shapePointCloud({ points }, DEFAULT_SHAPE_OPTIONS), await gpu());
      const deaths = finiteDeaths(diagram.h0);
      // Inside each cluster: two merges at distance 1. Between: the closest pair (1,0)–(10,0) is 9 apart.
      expect(deaths).toEqual([1, 1, 1, 1, 9]);
      expect(diagram.h0.filter((p) => p.death > 5)).toHaveLength(2); // the long bar and the infinite one
    });

    it(`${backend}: a noisy circle's delay embedding has one component and no long finite bar`, async () => {
      // sin sampled 64 times a period; dimension 2, delay 16 (a quarter period) → (sin t, cos t):
      // a circle of radius 1 with 64 points. Clean chord 2·sin(π/64); noise ≤ 0.01 per coordinate
      // moves each death by at most 2·√2·0.01.
      const n = 64;
      const noise = (i: number) => 0.01 * Math.sin(i * 12.9898) ;
      const series = Array.from({ length: n + 16 }, (_, i) => Math.sin((2 * Math.PI * i) / n) + noise(i));
      const cloud = shapePointCloud({ series, dimension: 2, delay: 16 }, { ...DEFAULT_SHAPE_OPTIONS, normalize: false, smooth: 0 });
      expect(cloud.n).toBe(n);
      const { diagram } = await persistenceDiagram(cloud, await gpu());
      const deaths = finiteDeaths(diagram.h0);
      const chord = 2 * Math.sin(Math.PI / n);
      const slack = 2 * Math.SQRT2 * 0.01 + 1e-6;
      expect(deaths).toHaveLength(n - 1);
      for (const d of deaths) {
        expect(d).toBeGreaterThanOrEqual(chord - slack);
        expect(d).toBeLessThanOrEqual(chord + slack);
      }
      expect(diagram.h0.at(-1)!.death).toBe(Infinity);
      // …and one loop: born at about the chord, dying near √3 (the inscribed equilateral triangle).
      expect(diagram.h1.filter((p) => p.death - p.birth > 1)).toHaveLength(1);
    });
  }
});

describe('delay embedding and landscapes', () => {
  it('embeds x_t → (x_t, x_{t+τ}, x_{t+2τ})', () => {
    const { points, n } = delayEmbedding([0, 1, 2, 3, 4, 5], 3, 2);
    expect(n).toBe(2);
    expect([...points]).toEqual([0, 2, 4, 1, 3, 5]);
  });

  it('the landscape of one bar (0, 1) is a tent of height 0.5 at t = 0.5', () => {
    const l = persistenceLandscape([{ birth: 0, death: 1 }, { birth: 0, death: Infinity }], { levels: 2, samples: 5, maxScale: 1 });
    expect([...l.slice(0, 5)]).toEqual([0, 0.25, 0.5, 0.25, 0]);
    expect([...l.slice(5)]).toEqual([0, 0, 0, 0, 0]);
  });

  it('rejects NaN, ragged points, too-short series and too many points with typed errors', () => {
    const o = DEFAULT_SHAPE_OPTIONS;
    expect(() => shapePointCloud({ series: [1, NaN, 3] }, o)).toThrow(InvalidInputError);
    expect(() => shapePointCloud({ points: [[1, 2], [3]] }, o)).toThrow(/same dimension/);
    expect(() => shapePointCloud({ series: [1] }, o)).toThrow(/embedded points/);
    expect(() => shapePointCloud({ series: new Array(o.maxPoints + 5).fill(0) }, o)).toThrow(/maxPoints/);
    expect(() => shapePointCloud({ series: new Array(o.maxPoints + 5).fill(0) }, o)).toThrow(ShapeTooLargeError);
    // A huge series is refused before any work that grows with its length squared (delay, period search).
    const start = performance.now();
    expect(() => shapePointCloud({ series: new Float64Array(1_000_000).map((_, t) => Math.sin(t / 7)) }, o)).toThrow(ShapeTooLargeError);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(() => shapePointCloud({ series: [1, 2, 3], dimension: 3, delay: 2 }, o)).toThrow(InvalidInputError);
    expect(() => shapePointCloud({ series: [1, Infinity, 3, 4] }, o)).toThrow(/finite/);
    expect(() => requireShapeOptions({ ...o, maxPoints: 4096 })).toThrow(/maxPoints/);
    expect(() => requireShapeOptions({ ...o, threshold: NaN })).toThrow(/threshold/);
  });

  it('auto delay is a quarter period for a sine; z-normalisation removes amplitude and offset', () => {
    const sine = (amplitude: number, offset: number) => Array.from({ length: 200 }, (_, t) => offset + amplitude * Math.sin((2 * Math.PI * t) / 40));
    expect(autoDelay(zNormalize(sine(1, 0)), 2)).toBe(10);
    const a = shapePointCloud({ series: sine(1, 0) }, DEFAULT_SHAPE_OPTIONS);
    const b = shapePointCloud({ series: sine(7, -3) }, DEFAULT_SHAPE_OPTIONS);
    expect(maxAbsDiff(a.points, b.points)).toBeLessThan(1e-5);
  });

  it('a series cloud carries its views (phase portrait, values, template and its two differences), each invariant to amplitude and offset', () => {
    const sine = (amplitude: number, offset: number) => Array.from({ length: 200 }, (_, t) => offset + amplitude * Math.sin((2 * Math.PI * t) / 40));
    const a = shapePointCloud({ series: sine(1, 0) }, DEFAULT_SHAPE_OPTIONS);
    const b = shapePointCloud({ series: sine(7, -3) }, DEFAULT_SHAPE_OPTIONS);
    expect(a.views?.map((v) => [v.n, v.dim])).toEqual([[198, 2], [200, 1], [16, 2], [16, 2], [16, 2]]); // lag 2; 16 phase bins
    expect(a.views!.map((v) => v.weight)).toEqual([undefined, undefined, a.views![2].weight, a.views![2].weight, a.views![2].weight]);
    expect(a.views![2].weight).toBeGreaterThan(0.98); // a clean sine: the template explains its variance (but the binning's 1.3 %)
    a.views!.forEach((view, i) => expect(maxAbsDiff(view.points, b.views![i].points)).toBeLessThan(1e-4));
    expect(shapePointCloud({ points: [[0], [1]] }, DEFAULT_SHAPE_OPTIONS).views).toBeUndefined();
  });

  it('the signature is, per view, the H0 landscape (weighted), the H1 landscape and the bar statistics', () => {
    const o = { levels: 1, samples: 5, maxScale: 1, h0Weight: 2, statsWeight: 1 };
    const sig = shapeSignature({ h0: [{ birth: 0, death: 1 }, { birth: 0, death: Infinity }], h1: [{ birth: 0.5, death: 1 }] }, o);
    expect(sig).toHaveLength(shapeSignatureLength(o));
    const block = [
      ...[0, 0.5, 1, 0.5, 0], // H0: tent of [0, 1) at t = 0, 0.25, …, 1, × 2
      ...[0, 0, 0, 0.25, 0], // H1: tent of [0.5, 1)
      ...[1, 0, 0, 0, 0.1, 0, 10, 0], // H0: longest 4, total × 0.1, entropy (one bar: 0), median × 10, log(longest / median) / 2
      ...[0.5, 0, 0, 0.5, 0, 0.5], // H1: longest 3, total, entropy, birth of the longest
    ];
    expect(sig.length).toBe(6 * block.length); // a diagram without views repeats its block for each of 5 views
    [...sig].forEach((x, i) => expect(x).toBeCloseTo(block[i % block.length], 6));
  });

  it('each view of a series has its own diagram in the signature', async () => {
    const series = Array.from({ length: 120 }, (_, t) => Math.sin((2 * Math.PI * t) / 30) + 0.05 * Math.sin(t * 7.3));
    const { diagram } = await persistenceDiagram(shapePointCloud({ series }, DEFAULT_SHAPE_OPTIONS), null);
    expect(diagram.views).toHaveLength(5);
    expect(diagram.views![1].h1).toEqual([]); // values on a line have no loop
    const longest = (d: { h1: { birth: number; death: number }[] }) => Math.max(0, ...d.h1.map((b) => b.death - b.birth));
    expect(longest(diagram)).toBeGreaterThan(1); // the sine's loop, z-normalised (circle of radius √2)
    const sig = shapeSignature(diagram, DEFAULT_SHAPE_OPTIONS);
    const block = sig.length / 6;
    expect(maxAbsDiff(sig.subarray(0, block), sig.subarray(2 * block, 3 * block))).toBeGreaterThan(0.1);
  });

  it("a view's weight scales its block of the signature", () => {
    const bars = { h0: [{ birth: 0, death: 1 }], h1: [{ birth: 0.5, death: 1 }] };
    const views = (weight?: number) => Array.from({ length: 5 }, (_, v) => ({ ...bars, weight: v >= 2 ? weight : undefined }));
    const whole = shapeSignature({ ...bars, views: views(1) }, DEFAULT_SHAPE_OPTIONS);
    const half = shapeSignature({ ...bars, views: views(0.5) }, DEFAULT_SHAPE_OPTIONS);
    const block = whole.length / 6;
    expect(maxAbsDiff(whole.subarray(0, 3 * block), half.subarray(0, 3 * block))).toBe(0);
    [...whole.subarray(3 * block)].forEach((x, i) => expect(half[3 * block + i]).toBeCloseTo(x / 2, 6));
  });
});
