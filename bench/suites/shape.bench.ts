import type { BenchContext, BenchSuite } from '../types';
import { pairwiseDistancesCpu, pairwiseDistancesGpu } from '../../src/kernels/memory-vector-search';
import { ripsPersistence } from '../../src/services/memory/rips-persistence';
import { DEFAULT_SHAPE_OPTIONS, delayEmbedding, persistenceDiagram, shapePointCloud } from '../../src/services/memory/shape';
import { shapeSignature } from '../../src/services/memory/shape-signature';
import { seededRandom } from '../../src/services/consensus/simulator';
import { median } from '../stats';

/** A noisy sine's 3-dimensional delay embedding of n points (delay a quarter of its period 50). */
function noisySineCloud(n: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const series = Array.from({ length: n + 2 * 12 }, (_, t) => Math.sin((2 * Math.PI * t) / 50) + 0.3 * (rand() - 0.5));
  return delayEmbedding(series, 3, 12).points;
}

/**
 * Rips H0 + H1 (Ripser's method, CPU) on delay embeddings, with the distance time of both paths beside it.
 * The persistence step is single-threaded JS: its CPU time (process.cpuUsage) is reported beside the
 * wall time, because on a machine shared with other work the wall time counts their share too.
 */
async function ripsTimes(ctx: BenchContext): Promise<void> {
  const reps = ctx.size === 'small' ? 1 : 5;
  if (ctx.size === 'small') ctx.log('size small: one timed run per size after one warm-up; --size full takes the median of 5');
  for (const n of [500, 1000]) {
    const points = noisySineCloud(n, n);
    await pairwiseDistancesGpu(ctx.gpu, points, n, 3); // compiles the pipeline
    ripsPersistence(pairwiseDistancesCpu(points, n, 3), n); // warms the JIT
    const cpuDistanceMs: number[] = [];
    const gpuDistanceMs: number[] = [];
    const persistenceMs: number[] = [];
    const persistenceCpuMs: number[] = [];
    let bars = { h0: 0, h1: 0, longestH1: 0 };
    for (let r = 0; r < reps; r++) {
      const g0 = performance.now();
      await pairwiseDistancesGpu(ctx.gpu, points, n, 3);
      gpuDistanceMs.push(performance.now() - g0);
      const c0 = performance.now();
      const distances = pairwiseDistancesCpu(points, n, 3);
      cpuDistanceMs.push(performance.now() - c0);
      const p0 = performance.now();
      const u0 = process.cpuUsage();
      const d = ripsPersistence(distances, n);
      const u = process.cpuUsage(u0);
      persistenceMs.push(performance.now() - p0);
      persistenceCpuMs.push((u.user + u.system) / 1000);
      bars = { h0: d.h0.length, h1: d.h1.length, longestH1: Math.max(...d.h1.map((b) => b.death - b.birth)) };
    }
    const row = { points: n, cpuDistanceMs: median(cpuDistanceMs), gpuDistanceMs: median(gpuDistanceMs), persistenceMs: median(persistenceMs), persistenceCpuMs: median(persistenceCpuMs), reps, ...bars };
    ctx.record(`rips-${n}`, row);
    ctx.log(
      `Rips H0+H1 of ${n} points (noisy sine, dimension 3): persistence ${row.persistenceMs.toFixed(0)} ms wall, ${row.persistenceCpuMs.toFixed(0)} ms of CPU time (the process's, so other work on a shared machine is left out); distances CPU ${row.cpuDistanceMs.toFixed(1)} ms, ` +
        `GPU ${row.gpuDistanceMs.toFixed(1)} ms (kernel + read-back of n²); ${bars.h0} H0 and ${bars.h1} H1 bars, longest H1 ${bars.longestH1.toFixed(3)}`,
    );
  }
}

/** The whole signature of a series (version 4: six views, each a Rips H0 + H1, and the template's period search), as the memory service computes it on the CPU path. */
async function signatureTimes(ctx: BenchContext): Promise<void> {
  for (const length of [200, 500]) {
    const rand = seededRandom(length);
    const series = Array.from({ length }, (_, t) => Math.sin((2 * Math.PI * t) / 50) + 0.3 * (rand() - 0.5));
    const options = { ...DEFAULT_SHAPE_OPTIONS, maxPoints: 2048 };
    const run = async () => shapeSignature((await persistenceDiagram(shapePointCloud({ series }, options), null)).diagram, options);
    await run(); // warms the JIT
    const p0 = performance.now();
    const u0 = process.cpuUsage();
    await run();
    const u = process.cpuUsage(u0);
    const row = { samples: length, signatureMs: performance.now() - p0, signatureCpuMs: (u.user + u.system) / 1000 };
    ctx.record(`signature-${length}`, row);
    ctx.log(`signature of a ${length}-sample noisy sine (6 views, CPU path): ${row.signatureMs.toFixed(0)} ms wall, ${row.signatureCpuMs.toFixed(0)} ms of CPU time`);
  }
}

export const suite: BenchSuite = {
  name: 'shape',
  hosts: ['node'],
  async run(ctx) {
    const a = ctx.gpu.adapter;
    ctx.log(`adapter ${a.vendor} ${a.architecture}${a.isFallback ? ' (fallback: SwiftShader on the CPU)' : ''}, host ${ctx.host}`);
    await ripsTimes(ctx);
    await signatureTimes(ctx);
  },
};
