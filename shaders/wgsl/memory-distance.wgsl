// uses: dispatch, constants
// Scores of one chunk of resident vectors against one query: cosine similarity, dot product, or
// negated Euclidean distance (so that for every metric a higher score is a better match).
// One invocation per row; rows of the chunk land at scores[outOffset + row]. The query's norm comes
// from `queryInfo` (written by memory-query-norm.wgsl for a GPU-resident query, or from the CPU); a
// query holding NaN or ±Inf makes every score NaN, so the caller can tell after reading back only k.
override WORKGROUP_SIZE: u32 = 256u;

struct Params {
  rows: u32,
  dim: u32,
  metric: u32,      // MEMORY_METRIC_*
  outOffset: u32,
}

struct QueryInfo {
  norm: f32,
  nonFinite: u32,  // 0, or the bits of a quiet NaN when the query holds NaN or ±Inf
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> vectors: array<f32>;
@group(0) @binding(2) var<storage, read> query: array<f32>;
@group(0) @binding(3) var<storage, read> queryInfo: QueryInfo;
@group(0) @binding(4) var<storage, read_write> scores: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = folded_index(wid, nwg, lid, WORKGROUP_SIZE);
  if (row >= params.rows) {
    return;
  }
  if (queryInfo.nonFinite != 0u) {
    scores[params.outOffset + row] = bitcast<f32>(queryInfo.nonFinite);
    return;
  }
  let base = row * params.dim;
  var score = 0.0;
  if (params.metric == MEMORY_METRIC_L2) {
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
    if (params.metric == MEMORY_METRIC_COSINE) {
      let denom = sqrt(norm) * queryInfo.norm;
      score = select(0.0, dot / denom, denom > 0.0);
    }
  }
  scores[params.outOffset + row] = score;
}
