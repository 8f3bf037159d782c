/**
 * `npx vite-node eval/shape-tune.ts`: picks the shape signature's options on the VALIDATION seed's set
 * (never the test seed's): precision@5 for each combination of embedding dimension, smoothing, H0 weight,
 * landscape levels, samples and scale range; prints the best few. The chosen values are the defaults
 * in src/services/memory/shape.ts (DEFAULT_SHAPE_OPTIONS).
 */
import { pairwiseDistancesCpu } from '../src/kernels/memory-vector-search';
import { ripsPersistence } from '../src/services/memory/rips-persistence';
import { DEFAULT_SHAPE_OPTIONS, shapePointCloud } from '../src/services/memory/shape';
import { shapeSignature } from '../src/services/memory/shape-signature';
import { precisionAtK, shapeSet, VALIDATION_SEED } from './shape-set';

const set = shapeSet(VALIDATION_SEED);
const results: Array<{ p: number; o: Record<string, number> }> = [];
for (const [dimension, smooth] of [[2, 0], [3, 0], [2, 1], [2, 2], [2, 4]]) {
  const diagrams = set.map(({ series }) => {
    const cloud = shapePointCloud({ series, dimension }, { ...DEFAULT_SHAPE_OPTIONS, smooth });
    return ripsPersistence(pairwiseDistancesCpu(cloud.points, cloud.n, cloud.dim), cloud.n);
  });
  console.error(`dimension ${dimension}, smooth ${smooth}: diagrams done`);
  for (const h0Weight of [0, 1, 4])
    for (const levels of [2, 4, 8])
      for (const samples of [16])
        for (const maxScale of [3, 4, 5]) {
          const o = { levels, samples, maxScale, h0Weight };
          const sigs = diagrams.map((d) => shapeSignature(d, o));
          const n = sigs.length;
          const table = new Float64Array(n * n);
          for (let a = 0; a < n; a++)
            for (let b = a + 1; b < n; b++) {
              let s = 0;
              for (let i = 0; i < sigs[a].length; i++) s += (sigs[a][i] - sigs[b][i]) ** 2;
              table[a * n + b] = table[b * n + a] = s;
            }
          const dist = (a: number, b: number) => table[a * n + b];
          results.push({ p: precisionAtK(set, dist, 5), o: { dimension, smooth, ...o } });
        }
}
results.sort((a, b) => b.p - a.p);
for (const r of results.slice(0, 12)) console.log(r.p.toFixed(3), JSON.stringify(r.o));
console.log('defaults', JSON.stringify(results.find((r) => Object.entries({ dimension: DEFAULT_SHAPE_OPTIONS.dimension, smooth: DEFAULT_SHAPE_OPTIONS.smooth, levels: DEFAULT_SHAPE_OPTIONS.levels, samples: DEFAULT_SHAPE_OPTIONS.samples, maxScale: DEFAULT_SHAPE_OPTIONS.maxScale, h0Weight: DEFAULT_SHAPE_OPTIONS.h0Weight }).every(([k, v]) => r.o[k] === v))));
process.exit(0);
