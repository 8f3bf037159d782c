// uses: dispatch
// All pairwise Euclidean distances of n points in d dimensions: out[i * n + j] = |p_i - p_j|.
// One invocation per (i, j); the first step of 0-dimensional persistent homology.
override WORKGROUP_SIZE: u32 = 256u;

struct Params {
  n: u32,
  dim: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> points: array<f32>;
@group(0) @binding(2) var<storage, read_write> distances: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let linear = folded_index(wid, nwg, lid, WORKGROUP_SIZE);
  if (linear >= params.n * params.n) {
    return;
  }
  let i = linear / params.n;
  let j = linear % params.n;
  var sum = 0.0;
  for (var c = 0u; c < params.dim; c++) {
    let d = points[i * params.dim + c] - points[j * params.dim + c];
    sum += d * d;
  }
  distances[linear] = sqrt(sum);
}
