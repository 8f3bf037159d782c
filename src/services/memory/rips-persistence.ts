import { binomialTables, NOT_IN_COMPLEX, ripsFiltration, type RipsFiltration } from './rips-filtration';
import { KeyHeap } from './key-heap';

/**
 * Persistent homology of the Vietoris–Rips filtration in dimensions 0 and 1, exact, by Ripser's method
 * (Bauer, "Ripser: efficient computation of Vietoris–Rips persistence barcodes", 2021), over Z/2:
 *
 * - H0 by union-find over the edges in filtration order: an edge that joins two components kills one
 *   (a bar [0, length)); one that does not is a cycle-creating edge, a column of the H1 reduction.
 * - H1 by reducing the coboundary matrix of those edges (persistent cohomology), columns in reverse
 *   filtration order. The edges that killed an H0 class have zero reduced columns and are skipped
 *   (clearing). A column whose first coface has its own value and is no column's pivot yet is an
 *   emergent (apparent) pair: paired at once, with zero length, without building the column.
 *   Otherwise the column's cofaces go into a heap and earlier columns with the same pivot are added
 *   (stored as the reduction matrix V, Ripser's way) until the pivot is new (a bar [edge, triangle))
 *   or the column is zero (an essential class: a bar [edge, ∞), possible only below the threshold).
 *
 * Conventions are gudhi's (RipsComplex + persistence() defaults): bars of zero length are dropped,
 * every connected component left at the end is an infinite H0 bar [0, ∞), edges of length exactly
 * the threshold are in the complex. Values are the f32 distances the kernel computed.
 */
export interface PersistencePair {
  birth: number;
  death: number;
}

export interface RipsDiagram {
  /** Finite bars by increasing death, then one [0, ∞) per component. */
  h0: PersistencePair[];
  /** In the order found (by decreasing birth); infinite deaths only when a threshold cut the complex. */
  h1: PersistencePair[];
  /** The scale the complex was cut at (the threshold, or the enclosing radius where that is smaller). */
  cut: number;
}

const TRIANGLE_INDEX_BITS = 2 ** 31;

/** H0 and H1 of the Rips filtration of an n × n distance matrix, up to `threshold` (max edge length). */
export function ripsPersistence(distances: Float32Array, n: number, threshold = Infinity): RipsDiagram {
  const filtration = ripsFiltration(distances, n, threshold);
  const { h0, columns } = componentsAndCycleEdges(filtration);
  const h1 = reduceCoboundaries(filtration, columns);
  return { h0, h1, cut: filtration.cut };
}

