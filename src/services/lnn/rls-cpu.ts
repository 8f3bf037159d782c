import type { RlsShape } from '../../kernels/lnn-model';
/**
 * Where readout samples come from: `count` rows of a state trajectory (rows × stateSize). Sample n is
 * trajectory row `rowOffset + rlsSampleRow(n, steps, skip)`; its target is `targets[targetOffset + rlsSampleRow(..)·rows + p]`.
 * `skip` leaves out the first steps of each sequence (the transient from the zero state, or the training part).
 */
export interface RlsSampleSet {
  trajectory: Float32Array;
  targets: Float32Array;
  steps: number;
  skip: number;
  count: number;
  rowOffset: number;
  targetOffset: number;
}

/** Row (within its set) of sample n — the same indexing as lnn-rls.wgsl's sample_row. */
export function rlsSampleRow(n: number, steps: number, skip: number): number {
  const used = steps - skip;
  return Math.floor(n / used) * steps + skip + (n % used);
}

function readR(r: Float64Array, shape: RlsShape, s: RlsSampleSet, row: number): void {
  const at = (s.rowOffset + row) * shape.stateSize + shape.inputOffset;
  for (let i = 0; i < shape.width; i++) r[i] = s.trajectory[at + i];
  r[shape.width] = 1;
}

/** Mean squared error of y = W·[r; 1] against the targets over the samples. */
export function rlsHeldError(state: Float32Array, shape: RlsShape, s: RlsSampleSet): number {
  const R = shape.width + 1;
  const r = new Float64Array(R);
  let acc = 0;
  for (let n = 0; n < s.count; n++) {
    const row = rlsSampleRow(n, s.steps, s.skip);
    readR(r, shape, s, row);
    for (let p = 0; p < shape.rows; p++) {
      let y = 0;
      for (let i = 0; i < R; i++) y += state[p * R + i] * r[i];
      const e = y - s.targets[s.targetOffset + row * shape.rows + p];
      acc += e * e;
    }
  }
  return acc / (s.count * shape.rows);
}

/**
 * CPU reference of lnn-rls.wgsl: FORCE / RLS on the readout, one sample after another:
 * k = P·r, c = 1/(1 + rᵀk), P ← P − c·k·kᵀ, e = W·r − y (a-priori error), W ← W − strength·c·e·kᵀ.
 * `state` = [W (rows × (O+1)) | P ((O+1)²)] is updated in place.
 */
export function rlsUpdateCpu(state: Float32Array, shape: RlsShape, train: RlsSampleSet, strength: number): void {
  const R = shape.width + 1;
  const pOff = shape.rows * R;
  const r = new Float64Array(R);
  const k = new Float64Array(R);
  const e = new Float64Array(shape.rows);
  for (let n = 0; n < train.count; n++) {
    const row = rlsSampleRow(n, train.steps, train.skip);
    readR(r, shape, train, row);
    for (let i = 0; i < R; i++) {
      let acc = 0;
      for (let j = 0; j < R; j++) acc += state[pOff + i * R + j] * r[j];
      k[i] = Math.fround(acc);
    }
    for (let p = 0; p < shape.rows; p++) {
      let y = 0;
      for (let i = 0; i < R; i++) y += state[p * R + i] * r[i];
      e[p] = Math.fround(y - train.targets[train.targetOffset + row * shape.rows + p]);
    }
    let rk = 0;
    for (let i = 0; i < R; i++) rk += r[i] * k[i];
    const c = 1 / (1 + rk);
    for (let i = 0; i < R; i++) for (let j = 0; j < R; j++) state[pOff + i * R + j] -= c * k[i] * k[j];
    for (let p = 0; p < shape.rows; p++) for (let i = 0; i < R; i++) state[p * R + i] -= strength * c * e[p] * k[i];
  }
}

/** [W | P₀ = I/α] for a readout W (rows × (O+1), bias last). */
export function rlsInitialState(readout: Float32Array, rows: number, width: number, alpha: number): Float32Array {
  const R = width + 1;
  const state = new Float32Array(rows * R + R * R);
  state.set(readout.subarray(0, rows * R));
  for (let i = 0; i < R; i++) state[rows * R + i * R + i] = 1 / alpha;
  return state;
}
