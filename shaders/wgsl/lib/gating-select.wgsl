// Prelude `gating-select` (the kernel itself; shaders gating-select-workgroup/-subgroup pair it with a reduction).
// Gating, one invocation per token: rank the E scores, keep the top k (ties to the lower index),
// weight them, and reduce this workgroup's share of the auxiliary losses. The reduction
// `reduce_sum` comes from gating-reduce-workgroup.wgsl or gating-reduce-subgroup.wgsl, appended.
//
// mode 0: softmax over all E → top-k → renormalise   (Mixtral; vLLM topk_softmax, renormalize=True)
// mode 1: softmax over all E → top-k, no renormalise  (vLLM renormalize=False, Switch Transformer)
// mode 2: top-k → softmax over the k kept scores       (Shazeer 2017, Mistral reference MoE)
// Ranking uses the scores themselves: softmax is monotone, so the order is the same and no ulp of
// exp() can reorder two experts.
override WORKGROUP_SIZE: u32 = 64u;
const MAX_EXPERTS: u32 = 64u;
const LOWEST: f32 = -3.4028234e38;

struct Params {
  tokens: u32,
  experts: u32,
  k: u32,
  mode: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
// Clean router logits [T, E] (for the z-loss) and the scores the gate ranks (the same logits, or
// the noisy ones) [T, E].
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> scores: array<f32>;
@group(0) @binding(3) var<storage, read_write> indices: array<u32>;
@group(0) @binding(4) var<storage, read_write> weights: array<f32>;
// Per workgroup: Σ probabilities [E], Σ selected [E], Σ logsumexp² — summed by gating-loss.wgsl.
@group(0) @binding(5) var<storage, read_write> partials: array<f32>;

var<workgroup> slots: array<vec4f, WORKGROUP_SIZE>;

fn is_chosen(lo: u32, hi: u32, e: u32) -> bool {
  if (e < 32u) {
    return (lo & (1u << e)) != 0u;
  }
  return (hi & (1u << (e - 32u))) != 0u;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let group = folded_group(wid, nwg);
  let t = folded_index(wid, nwg, lid, WORKGROUP_SIZE);
  let live = t < params.tokens;
  let E = params.experts;
  let k = params.k;
  var x: array<f32, MAX_EXPERTS>;
  var lo = 0u;
  var hi = 0u;
  var top = 0.0;
  var total = 1.0;
  var z_sq = 0.0;
  if (live) {
    let row = t * E;
    for (var e = 0u; e < E; e++) {
      x[e] = scores[row + e];
    }
    // Top k by repeated arg-max; strict '>' keeps the lower index on ties.
    for (var j = 0u; j < k; j++) {
      var best = E;
      var best_score = LOWEST;
      for (var e = 0u; e < E; e++) {
        if (!is_chosen(lo, hi, e) && (best == E || x[e] > best_score)) {
          best = e;
          best_score = x[e];
        }
      }
      if (best < 32u) {
        lo |= 1u << best;
      } else {
        hi |= 1u << (best - 32u);
      }
      indices[t * k + j] = best;
      weights[t * k + j] = best_score;
    }
    // The first pick is the maximum of all scores.
    top = weights[t * k];
    total = 0.0;
    for (var e = 0u; e < E; e++) {
      total += exp(x[e] - top);
    }
    var kept = 0.0;
    for (var j = 0u; j < k; j++) {
      let w = exp(weights[t * k + j] - top);
      weights[t * k + j] = w;
      kept += w;
    }
    // mode 0 and 2 both divide by the kept sum (softmax over kept = renormalised probabilities,
    // computed here as e^(x−max)/Σ_kept so both modes use the same f32 operations as the CPU).
    var denominator = kept;
    if (params.mode == GATING_MODE_NO_RENORMALIZE) {
      denominator = total;
    }
    for (var j = 0u; j < k; j++) {
      weights[t * k + j] = weights[t * k + j] / denominator;
    }
    // Router z-loss term (ST-MoE): logsumexp of the clean logits, squared.
    var m = LOWEST;
    for (var e = 0u; e < E; e++) {
      m = max(m, logits[row + e]);
    }
    var s = 0.0;
    for (var e = 0u; e < E; e++) {
      s += exp(logits[row + e] - m);
    }
    let lse = m + log(s);
    z_sq = lse * lse;
  }
  // Auxiliary-loss partial sums of this workgroup (idle invocations add zero). Probability and
  // selection of two experts travel together as one vec4: one reduction per pair of experts.
  let stride = 2u * E + 1u;
  let base = group * stride;
  for (var e = 0u; e < E; e += 2u) {
    var v = vec4f(0.0);
    if (live) {
      v.x = exp(x[e] - top) / total;
      v.y = select(0.0, 1.0, is_chosen(lo, hi, e));
      if (e + 1u < E) {
        v.z = exp(x[e + 1u] - top) / total;
        v.w = select(0.0, 1.0, is_chosen(lo, hi, e + 1u));
      }
    }
    let sums = reduce_sum(v, lid);
    if (lid == 0u) {
      partials[base + e] = sums.x;
      partials[base + E + e] = sums.y;
      if (e + 1u < E) {
        partials[base + e + 1u] = sums.z;
        partials[base + E + e + 1u] = sums.w;
      }
    }
  }
  let sum_z = reduce_sum(vec4f(z_sq, 0.0, 0.0, 0.0), lid);
  if (lid == 0u) {
    partials[base + 2u * E] = sum_z.x;
  }
}
