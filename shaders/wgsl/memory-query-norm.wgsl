// uses: finite
// The Euclidean norm of one query vector, computed where the query already lives (the GPU), and a
// flag saying whether it holds NaN or ±Inf. One workgroup: each invocation sums a strided part, then a
// tree reduction. The distance kernel reads both from `info`, so a GPU-resident query never visits the CPU.
override WORKGROUP_SIZE: u32 = 256u;  // a power of two (the tree reduction halves it)

struct Params {
  dim: u32,
}

struct QueryInfo {
  norm: f32,
  nonFinite: u32,  // 0, or the bits of a quiet NaN when the query holds NaN or ±Inf
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> query: array<f32>;
@group(0) @binding(2) var<storage, read_write> info: QueryInfo;

var<workgroup> partialSum: array<f32, WORKGROUP_SIZE>;
var<workgroup> partialBad: array<u32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32) {
  var sum = 0.0;
  var bad = 0u;
  for (var j = lid; j < params.dim; j += WORKGROUP_SIZE) {
    let v = query[j];
    bad |= select(0u, 1u, is_not_finite(v));
    sum += v * v;
  }
  partialSum[lid] = sum;
  partialBad[lid] = bad;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride >>= 1u) {
    if (lid < stride) {
      partialSum[lid] += partialSum[lid + stride];
      partialBad[lid] |= partialBad[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    info.norm = sqrt(partialSum[0]);
    info.nonFinite = select(0u, QUIET_NAN_BITS, partialBad[0] != 0u);
  }
}
