import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pairwiseDistancesCpu, pairwiseDistancesGpu } from '../../../src/kernels/memory-vector-search';
import { ripsPersistence, type PersistencePair } from '../../../src/services/memory/rips-persistence';
import { RIPS_MAX_POINTS } from '../../../src/services/memory/rips-filtration';
import { delayEmbedding } from '../../../src/services/memory/shape';
import { ShapeTooLargeError } from '../../../src/services/memory/errors';
import { withGpu } from '../../helpers/gpu';

/** Births and deaths of our diagram against gudhi's, after sorting. */
const DIAGRAM_TOLERANCE = 1e-5;

interface Fixture {
  name: string;
  points: number[][];
  threshold: number | null;
  h0: Array<[number, number | null]>;
  h1: Array<[number, number | null]>;
  series?: number[];
  dimension?: number;
  delay?: number;
}

const { fixtures } = JSON.parse(readFileSync('tests/fixtures/shape/rips.json', 'utf8')) as { fixtures: Fixture[] };

const sorted = (bars: PersistencePair[]) => bars.map((b) => [b.birth, b.death] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
const reference = (bars: Fixture['h0']) => bars.map(([b, d]) => [b, d ?? Infinity] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);

function expectSameDiagram(ours: PersistencePair[], gudhi: Fixture['h0'], what: string): void {
  const a = sorted(ours);
  const b = reference(gudhi);
  expect(a.length, `${what}: bar count`).toBe(b.length);
  for (let x = 0; x < a.length; x++) {
    expect(Math.abs(a[x][0] - b[x][0]), `${what}: birth of bar ${x}`).toBeLessThanOrEqual(DIAGRAM_TOLERANCE);
    if (b[x][1] === Infinity) expect(a[x][1], `${what}: bar ${x} is infinite`).toBe(Infinity);
    else expect(Math.abs(a[x][1] - b[x][1]), `${what}: death of bar ${x}`).toBeLessThanOrEqual(DIAGRAM_TOLERANCE);
  }
}

function cloudOf(f: Fixture): { points: Float32Array; n: number; dim: number } {
  if (f.series) {
    const { points, n } = delayEmbedding(f.series, f.dimension!, f.delay!);
    return { points, n, dim: f.dimension! };
  }
  const dim = f.points[0].length;
  return { points: Float32Array.from(f.points.flat()), n: f.points.length, dim };
}

describe('Rips H0/H1 equal gudhi 3.7 on every fixture', () => {
  it('has at least 20 fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(20));

  for (const f of fixtures) {
    it(`cpu: ${f.name}`, () => {
      const cloud = cloudOf(f);
      expect([...cloud.points]).toEqual(f.points.flat());
      const d = ripsPersistence(pairwiseDistancesCpu(cloud.points, cloud.n, cloud.dim), cloud.n, f.threshold ?? Infinity);
      expectSameDiagram(d.h0, f.h0, 'H0');
      expectSameDiagram(d.h1, f.h1, 'H1');
    });
  }

  it('gpu: distances from the pairwise kernel (Dawn) give the same diagrams on every fixture', async () => {
    await withGpu(async (gpu) => {
      for (const f of fixtures) {
        const cloud = cloudOf(f);
        const { distances } = await pairwiseDistancesGpu(gpu, cloud.points, cloud.n, cloud.dim);
        const d = ripsPersistence(distances, cloud.n, f.threshold ?? Infinity);
        expectSameDiagram(d.h0, f.h0, `${f.name} H0`);
        expectSameDiagram(d.h1, f.h1, `${f.name} H1`);
      }
    });
  }, 120_000);
});

describe('Rips persistence limits', () => {
  it('a cloud over the size limit gets ShapeTooLargeError', () => {
    const n = RIPS_MAX_POINTS + 1;
    expect(() => ripsPersistence(new Float32Array(0), n)).toThrow(ShapeTooLargeError);
  });

  it('a negative or NaN threshold is rejected', () => {
    const d = pairwiseDistancesCpu(Float32Array.from([0, 1]), 2, 1);
    expect(() => ripsPersistence(d, 2, -1)).toThrow(/threshold/);
    expect(() => ripsPersistence(d, 2, NaN)).toThrow(/threshold/);
  });
});
