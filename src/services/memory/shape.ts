import { InvalidInputError, requireFiniteArray, requireInteger } from '../../errors';
import type { GpuContext } from '../../gpu/device';
import { pairwiseDistancesCpu, pairwiseDistancesGpu } from '../../kernels/memory-vector-search';

/**
 * Shape analysis as topology: 0-dimensional persistent homology of the Vietoris–Rips filtration of
 * a point cloud. Every point is born at scale 0; two components merge (one dies) at the length of
 * the edge that joins them in a minimum spanning tree, so the finite deaths are exactly the MST edge
 * lengths (Kruskal with union-find, elder rule), and one component never dies. Time series become
 * point clouds by a delay (Takens) embedding.
 */
export interface PersistencePair {
  birth: number;
  death: number;
}

export type ShapeInput =
  | { series: ArrayLike<number>; dimension?: number; delay?: number }
  | { points: ArrayLike<number>[] };

export interface ShapeOptions {
  /** Delay-embedding dimension for series (default 2). */
  dimension: number;
  /** Delay-embedding lag in samples (default 1). */
  delay: number;
  /** Most points a cloud may have (the distance matrix is n²). */
  maxPoints: number;
  /** Landscape levels (λ1..λL) and samples per level: the signature has levels · samples numbers. */
  levels: number;
  samples: number;
  /** Scale range [0, maxScale] the landscape samples. */
  maxScale: number;
}

export const DEFAULT_SHAPE_OPTIONS: ShapeOptions = { dimension: 2, delay: 1, maxPoints: 512, levels: 4, samples: 16, maxScale: 2 };

/** x_t → (x_t, x_{t+τ}, …, x_{t+(m−1)τ}), row-major. */
export function delayEmbedding(series: ArrayLike<number>, dimension: number, delay: number): { points: Float32Array; n: number } {
  requireInteger('dimension', dimension, 1, 64);
  requireInteger('delay', delay, 1, 1 << 20);
  requireFiniteArray('series', series);
  const n = series.length - (dimension - 1) * delay;
  if (n < 2) {
    throw new InvalidInputError(
      `a series of ${series.length} samples gives ${Math.max(0, n)} embedded points`,
      `pass at least ${(dimension - 1) * delay + 2} samples or lower dimension/delay`,
    );
  }
  const points = new Float32Array(n * dimension);
  for (let t = 0; t < n; t++) for (let c = 0; c < dimension; c++) points[t * dimension + c] = series[t + c * delay];
  return { points, n };
}

/** The point cloud of a shape input, validated. */
export function shapePointCloud(input: ShapeInput, options: ShapeOptions): { points: Float32Array; n: number; dim: number } {
  if (input === null || typeof input !== 'object') {
    throw new InvalidInputError(`shape is ${input === null ? 'null' : typeof input}`, 'pass { series: number[] } or { points: number[][] }');
  }
  let cloud: { points: Float32Array; n: number; dim: number };
  if ('series' in input) {
    const dim = input.dimension ?? options.dimension;
    cloud = { ...delayEmbedding(input.series, dim, input.delay ?? options.delay), dim };
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
  if (cloud.n > options.maxPoints) {
    throw new InvalidInputError(`the shape has ${cloud.n} points`, `at most ${options.maxPoints} points (maxPoints): subsample the series or raise the limit`);
  }
  return cloud;
}

/**
 * 0-dimensional persistence from an n × n distance matrix: Kruskal over the upper triangle with
 * union-find. Returns n − 1 finite pairs (0, d) by increasing death, then (0, ∞).
 */
export function persistence0(distances: Float32Array, n: number): PersistencePair[] {
  const m = (n * (n - 1)) / 2;
  const from = new Uint32Array(m);
  const to = new Uint32Array(m);
  const length = new Float32Array(m);
  let e = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, e++) {
      from[e] = i;
      to[e] = j;
      length[e] = distances[i * n + j];
    }
  }
  const order = new Uint32Array(m).map((_, i) => i).sort((a, b) => length[a] - length[b] || a - b);
  const parent = new Uint32Array(n).map((_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  const pairs: PersistencePair[] = [];
  for (let o = 0; o < m && pairs.length < n - 1; o++) {
    const edge = order[o];
    const a = find(from[edge]);
    const b = find(to[edge]);
    if (a === b) continue;
    parent[Math.max(a, b)] = Math.min(a, b);
    pairs.push({ birth: 0, death: length[edge] });
  }
  pairs.push({ birth: 0, death: Infinity });
  return pairs;
}

/** The diagram of a point cloud; pairwise distances on the GPU when a context is given. */
export async function persistenceDiagram(
  cloud: { points: Float32Array; n: number; dim: number },
  gpu: GpuContext | null,
): Promise<{ diagram: PersistencePair[]; path: 'gpu' | 'cpu' }> {
  const distances = gpu
    ? (await pairwiseDistancesGpu(gpu, cloud.points, cloud.n, cloud.dim)).distances
    : pairwiseDistancesCpu(cloud.points, cloud.n, cloud.dim);
  return { diagram: persistence0(distances, cloud.n), path: gpu ? 'gpu' : 'cpu' };
}

/**
 * A fixed-length signature: the persistence landscape (Bubenik 2015) λ1..λL sampled at S points of
 * [0, maxScale]. λk(t) is the k-th largest of the tents max(0, min(t − b, d − t)) over the finite
 * pairs; the one infinite bar is the same for every cloud and is left out.
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
