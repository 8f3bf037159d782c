/**
 * `npx vite-node eval/shape-tune.ts`: picks the shape signature's options on the VALIDATION seed's set
 * (never the test seed's): precision@5 for each combination of smoothing, landscape levels, scale range,
 * H0 weight and statistics weight over the diagrams of every view (main delay embedding, half delay,
 * phase portrait, values); prints the best few and the defaults' figure. The chosen values are the
 * defaults in src/services/memory/shape.ts (DEFAULT_SHAPE_OPTIONS).
 */
import { DEFAULT_SHAPE_OPTIONS, persistenceDiagram, shapePointCloud } from '../src/services/memory/shape';
import { shapeSignature } from '../src/services/memory/shape-signature';
import { precisionAtK, shapeSet, VALIDATION_SEED } from './shape-set';

const set = shapeSet(VALIDATION_SEED);
const results: Array<{ p: number; o: Record<string, number> }> = [];
for (const smooth of [1, 2]) {
  const diagrams = [];
  for (const { series } of set) diagrams.push((await persistenceDiagram(shapePointCloud({ series }, { ...DEFAULT_SHAPE_OPTIONS, smooth }), null)).diagram);
  console.error(`smooth ${smooth}: diagrams done`);
  for (const levels of [4, 8])
    for (const maxScale of [3, 4])
      for (const h0Weight of [0.5, 1])
        for (const statsWeight of [0, 1, 3]) {
          const o = { levels, samples: 16, maxScale, h0Weight, statsWeight };
          const sigs = diagrams.map((d) => shapeSignature(d, o));
          const n = sigs.length;
          const table = new Float64Array(n * n);
          for (let a = 0; a < n; a++)
            for (let b = a + 1; b < n; b++) {
              let s = 0;
              for (let i = 0; i < sigs[a].length; i++) s += (sigs[a][i] - sigs[b][i]) ** 2;
              table[a * n + b] = table[b * n + a] = s;
            }
          results.push({ p: precisionAtK(set, (a, b) => table[a * n + b], 5), o: { smooth, ...o } });
        }
}
results.sort((a, b) => b.p - a.p);
for (const r of results.slice(0, 12)) console.log(r.p.toFixed(3), JSON.stringify(r.o));
const d = DEFAULT_SHAPE_OPTIONS;
const chosen = { smooth: d.smooth, levels: d.levels, samples: d.samples, maxScale: d.maxScale, h0Weight: d.h0Weight, statsWeight: d.statsWeight };
console.log('defaults', JSON.stringify(results.find((r) => Object.entries(chosen).every(([k, v]) => r.o[k] === v))));
process.exit(0);
