/**
 * `npm run eval -- shape [--gpu]`: shape recall. Every series of the test set is stored in a memory
 * service (the runtime's shape search: z-normalised delay embedding and five more views, among them the
 * period-folded template and its differences; Rips H0 + H1, landscapes and bar statistics: signature version 4), then each one queries it; precision@5 counts the five nearest others of its own class.
 * Baselines in the same run: Euclidean distance between the z-normalised series, and the H0-only
 * signature the service had before (signature version 1: raw series, dimension 2, delay 1, landscape of
 * H0 on [0, 2]). The signature's options were chosen on the validation seeds 1, 3 and 4
 * (eval/shape-tune.ts), never on this one.
 */
import 'fake-indexeddb/auto';
import { acquireGpu } from '../src/gpu/device';
import { MemoryService } from '../src/services/memory/memory-service';
import { pairwiseDistancesCpu } from '../src/kernels/memory-vector-search';
import { ripsPersistence } from '../src/services/memory/rips-persistence';
import { delayEmbedding, persistenceLandscape, zNormalize } from '../src/services/memory/shape';
import { precisionAtK, SHAPE_CLASSES, shapeSet, TEST_SEED, type LabelledSeries } from './shape-set';
import type { EvalOptions, EvalReport } from './types';

const K = 5;

/** Version 1's signature: H0 landscape λ1..λ4 × 16 samples on [0, 2] of the raw series embedded with dimension 2, delay 1. */
export function h0OnlySignature(series: ArrayLike<number>): Float32Array {
  const { points, n } = delayEmbedding(series, 2, 1);
  const { h0 } = ripsPersistence(pairwiseDistancesCpu(points, n, 2), n);
  return persistenceLandscape(h0, { levels: 4, samples: 16, maxScale: 2 });
}

const l2 = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
};

/** precision@5 of the memory service's own shape search (each series queries the store; itself dropped), overall and per class. */
export async function servicePrecision(set: readonly LabelledSeries[], memory: MemoryService): Promise<{ overall: number; byClass: Record<string, number> }> {
  await memory.storeMany(set.map((item, i) => ({ key: `s${i}`, data: item.label, shape: { series: item.series } })));
  let total = 0;
  const byClass: Record<string, number> = {};
  for (const [i, item] of set.entries()) {
    const { results } = await memory.queryShape({ series: item.series }, K + 1);
    const others = results.filter((r) => r.key !== `s${i}`).slice(0, K);
    const p = others.filter((r) => set[Number(r.key.slice(1))].label === item.label).length / K;
    total += p;
    byClass[item.label] = (byClass[item.label] ?? 0) + p / set.filter((s) => s.label === item.label).length;
  }
  return { overall: total / set.length, byClass };
}

export async function evaluate(options: EvalOptions): Promise<EvalReport> {
  const set = shapeSet(TEST_SEED);
  const gpu = options.gpu ? await acquireGpu() : undefined;
  const memory = await MemoryService.open({ name: `eval-shape-${Date.now()}`, dimension: 1, backend: options.gpu ? 'gpu' : 'cpu', gpu });
  const start = performance.now();
  const { overall: signature, byClass } = await servicePrecision(set, memory);
  const signatureMs = performance.now() - start;
  await memory.close();
  const z = set.map((s) => zNormalize(s.series));
  const euclidean = precisionAtK(set, (a, b) => l2(z[a], z[b]), K);
  const h0 = set.map((s) => h0OnlySignature(s.series));
  const h0Only = precisionAtK(set, (a, b) => l2(h0[a], h0[b]), K);
  const adapter = gpu ? `${gpu.adapter.vendor} ${gpu.adapter.architecture}`.trim() : '';
  gpu?.destroy();
  const machine = `2-core CPU machine, Node ${process.version}` + (options.gpu ? `, Dawn adapter ${adapter || 'unknown'}` : ', CPU path');
  const rows = [
    ['H0 + H1 signature, version 4 (memory service queryShape)', signature],
    ['Euclidean, z-normalised series', euclidean],
    ['H0-only signature (version 1)', h0Only],
  ] as const;
  const table = [
    `test set: seed ${TEST_SEED}, ${set.length} series of 200 samples, ${SHAPE_CLASSES.length} classes × ${set.length / SHAPE_CLASSES.length} (${SHAPE_CLASSES.join(', ')})`,
    '',
    '| method | precision@5 |',
    '|---|---|',
    ...rows.map(([name, p]) => `| ${name} | ${p.toFixed(3)} |`),
    '',
    `signature by class: ${Object.entries(byClass).map(([c, p]) => `${c} ${p.toFixed(2)}`).join(', ')}`,
    `signature path: ${options.gpu ? 'gpu (pairwise distances on Dawn)' : 'cpu'}; store + ${set.length} queries ${(signatureMs / 1000).toFixed(1)} s`,
  ].join('\n');
  return { machine, table, seed: TEST_SEED, items: set.length, k: K, precision: { signature, euclidean, h0Only }, signatureByClass: byClass, signatureMs };
}
