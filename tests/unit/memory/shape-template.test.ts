import { describe, expect, it } from 'vitest';
import { pairwiseDistancesCpu } from '../../../src/kernels/memory-vector-search';
import { ripsPersistence } from '../../../src/services/memory/rips-persistence';
import { cyclicDifference, cyclicEmbedding, foldedTemplate, TEMPLATE_BINS } from '../../../src/services/memory/shape-template';
import { seededRandom } from '../../../src/services/consensus/simulator';

const wave = (shape: (phase: number) => number, period: number, length = 200, noise = 0) => {
  const rand = seededRandom(7);
  return Array.from({ length }, (_, t) => shape(((t / period) % 1 + 1) % 1) + noise * (rand() - 0.5));
};
const sine = (p: number) => Math.sin(2 * Math.PI * p);
const triangle = (p: number) => 1 - 4 * Math.abs(p - 0.5);
/** Finite H0 bar lengths, longest first, of the template view's cyclic embedding. */
const h0Bars = (values: ArrayLike<number>) => {
  const points = cyclicEmbedding(values, TEMPLATE_BINS / 4);
  return ripsPersistence(pairwiseDistancesCpu(points, TEMPLATE_BINS, 2), TEMPLATE_BINS)
    .h0.filter((b) => Number.isFinite(b.death))
    .map((b) => b.death - b.birth)
    .sort((a, b) => b - a);
};

describe('period-folded template', () => {
  it('finds the period of a sine near its delay (a quarter period) and explains all its variance', () => {
    const { period, strength, template } = foldedTemplate(wave(sine, 37.3), 9);
    expect(Math.abs(period - 37.3)).toBeLessThan(0.1);
    // Only the binning loses variance: a bin of 1/16 cycle averages a sine down by sinc(π/16), strength sinc² ≈ 0.987.
    expect(strength).toBeGreaterThan(0.98);
    expect(template).toHaveLength(TEMPLATE_BINS);
    expect(Math.max(...template)).toBeCloseTo(Math.SQRT2, 1); // z-normalised sine: amplitude √2
  });

  it('averages noise out: a noisy rhythm keeps most of its strength, a random walk has little', () => {
    expect(foldedTemplate(wave(sine, 30, 200, 1), 7).strength).toBeGreaterThan(0.7);
    const rand = seededRandom(3);
    let walk = 0;
    const walkSeries = Array.from({ length: 200 }, () => (walk += rand() - 0.5));
    expect(foldedTemplate(walkSeries, 40).strength).toBeLessThan(0.5);
  });

  it("a triangle wave's difference is a square wave: four clusters in its embedding (three long H0 bars), a sine's a circle", () => {
    const tri = h0Bars(cyclicDifference(foldedTemplate(wave(triangle, 32), 8).template, false));
    const sin = h0Bars(cyclicDifference(foldedTemplate(wave(sine, 32), 8).template, false));
    // Triangle: the difference takes two levels (±1.05 z-normalised) but for the bin a corner falls in
    // (half a level), so the 16 points sit on the 4 corners of a square of side 2.1 with one point
    // half-way along each side: three merges at about 1.6, the rest 0.53 or less.
    expect(tri.slice(0, 3).every((l) => l > 1.5)).toBe(true);
    expect(tri.slice(3).every((l) => l < 0.6)).toBe(true);
    // Sine: 16 points evenly on a circle of radius √2: all 15 bars the chord 2√2·sin(π/16) ≈ 0.552.
    expect(sin).toHaveLength(15);
    for (const l of sin) expect(l).toBeCloseTo(2 * Math.SQRT2 * Math.sin(Math.PI / 16), 2);
  });

  it('cyclic embedding and differences wrap around the cycle', () => {
    expect([...cyclicEmbedding([1, 2, 3, 4], 1)]).toEqual([1, 2, 2, 3, 3, 4, 4, 1]);
    const forward = cyclicDifference([0, 1, 0, -1], false); // 1, −1, −1, 1 → z: same
    expect([...forward]).toEqual([1, -1, -1, 1]);
    const central = cyclicDifference([0, 1, 0, -1], true); // t1 − t3 = 2, t2 − t0 = 0, t3 − t1 = −2, t0 − t2 = 0
    [Math.SQRT2, 0, -Math.SQRT2, 0].forEach((x, i) => expect(central[i]).toBeCloseTo(x, 6));
  });
});
