/**
 * A labelled set of time series by shape class, generated from a seed (mulberry32), so the validation
 * set (tuning) and the test set (the reported figure) are different draws of the same distribution.
 * Every class varies period, phase, amplitude, offset and noise where it has them.
 */
import { seededRandom } from '../src/services/consensus/simulator';

export const SHAPE_CLASSES = ['sine', 'square', 'sawtooth', 'triangle', 'random-walk', 'trend', 'chirp', 'burst'] as const;
export type ShapeClass = (typeof SHAPE_CLASSES)[number];

export interface LabelledSeries {
  label: ShapeClass;
  series: Float64Array;
}

export const VALIDATION_SEED = 1;
export const TEST_SEED = 2;

export function shapeSet(seed: number, perClass = 12, length = 200): LabelledSeries[] {
  const rand = seededRandom(0x5eed0000 + seed);
  const uniform = (a: number, b: number) => a + (b - a) * rand();
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const out: LabelledSeries[] = [];
  for (const label of SHAPE_CLASSES) {
    for (let s = 0; s < perClass; s++) {
      const amplitude = uniform(0.5, 5);
      const offset = uniform(-3, 3);
      const noise = uniform(0, 0.25);
      const period = uniform(16, 60);
      const phase = uniform(0, 1);
      const x = new Float64Array(length);
      const wave = (t: number) => ((t / period + phase) % 1 + 1) % 1; // position in the cycle, [0, 1)
      let walk = 0;
      const slope = uniform(0.5, 3) * (rand() < 0.5 ? -1 : 1);
      const f0 = uniform(1 / 60, 1 / 30);
      const f1 = f0 * uniform(3, 5);
      const bursts = Array.from({ length: 2 + Math.floor(rand() * 3) }, () => ({ at: uniform(10, length - 10), width: uniform(2, 6), height: uniform(2, 5) * (rand() < 0.5 ? -1 : 1) }));
      for (let t = 0; t < length; t++) {
        let v: number;
        switch (label) {
          case 'sine': v = Math.sin(2 * Math.PI * wave(t)); break;
          case 'square': v = wave(t) < 0.5 ? 1 : -1; break;
          case 'sawtooth': v = 2 * wave(t) - 1; break;
          case 'triangle': v = 1 - 4 * Math.abs(wave(t) - 0.5); break;
          case 'random-walk': v = walk += normal() * 0.3; break;
          case 'trend': v = (slope * t) / length; break;
          case 'chirp': v = Math.sin(2 * Math.PI * (f0 * t + ((f1 - f0) * t * t) / (2 * length)) + 2 * Math.PI * phase); break;
          case 'burst': v = bursts.reduce((sum, b) => sum + b.height * Math.exp(-(((t - b.at) / b.width) ** 2)), 0); break;
        }
        x[t] = offset + amplitude * (v + noise * normal());
      }
      out.push({ label, series: x });
    }
  }
  return out;
}

/** Mean over queries (those of class `only`, when given) of the fraction of the k nearest others (by `distance`) that share the query's class. */
export function precisionAtK(items: readonly { label: string }[], distance: (a: number, b: number) => number, k = 5, only = ''): number {
  let total = 0;
  let queries = 0;
  for (let q = 0; q < items.length; q++) {
    if (only && items[q].label !== only) continue;
    const others = items.map((_, i) => i).filter((i) => i !== q);
    others.sort((a, b) => distance(q, a) - distance(q, b) || a - b);
    total += others.slice(0, k).filter((i) => items[i].label === items[q].label).length / k;
    queries++;
  }
  return queries ? total / queries : 0;
}
