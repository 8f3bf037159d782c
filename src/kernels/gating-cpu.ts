import { expertLoadOf, resolveGating, type GatingOptions, type GatingResult, type ResolvedGating } from './gating-options';
import { GATING_MODE } from './wgsl-constants';
import { noisyScoresCpu } from './gating-noise';

/**
 * CPU reference of the gating kernels (gating-select, gating-capacity, gating-loss .wgsl): the same
 * f32 operations in the same order per token, so indices are equal exactly and weights to within
 * the few ulps by which GPU exp() differs. Loss sums are accumulated in f64 (the GPU sums in a
 * different order, so they agree to a reduction tolerance). Also the fast CPU path.
 */
const f = Math.fround;

export function gatingCpu(input: Float32Array, options: GatingOptions): GatingResult {
  const g = resolveGating(input, options);
  const logits = g.logits;
  const scores = g.noise ? noisyScoresCpu(logits, g.noise.noiseLogits, g.noise.seed) : logits;
  const { tokens: T, experts: E, k } = g;
  const indices = new Int32Array(T * k);
  const weights = new Float32Array(T * k);
  const probSum = new Float64Array(E);
  const chosenCount = new Float64Array(E);
  const taken = new Uint8Array(E);
  let zSum = 0;
  for (let t = 0; t < T; t++) {
    const row = t * E;
    const slot = t * k;
    taken.fill(0);
    selectTopK(scores, row, E, k, taken, () => true, indices, slot);
    const top = scores[row + indices[slot]];
    const total = expSum(scores, row, E, top);
    writeWeights(scores, row, top, total, g.modeCode, indices, weights, slot, k);
    for (let e = 0; e < E; e++) {
      probSum[e] += f(f(Math.exp(f(scores[row + e] - top))) / total);
      if (taken[e]) chosenCount[e] += 1;
    }
    zSum += logSumExpSquared(logits, row, E);
  }
  if (g.capacity !== null) applyCapacity(scores, g, indices, weights);
  const fraction = new Float32Array(E);
  const probability = new Float32Array(E);
  let balance = 0;
  for (let e = 0; e < E; e++) {
    fraction[e] = chosenCount[e] / T;
    probability[e] = probSum[e] / T;
    balance += (chosenCount[e] / T) * (probSum[e] / T);
  }
  return {
    indices,
    weights,
    expertLoad: expertLoadOf(indices, E),
    capacity: g.capacity,
    losses: { balance: E * balance, z: zSum / T },
    fraction,
    probability,
    path: 'cpu',
  };
}

/** k repeated arg-maxes over the allowed, untaken experts; strict '>' keeps the lower index on ties. Returns how many were picked. */
function selectTopK(
  scores: Float32Array, row: number, E: number, k: number, taken: Uint8Array,
  allowed: (e: number) => boolean, indices: Int32Array, slot: number,
): number {
  let picked = 0;
  for (let j = 0; j < k; j++) {
    let best = -1;
    let bestScore = 0;
    for (let e = 0; e < E; e++) {
      if (!taken[e] && allowed(e) && (best < 0 || scores[row + e] > bestScore)) {
        best = e;
        bestScore = scores[row + e];
      }
    }
    if (best < 0) break;
    taken[best] = 1;
    indices[slot + j] = best;
    picked++;
  }
  return picked;
}

function expSum(scores: Float32Array, row: number, E: number, top: number): number {
  let total = 0;
  for (let e = 0; e < E; e++) total = f(total + f(Math.exp(f(scores[row + e] - top))));
  return total;
}

/** weights = e^(x−top) / (Σ over the kept, or over all E when modeCode = 1), as the shaders do. */
function writeWeights(
  scores: Float32Array, row: number, top: number, total: number, modeCode: number,
  indices: Int32Array, weights: Float32Array, slot: number, picked: number,
): void {
  let kept = 0;
  for (let j = 0; j < picked; j++) {
    const w = f(Math.exp(f(scores[row + indices[slot + j]] - top)));
    weights[slot + j] = w;
    kept = f(kept + w);
  }
  const denominator = modeCode === GATING_MODE.noRenormalize ? total : kept;
  for (let j = 0; j < picked; j++) weights[slot + j] = f(weights[slot + j] / denominator);
}

function logSumExpSquared(logits: Float32Array, row: number, E: number): number {
  let m = -Infinity;
  for (let e = 0; e < E; e++) m = Math.max(m, logits[row + e]);
  let s = 0;
  for (let e = 0; e < E; e++) s = f(s + f(Math.exp(f(logits[row + e] - m))));
  const lse = f(m + f(Math.log(s)));
  return f(lse * lse);
}

/** Capacity in token order, as gating-capacity.wgsl. */
function applyCapacity(scores: Float32Array, g: ResolvedGating, indices: Int32Array, weights: Float32Array): void {
  const { tokens: T, experts: E, k } = g;
  const capacity = g.capacity ?? Infinity;
  const used = new Uint32Array(E);
  const taken = new Uint8Array(E);
  const hasRoom = (e: number) => used[e] < capacity;
  for (let t = 0; t < T; t++) {
    const slot = t * k;
    if (!g.reroute) {
      for (let j = 0; j < k; j++) {
        const e = indices[slot + j];
        if (used[e] < capacity) used[e]++;
        else {
          indices[slot + j] = -1;
          weights[slot + j] = 0;
        }
      }
      continue;
    }
    const row = t * E;
    let top = -Infinity;
    for (let e = 0; e < E; e++) top = Math.max(top, scores[row + e]);
    taken.fill(0);
    // Pick one at a time so each pick sees the room left after the previous one.
    let picked = 0;
    for (let j = 0; j < k; j++) {
      if (selectTopK(scores, row, E, 1, taken, hasRoom, indices, slot + j) === 0) break;
      used[indices[slot + j]]++;
      picked++;
    }
    for (let j = picked; j < k; j++) {
      indices[slot + j] = -1;
      weights[slot + j] = 0;
    }
    const total = g.modeCode === GATING_MODE.noRenormalize ? expSum(scores, row, E, top) : 0;
    writeWeights(scores, row, top, total, g.modeCode, indices, weights, slot, picked);
  }
}
