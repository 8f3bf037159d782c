import { InvalidInputError } from '../../errors';
import { ShapeTooLargeError } from './errors';

/**
 * The Vietoris–Rips filtration of a finite metric space up to triangles, in the form Ripser reduces it
 * (Bauer 2021): every edge gets the rank of its length among the distinct lengths, so a simplex's
 * filtration value is the largest rank of its edges and every comparison is between integers. Simplices
 * are named by their combinatorial (colexicographic) index: edge {i > j} ↦ C(i,2) + j, triangle
 * {a > b > c} ↦ C(a,3) + C(b,2) + c. The total order within a dimension is (rank ascending, index
 * descending), Ripser's; faces precede cofaces of equal value, so it refines the filtration (and the
 * diagram does not depend on the tie-break).
 */

/** The most points a cloud may have: triangle indices stay below 2³¹ and (rank, index) keys below 2⁵³. */
export const RIPS_MAX_POINTS = 2048;

/** An edge longer than the threshold is not in the complex. */
export const NOT_IN_COMPLEX = 0xffffffff;

const EDGE_INDEX_BITS = 2 ** 21;

export interface RipsFiltration {
  n: number;
  /** rank[i·n + j]: the edge's rank (0 = shortest length), NOT_IN_COMPLEX beyond the threshold. */
  rank: Uint32Array;
  /** lengths[r]: the length (f32 distance) of rank r. */
  lengths: Float64Array;
  /** The edges of the complex in filtration order: endpoints (i > j) and rank. */
  edgeHigh: Uint32Array;
  edgeLow: Uint32Array;
  edgeRank: Uint32Array;
  /** The scale the complex was cut at: min(threshold, enclosing radius). */
  cut: number;
  /** Whether the cut is the caller's threshold (else the enclosing radius, beyond which nothing changes). */
  cutByThreshold: boolean;
}

/** C(x, 2) and C(x, 3) for x ≤ n, as exact doubles. */
export function binomialTables(n: number): { c2: Float64Array; c3: Float64Array } {
  const c2 = new Float64Array(n + 1);
  const c3 = new Float64Array(n + 1);
  for (let x = 0; x <= n; x++) {
    c2[x] = (x * (x - 1)) / 2;
    c3[x] = (x * (x - 1) * (x - 2)) / 6;
  }
  return { c2, c3 };
}

/**
 * The radius of the smallest ball around a point that holds the whole cloud: min_i max_j d(i, j). At
 * that scale the complex is a cone over the centre, so every class but one H0 class is dead: cutting
 * there (Ripser's default) changes no bar.
 */
export function enclosingRadius(distances: Float32Array, n: number): number {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    let far = 0;
    for (let j = 0; j < n; j++) far = Math.max(far, distances[i * n + j]);
    best = Math.min(best, far);
  }
  return n > 0 ? best : 0;
}

/** Checks a cloud's size against the limit (the cost is n² memory and up to n³ work). */
export function requireRipsSize(n: number, maxPoints = RIPS_MAX_POINTS): void {
  if (!Number.isInteger(n) || n < 1) throw new InvalidInputError(`the cloud has ${n} points`, 'pass at least one point');
  const limit = Math.min(maxPoints, RIPS_MAX_POINTS);
  if (n > limit) throw new ShapeTooLargeError(n, limit);
}

/**
 * Builds the filtration from an n × n distance matrix (row-major, symmetric; the pairwise kernel's
 * output). `threshold` is gudhi's `max_edge_length`: edges of length ≤ threshold are in the complex.
 */
export function ripsFiltration(distances: Float32Array, n: number, threshold = Infinity): RipsFiltration {
  requireRipsSize(n);
  if (distances.length < n * n) throw new InvalidInputError(`the distance matrix has ${distances.length} entries`, `pass n × n = ${n * n} distances`);
  if (!(threshold >= 0)) throw new InvalidInputError(`threshold is ${threshold}`, 'pass a maximum edge length ≥ 0 (Infinity for the whole filtration)');
  const radius = enclosingRadius(distances, n);
  const cutByThreshold = threshold < radius;
  const cut = cutByThreshold ? threshold : radius;
  // Sort the edges of the complex by (length, index descending) through one packed key each: the f32
  // bits of a length ≥ 0 order like the length, and 2³² · 2²¹ keys are exact doubles.
  const f32 = new Float32Array(1);
  const bits = new Uint32Array(f32.buffer);
  const keys = new Float64Array((n * (n - 1)) / 2);
  let m = 0;
  for (let i = 1; i < n; i++) {
    const base = (i * (i - 1)) / 2;
    for (let j = 0; j < i; j++) {
      const d = distances[i * n + j];
      if (!(d <= cut)) continue;
      f32[0] = d;
      keys[m++] = bits[0] * EDGE_INDEX_BITS + (EDGE_INDEX_BITS - 1 - (base + j));
    }
  }
  const sorted = keys.subarray(0, m).sort();
  const rank = new Uint32Array(n * n).fill(NOT_IN_COMPLEX);
  for (let i = 0; i < n; i++) rank[i * n + i] = 0;
  const edgeHigh = new Uint32Array(m);
  const edgeLow = new Uint32Array(m);
  const edgeRank = new Uint32Array(m);
  const lengths: number[] = [];
  const highOf = edgeHighFromIndex(n);
  let lastBits = -1;
  for (let e = 0; e < m; e++) {
    const key = sorted[e];
    const lengthBits = Math.floor(key / EDGE_INDEX_BITS);
    const index = EDGE_INDEX_BITS - 1 - (key - lengthBits * EDGE_INDEX_BITS);
    if (lengthBits !== lastBits) {
      bits[0] = lengthBits;
      lengths.push(f32[0]);
      lastBits = lengthBits;
    }
    const i = highOf(index);
    const j = index - (i * (i - 1)) / 2;
    const r = lengths.length - 1;
    edgeHigh[e] = i;
    edgeLow[e] = j;
    edgeRank[e] = r;
    rank[i * n + j] = rank[j * n + i] = r;
  }
  return { n, rank, lengths: Float64Array.from(lengths), edgeHigh, edgeLow, edgeRank, cut, cutByThreshold };
}

/** The larger vertex i of the edge with colex index C(i,2) + j (j < i). */
function edgeHighFromIndex(n: number): (index: number) => number {
  return (index) => {
    let i = Math.floor((1 + Math.sqrt(1 + 8 * index)) / 2);
    while ((i * (i - 1)) / 2 > index) i--;
    while (((i + 1) * i) / 2 <= index) i++;
    return Math.min(i, n - 1);
  };
}
