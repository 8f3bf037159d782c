// uses: dispatch
// Mean pooling over the attended tokens, then L2 normalisation (sentence-transformers semantics:
// sum(h·m) / max(sum(m), 1e-9), then x / max(‖x‖₂, 1e-12) as torch.nn.functional.normalize).
// One workgroup per row; threads stride over the hidden dimension and reduce ‖x‖² in shared memory.
override WORKGROUP_SIZE: u32 = 64u;

struct Params {
  batch: u32,
  seq: u32,
  hidden: u32,
  normalize: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> states: array<f32>;   // [batch, seq, hidden]
@group(0) @binding(2) var<storage, read> mask: array<u32>;     // [batch, seq], 0 or 1
@group(0) @binding(3) var<storage, read_write> pooled: array<f32>; // [batch, hidden]

var<workgroup> partial: array<f32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  // The row is the same for the whole workgroup, so the early return keeps barriers uniform.
  let row = folded_group(wid, nwg);
  if (row >= params.batch) {
    return;
  }
  var count = 0.0;
  for (var s = 0u; s < params.seq; s++) {
    count += f32(mask[row * params.seq + s]);
  }
  let denom = max(count, 1e-9);
  var sq = 0.0;
  for (var h = lid; h < params.hidden; h += WORKGROUP_SIZE) {
    var acc = 0.0;
    for (var s = 0u; s < params.seq; s++) {
      let t = row * params.seq + s;
      if (mask[t] != 0u) {
        acc += states[t * params.hidden + h];
      }
    }
    let mean = acc / denom;
    pooled[row * params.hidden + h] = mean;
    sq += mean * mean;
  }
  partial[lid] = sq;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      partial[lid] += partial[lid + stride];
    }
    workgroupBarrier();
  }
  if (params.normalize == 0u) {
    return;
  }
  let inv = 1.0 / max(sqrt(partial[0]), 1e-12);
  for (var h = lid; h < params.hidden; h += WORKGROUP_SIZE) {
    pooled[row * params.hidden + h] *= inv;
  }
}
