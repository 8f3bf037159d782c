// uses: dispatch, finite
// Shapes a series of n values into `width` values in [0, 1]: linear resampling to `width` points, then
// min–max scaling (a constant series maps to 0.5). CPU reference: shapeSeriesCpu in src/kernels/series-shape.ts,
// the same f32 operations in the same order. One workgroup does it all (the min/max is a workgroup
// reduction), so n and width are bounded (SERIES_SHAPE_MAX_LENGTH). The input is read where it lives: the
// tensor starts `offset` elements into `x` (a byte offset need not meet the binding-offset alignment).
// NaN or ±Inf in the series (or a range that overflows f32) sets `status` to 1 and makes every output NaN,
// so a consumer that checks its input on the GPU rejects it without a read-back.
override WORKGROUP_SIZE: u32 = 256u;  // a power of two (the tree reduction halves it)

const F32_MAX: f32 = 0x1.fffffep+127f;  // the largest finite f32

struct Params {
  n: u32,
  width: u32,
  offset: u32,  // where the series starts in x, in elements
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> status: array<u32>;

var<workgroup> partialMin: array<f32, WORKGROUP_SIZE>;
var<workgroup> partialMax: array<f32, WORKGROUP_SIZE>;
var<workgroup> partialBad: array<u32, WORKGROUP_SIZE>;

fn non_finite_bit(v: f32) -> u32 {  // 1 for NaN or ±Inf, for the OR-reduction
  return select(0u, 1u, is_not_finite(v));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  if (folded_group(wid, nwg) != 0u) {
    return;  // one workgroup's work; the dispatch is [1, 1, 1]
  }
  let n = params.n;
  let width = params.width;
  let offset = params.offset;
  var bad = 0u;
  for (var j = lid; j < n; j += WORKGROUP_SIZE) {
    bad |= non_finite_bit(x[offset + j]);
  }
  // Resample: output i sits at i·(n − 1)/(width − 1) in the series, split exactly into an integer
  // index and a fraction (integers below 2^24, so f32(num % den) and f32(den) are exact).
  let den = max(1u, width - 1u);
  var lo = F32_MAX;
  var hi = -F32_MAX;
  for (var i = lid; i < width; i += WORKGROUP_SIZE) {
    let num = i * (n - 1u);
    let left = num / den;
    let right = min(n - 1u, left + 1u);
    let frac = f32(num % den) / f32(den);
    let a = x[offset + left];
    let b = x[offset + right];
    let v = a + (b - a) * frac;
    bad |= non_finite_bit(v);
    y[i] = v;
    lo = min(lo, v);
    hi = max(hi, v);
  }
  partialMin[lid] = lo;
  partialMax[lid] = hi;
  partialBad[lid] = bad;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride >>= 1u) {
    if (lid < stride) {
      partialMin[lid] = min(partialMin[lid], partialMin[lid + stride]);
      partialMax[lid] = max(partialMax[lid], partialMax[lid + stride]);
      partialBad[lid] |= partialBad[lid + stride];
    }
    workgroupBarrier();
  }
  let low = partialMin[0];
  let span = partialMax[0] - low;
  let flagged = (partialBad[0] | non_finite_bit(span)) != 0u;
  let nanValue = bitcast<f32>(select(0u, QUIET_NAN_BITS, flagged));  // a run-time NaN (a const NaN is an error)
  // Each invocation rescales the values it wrote itself.
  for (var i = lid; i < width; i += WORKGROUP_SIZE) {
    let scaled = select(0.5, (y[i] - low) / span, span > 0.0);
    y[i] = select(scaled, nanValue, flagged);
  }
  if (lid == 0u) {
    status[0] = select(0u, 1u, flagged);
  }
}
