// uses: dispatch, constants, snn-counters
// Dense synapses: current[b, o] = (accumulate ? current[b, o] : bias[o]) + scale·Σ_i W[o, i]·x[b, i].
// On the GPU W is stored transposed (in × out, wT[i·out + o]) so neighbouring threads (outputs) read
// neighbouring words. Multiply-accumulates are counted when countMacs is set
// (real-valued inputs); spiking inputs are counted as synaptic operations where the spikes are made.
override WORKGROUP_SIZE: u32 = 256u;

struct Params {
  batch: u32,
  inWidth: u32,
  outWidth: u32,
  accumulate: u32,
  countMacs: u32,
  xOffset: u32,
  inputScale: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;
@group(0) @binding(4) var<storage, read_write> current: array<f32>;
@group(0) @binding(5) var<storage, read_write> counters: array<atomic<u32>>;


@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let k = folded_index(wid, nwg, lid, WORKGROUP_SIZE);
  if (k >= params.batch * params.outWidth) {
    return;
  }
  {
    let b = k / params.outWidth;
    let o = k % params.outWidth;
    var acc = 0.0;
    let xRow = params.xOffset + b * params.inWidth;
    for (var i = 0u; i < params.inWidth; i++) {
      acc = acc + weights[i * params.outWidth + o] * x[xRow + i];
    }
    let base = select(bias[o], current[k], params.accumulate != 0u);
    current[k] = base + acc * params.inputScale;
    if (params.countMacs != 0u) {
      snnAdd64(SNN_COUNTER_MAC, params.inWidth);
    }
  }
}
