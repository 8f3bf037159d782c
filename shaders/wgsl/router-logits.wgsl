// uses: dispatch, constants
// The text embedding's part of the router logits, computed where the embedding lives:
//   logits[t, e] = base[t, e] + Σ_h embedding[start[t] + h] · weight[e, h]
// base holds everything the CPU knows (bias, the other features, load); weight is the router's
// embedding weights divided by their standardisation scale. start[t] is where token t's embedding
// begins in the buffer (in elements, so rows of a batch are used in place); NO_INDEX: it has none.
override WORKGROUP_SIZE: u32 = 64u;

struct Params {
  tokens: u32,
  experts: u32,
  hidden: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> base: array<f32>;
@group(0) @binding(2) var<storage, read> start: array<u32>;
@group(0) @binding(3) var<storage, read> embedding: array<f32>;
@group(0) @binding(4) var<storage, read> weight: array<f32>;
@group(0) @binding(5) var<storage, read_write> logits: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = folded_index(wid, nwg, lid, WORKGROUP_SIZE);
  if (i >= params.tokens * params.experts) {
    return;
  }
  let t = i / params.experts;
  let e = i % params.experts;
  var sum = 0.0;
  let first = start[t];
  if (first != NO_INDEX) {
    for (var h = 0u; h < params.hidden; h++) {
      sum += embedding[first + h] * weight[e * params.hidden + h];
    }
  }
  logits[i] = base[i] + sum;
}
