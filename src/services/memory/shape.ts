import { InvalidInputError, requireFiniteArray, requireInteger, requireNumberInRange } from '../../errors';
import type { GpuContext } from '../../gpu/device';
import { pairwiseDistancesCpu, pairwiseDistancesGpu } from '../../kernels/memory-vector-search';
import { RIPS_MAX_POINTS, requireRipsSize } from './rips-filtration';
import { ripsPersistence, type PersistencePair, type RipsDiagram } from './rips-persistence';
import { autoDelay, delayEmbedding, movingAverage, zNormalize } from './shape-series';
import { seriesViews, type ShapeCloud } from './shape-views';

/**
 * Shape analysis as topology: the persistent homology (H0 and H1) of the Vietoris–Rips filtration of a
 * point cloud (`rips-persistence.ts`, Ripser's method), and a fixed-length signature of it
 * (`shape-signature.ts`). Time series become point clouds by a delay (Takens) embedding, smoothed
 * (5-sample moving average) and z-normalised first, with the delay read off the autocorrelation, so a
 * rhythm's loop is round whatever its amplitude, offset or period; five more views of the series
 * (`shape-views.ts`) travel with the cloud for the signature.
 */
export type { PersistencePair } from './rips-persistence';
export { autoDelay, delayEmbedding, movingAverage, zNormalize } from './shape-series';
export type { ShapeCloud } from './shape-views';

/** A point cloud to analyse; a series' cloud carries its extra views (`shape-views.ts`) for the signature. */
export type ShapeInputCloud = ShapeCloud & { views?: ShapeCloud[] };

/** A diagram with the diagrams of the cloud's extra views (absent for a plain point cloud), each with its view's weight. */
export type ShapeDiagram = RipsDiagram & { views?: Array<RipsDiagram & { weight?: number }> };

export type ShapeInput =
  | { series: ArrayLike<number>; dimension?: number; delay?: number | 'auto' }
  | { points: ArrayLike<number>[] };

export interface ShapeOptions {
  /** Delay-embedding dimension for series (default 2). */
  dimension: number;
  /** Delay-embedding lag in samples, or 'auto' (default): the first zero of the autocorrelation. */
  delay: number | 'auto';
  /** Z-normalise a series before embedding it (default true). */
  normalize: boolean;
  /** Half-width of the centred moving average a series is smoothed with first (default 2: 5 samples; 0: none). */
  smooth: number;
  /** Most points a cloud may have (the distance matrix is n²; at most 2048). */
  maxPoints: number;
  /** Largest scale of the Rips filtration (gudhi's max_edge_length; default Infinity). */
  threshold: number;
  /** Landscape levels (λ1..λL) and samples per level, per dimension: the signature has 2 · levels · samples numbers. */
  levels: number;
  samples: number;
  /** Scale range [0, maxScale] the landscapes sample. */
  maxScale: number;
  /** Weight of the H0 landscape against the H1 landscape (1) in the signature. */
  h0Weight: number;
  /** Weight of the bars' summary statistics (shape-signature.ts) against the landscapes (1). */
  statsWeight: number;
}

export const DEFAULT_SHAPE_OPTIONS: ShapeOptions = {
  dimension: 2,
  delay: 'auto',
  normalize: true,
  smooth: 2,
  maxPoints: 512,
  threshold: Infinity,
  levels: 4,
  samples: 16,
  maxScale: 3,
  h0Weight: 0.5,
  statsWeight: 1,
};

/** The point cloud of a shape input, validated. */
export function shapePointCloud(input: ShapeInput, options: ShapeOptions): ShapeInputCloud {
  if (input === null || typeof input !== 'object') {
    throw new InvalidInputError(`shape is ${input === null ? 'null' : typeof input}`, 'pass { series: number[] } or { points: number[][] }');
  }
  let cloud: ShapeInputCloud;
  if ('series' in input) {
    const dim = input.dimension ?? options.dimension;
    requireInteger('dimension', dim, 1, 64);
    requireFiniteArray('series', input.series);
    // The values view has a point per sample: checked before any O(n²) work (the delay, the period search).
    requireRipsSize(input.series.length, options.maxPoints);
    const smoothed = options.smooth > 0 ? movingAverage(input.series, options.smooth) : input.series;
    const series = options.normalize ? zNormalize(smoothed) : smoothed;
    const delayOption = input.delay ?? options.delay;
    const delay = delayOption === 'auto' ? autoDelay(series, dim) : delayOption;
    cloud = { ...delayEmbedding(series, dim, delay), dim, views: seriesViews(input.series, series, delay) };
  } else if ('points' in input && Array.isArray(input.points)) {
    const n = input.points.length;
    const dim = n > 0 ? input.points[0].length : 0;
    if (n < 1 || !(dim >= 1)) throw new InvalidInputError(`points has ${n} points of ${dim} dimensions`, 'pass at least one point of at least one coordinate');
    const points = new Float32Array(n * dim);
    input.points.forEach((p, i) => {
      if (p.length !== dim) throw new InvalidInputError(`points[${i}] has ${p.length} coordinates, points[0] has ${dim}`, 'give every point the same dimension');
      requireFiniteArray(`points[${i}]`, p);
      points.set(p, i * dim);
    });
    cloud = { points, n, dim };
  } else {
    throw new InvalidInputError('shape has neither series nor points', 'pass { series: number[] } or { points: number[][] }');
  }
  for (const view of [cloud, ...(cloud.views ?? [])]) requireRipsSize(view.n, options.maxPoints);
  return cloud;
}

