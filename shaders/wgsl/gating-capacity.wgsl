// uses: constants
// Expert capacity C = floor(capacity_factor · k · T / E), enforced in token order (token 0's
// choices in rank order, then token 1's, ...). Sequential by nature (a rerouted choice uses up
// room another token may want), so one invocation walks the tokens.
//   drop:    a choice whose expert is full is dropped (index 0xFFFFFFFF, weight 0); the kept
//            weights are left as they were (Switch Transformer / GShard: the token's dropped share
//            passes through the residual).
//   reroute: the token takes its k best experts among those that still have room (its next
//            choices when the first are full), and its weights are recomputed over that set by
//            the same gating mode; when fewer than k experts have room the tail is dropped.
const MAX_EXPERTS: u32 = 64u;
const LOWEST: f32 = -3.4028234e38;
const DROPPED: u32 = 0xFFFFFFFFu;

struct Params {
  tokens: u32,
  experts: u32,
  k: u32,
  mode: u32,
  capacity: u32,
  reroute: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> scores: array<f32>;
@group(0) @binding(2) var<storage, read_write> indices: array<u32>;
@group(0) @binding(3) var<storage, read_write> weights: array<f32>;

@compute @workgroup_size(1)
fn main() {
  let E = params.experts;
  let k = params.k;
  var used: array<u32, MAX_EXPERTS>;
  for (var e = 0u; e < E; e++) {
    used[e] = 0u;
  }
  for (var t = 0u; t < params.tokens; t++) {
    let slot = t * k;
    if (params.reroute == 0u) {
      for (var j = 0u; j < k; j++) {
        let e = indices[slot + j];
        if (used[e] < params.capacity) {
          used[e] += 1u;
        } else {
          indices[slot + j] = DROPPED;
          weights[slot + j] = 0.0;
        }
      }
      continue;
    }
    let row = t * E;
    var top = LOWEST;
    for (var e = 0u; e < E; e++) {
      top = max(top, scores[row + e]);
    }
    var taken_lo = 0u;
    var taken_hi = 0u;
    var picked = 0u;
    var kept = 0.0;
    for (var j = 0u; j < k; j++) {
      var best = E;
      var best_score = LOWEST;
      for (var e = 0u; e < E; e++) {
        var taken = false;
        if (e < 32u) {
          taken = (taken_lo & (1u << e)) != 0u;
        } else {
          taken = (taken_hi & (1u << (e - 32u))) != 0u;
        }
        if (!taken && used[e] < params.capacity && (best == E || scores[row + e] > best_score)) {
          best = e;
          best_score = scores[row + e];
        }
      }
      if (best == E) {
        indices[slot + j] = DROPPED;
        weights[slot + j] = 0.0;
        continue;
      }
      if (best < 32u) {
        taken_lo |= 1u << best;
      } else {
        taken_hi |= 1u << (best - 32u);
      }
      used[best] += 1u;
      picked += 1u;
      let w = exp(best_score - top);
      indices[slot + j] = best;
      weights[slot + j] = w;
      kept += w;
    }
    var denominator = kept;
    if (params.mode == GATING_MODE_NO_RENORMALIZE) {
      denominator = 0.0;
      for (var e = 0u; e < E; e++) {
        denominator += exp(scores[row + e] - top);
      }
    }
    for (var j = 0u; j < picked; j++) {
      weights[slot + j] = weights[slot + j] / denominator;
    }
  }
}