/** Union-find over the edges in filtration order: H0's bars, and the edges that close a cycle. */
function componentsAndCycleEdges(f: RipsFiltration): { h0: PersistencePair[]; columns: Uint32Array } {
  const parent = new Uint32Array(f.n).map((_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  const h0: PersistencePair[] = [];
  const columns = new Uint32Array(f.edgeRank.length);
  let count = 0;
  for (let e = 0; e < f.edgeRank.length; e++) {
    const a = find(f.edgeHigh[e]);
    const b = find(f.edgeLow[e]);
    if (a === b) {
      columns[count++] = e;
      continue;
    }
    parent[Math.max(a, b)] = Math.min(a, b);
    const length = f.lengths[f.edgeRank[e]];
    if (length > 0) h0.push({ birth: 0, death: length });
  }
  for (let v = 0; v < f.n; v++) if (find(v) === v) h0.push({ birth: 0, death: Infinity });
  return { h0, columns: columns.subarray(0, count) };
}

/** Persistent cohomology in dimension 1 with clearing and emergent pairs. */
function reduceCoboundaries(f: RipsFiltration, columns: Uint32Array): PersistencePair[] {
  const { n, rank, lengths, edgeHigh, edgeLow, edgeRank } = f;
  const { c2, c3 } = binomialTables(n);
  const triangleIndex = (a: number, b: number, c: number): number => {
    // Sort a > b > c, then the colex index.
    let t: number;
    if (a < b) (t = a), (a = b), (b = t);
    if (b < c) (t = b), (b = c), (c = t);
    if (a < b) (t = a), (a = b), (b = t);
    return c3[a] + c2[b] + c;
  };
  /** Pivot key order: smaller rank first, then larger index first (Ripser's filtration order). */
  const keyOf = (r: number, index: number) => r * TRIANGLE_INDEX_BITS + (TRIANGLE_INDEX_BITS - 1 - index);
  const pushCofaces = (heap: KeyHeap, edge: number): void => {
    const i = edgeHigh[edge];
    const j = edgeLow[edge];
    const r = edgeRank[edge];
    const rowI = i * n;
    const rowJ = j * n;
    for (let k = n - 1; k >= 0; k--) {
      if (k === i || k === j) continue;
      const ri = rank[rowI + k];
      const rj = rank[rowJ + k];
      if (ri === NOT_IN_COMPLEX || rj === NOT_IN_COMPLEX) continue;
      heap.push(keyOf(Math.max(r, ri, rj), triangleIndex(i, j, k)));
    }
  };

  const pivotOwner = new Map<number, number>(); // triangle index → column (position in `columns`)
  const reduction: Array<Uint32Array | undefined> = new Array(columns.length); // V: columns added, mod 2
  const heap = new KeyHeap();
  const bars: PersistencePair[] = [];
  const added: number[] = [];
  for (let c = columns.length - 1; c >= 0; c--) {
    const edge = columns[c];
    const i = edgeHigh[edge];
    const j = edgeLow[edge];
    const r = edgeRank[edge];
    // Emergent pair: the first coface is the one of value r with the largest index, found scanning
    // k downwards (the triangle index grows with k).
    const emergent = firstCofaceOfValue(rank, n, i, j, r);
    if (emergent >= 0) {
      const index = triangleIndex(i, j, emergent);
      if (!pivotOwner.has(index)) {
        pivotOwner.set(index, c);
        continue;
      }
    }
    heap.clear();
    added.length = 0;
    pushCofaces(heap, edge);
    for (;;) {
      const pivot = heap.pivot();
      if (pivot < 0) {
        bars.push({ birth: lengths[r], death: Infinity });
        break;
      }
      const pivotRank = Math.floor(pivot / TRIANGLE_INDEX_BITS);
      const index = TRIANGLE_INDEX_BITS - 1 - (pivot - pivotRank * TRIANGLE_INDEX_BITS);
      const owner = pivotOwner.get(index);
      if (owner === undefined) {
        pivotOwner.set(index, c);
        if (pivotRank > r) bars.push({ birth: lengths[r], death: lengths[pivotRank] });
        reduction[c] = oddOnes(added);
        break;
      }
      // Add the owner's column: its edge's coboundary and those of the columns its V holds.
      added.push(owner);
      pushCofaces(heap, columns[owner]);
      const v = reduction[owner];
      if (v) {
        for (const other of v) {
          added.push(other);
          pushCofaces(heap, columns[other]);
        }
      }
    }
  }
  return bars;
}

/** The largest k whose triangle {i, j, k} has the edge's own rank r (-1 when none). */
function firstCofaceOfValue(rank: Uint32Array, n: number, i: number, j: number, r: number): number {
  const rowI = i * n;
  const rowJ = j * n;
  for (let k = n - 1; k >= 0; k--) {
    if (k === i || k === j) continue;
    const ri = rank[rowI + k];
    const rj = rank[rowJ + k];
    if (ri <= r && rj <= r) return k; // NOT_IN_COMPLEX is larger than any rank
  }
  return -1;
}

/** The entries that occur an odd number of times (a sum over Z/2). */
function oddOnes(values: number[]): Uint32Array | undefined {
  if (values.length === 0) return undefined;
  values.sort((a, b) => a - b);
  const out: number[] = [];
  for (let x = 0; x < values.length; ) {
    let y = x;
    while (y < values.length && values[y] === values[x]) y++;
    if ((y - x) % 2 === 1) out.push(values[x]);
    x = y;
  }
  return out.length ? Uint32Array.from(out) : undefined;
}