/**
 * H0 and H1 of a point cloud, and of each of its views; pairwise distances on the GPU (the pairwise
 * kernel) when a context is given. `distanceMs` is the main cloud's.
 */
export async function persistenceDiagram(
  cloud: ShapeInputCloud,
  gpu: GpuContext | null,
  threshold = Infinity,
): Promise<{ diagram: ShapeDiagram; path: 'gpu' | 'cpu'; distanceMs: number }> {
  const { diagram, distanceMs } = await cloudDiagram(cloud, gpu, threshold);
  if (!cloud.views) return { diagram, path: gpu ? 'gpu' : 'cpu', distanceMs };
  const views: Array<RipsDiagram & { weight?: number }> = [];
  for (const view of cloud.views) {
    const viewDiagram = (await cloudDiagram(view, gpu, threshold)).diagram;
    views.push(view.weight === undefined ? viewDiagram : { ...viewDiagram, weight: view.weight });
  }
  return { diagram: { ...diagram, views }, path: gpu ? 'gpu' : 'cpu', distanceMs };
}

async function cloudDiagram(cloud: ShapeCloud, gpu: GpuContext | null, threshold: number): Promise<{ diagram: RipsDiagram; distanceMs: number }> {
  requireRipsSize(cloud.n);
  const start = performance.now();
  const distances = gpu
    ? (await pairwiseDistancesGpu(gpu, cloud.points, cloud.n, cloud.dim)).distances
    : pairwiseDistancesCpu(cloud.points, cloud.n, cloud.dim);
  const distanceMs = performance.now() - start;
  return { diagram: ripsPersistence(distances, cloud.n, threshold), distanceMs };
}

/**
 * A fixed-length signature: the persistence landscape (Bubenik 2015) λ1..λL sampled at S points of
 * [0, maxScale]. λk(t) is the k-th largest of the tents max(0, min(t − b, d − t)) over the finite
 * pairs; infinite bars (H0's one component, classes alive at the threshold) are left out.
 */
export function persistenceLandscape(diagram: readonly PersistencePair[], options: Pick<ShapeOptions, 'levels' | 'samples' | 'maxScale'>): Float32Array {
  const { levels, samples, maxScale } = options;
  const out = new Float32Array(levels * samples);
  const tents = new Float64Array(diagram.length);
  for (let s = 0; s < samples; s++) {
    const t = samples === 1 ? 0 : (maxScale * s) / (samples - 1);
    let count = 0;
    for (const { birth, death } of diagram) {
      if (!Number.isFinite(death)) continue;
      const h = Math.min(t - birth, death - t);
      if (h > 0) tents[count++] = h;
    }
    const top = tents.subarray(0, count).sort().reverse();
    for (let k = 0; k < levels && k < count; k++) out[k * samples + s] = top[k];
  }
  return out;
}

/** Checks the shape options once, at open. */
export function requireShapeOptions(options: ShapeOptions): ShapeOptions {
  requireInteger('shape.dimension', options.dimension, 1, 64);
  if (options.delay !== 'auto') requireInteger('shape.delay', options.delay, 1, 1 << 20);
  requireInteger('shape.maxPoints', options.maxPoints, 1, RIPS_MAX_POINTS);
  requireInteger('shape.smooth', options.smooth, 0, 1 << 16);
  requireInteger('shape.levels', options.levels, 1, 64);
  requireInteger('shape.samples', options.samples, 1, 4096);
  requireNumberInRange('shape.maxScale', options.maxScale, Number.MIN_VALUE, Number.MAX_VALUE);
  requireNumberInRange('shape.h0Weight', options.h0Weight, 0, Number.MAX_VALUE);
  requireNumberInRange('shape.statsWeight', options.statsWeight, 0, Number.MAX_VALUE);
  if (!(options.threshold >= 0)) throw new InvalidInputError(`shape.threshold is ${options.threshold}`, 'pass a maximum edge length ≥ 0, or Infinity');
  return options;
}
