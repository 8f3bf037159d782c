// Scores of one chunk of resident vectors against one query: cosine similarity, dot product, or
// negated Euclidean distance (so that for every metric a higher score is a better match).
// One invocation per row; rows of the chunk land at scores[outOffset + row].
override WORKGROUP_SIZE: u32 = 256u;

struct Params {
  rows: u32,
  dim: u32,
  metric: u32,      // 0 cosine, 1 dot, 2 l2
  outOffset: u32,
  queryNorm: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> vectors: array<f32>;
@group(0) @binding(2) var<storage, read> query: array<f32>;
@group(0) @binding(3) var<storage, read_write> scores: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let group = wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y;
  let row = group * WORKGROUP_SIZE + lid;
  if (row >= params.rows) {
    return;
  }
  let base = row * params.dim;
  var score = 0.0;
  if (params.metric == 2u) {
    var sum = 0.0;
    for (var j = 0u; j < params.dim; j++) {
      let d = vectors[base + j] - query[j];
      sum += d * d;
    }
    score = -sqrt(sum);
  } else {
    var dot = 0.0;
    var norm = 0.0;
    for (var j = 0u; j < params.dim; j++) {
      let v = vectors[base + j];
      dot += v * query[j];
      norm += v * v;
    }
    score = dot;
    if (params.metric == 0u) {
      let denom = sqrt(norm) * params.queryNorm;
      score = select(0.0, dot / denom, denom > 0.0);
    }
  }
  scores[params.outOffset + row] = score;
}
