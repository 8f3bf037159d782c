// uses: dispatch
// Event-driven synapses, part 2: current[b, o] = (accumulate ? current[b, o] : bias[o]) + Σ W[o, j]
// over the active inputs j of row b (from snn-compact). Work is proportional to the spikes. W is stored
// transposed (in × out): the threads of one row read one contiguous run of weights per active input.
override WORKGROUP_SIZE: u32 = 256u;

struct Params {
  batch: u32,
  inWidth: u32,
  outWidth: u32,
  accumulate: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> list: array<u32>;
@group(0) @binding(4) var<storage, read> listCount: array<u32>;
@group(0) @binding(5) var<storage, read_write> current: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let k = folded_index(wid, nwg, lid, WORKGROUP_SIZE);
  if (k >= params.batch * params.outWidth) {
    return;
  }
  let b = k / params.outWidth;
  let o = k % params.outWidth;
  let activeCount = listCount[b];
  let lRow = b * params.inWidth;
  var acc = 0.0;
  for (var e = 0u; e < activeCount; e++) {
    acc = acc + weights[list[lRow + e] * params.outWidth + o];
  }
  let base = select(bias[o], current[k], params.accumulate != 0u);
  current[k] = base + acc;
}
