// uses: dispatch
// The predecessor's adaptive threshold, one workgroup per batch row, after the LIF step:
// rate ← decay·rate + gain·mean(spikes); θ_a ← θ + thetaGain·(rate − targetRate). adapt = [rate, θ_a] per row.
override WORKGROUP_SIZE: u32 = 256u;

struct Params {
  batch: u32,
  width: u32,
  theta: f32,
  rateDecay: f32,
  rateGain: f32,
  thetaGain: f32,
  targetRate: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> spikes: array<f32>;
@group(0) @binding(2) var<storage, read_write> adapt: array<f32>;

var<workgroup> spikesInRow: atomic<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = folded_group(wid, nwg);
  if (row >= params.batch) {
    return;
  }
  if (lid == 0u) {
    atomicStore(&spikesInRow, 0u);
  }
  workgroupBarrier();
  var mine = 0u;
  for (var j = lid; j < params.width; j += WORKGROUP_SIZE) {
    if (spikes[row * params.width + j] != 0.0) {
      mine += 1u;
    }
  }
  atomicAdd(&spikesInRow, mine);
  workgroupBarrier();
  if (lid == 0u) {
    // The spike sum is an integer, so the mean is the same whatever the summation order.
    let mean = f32(atomicLoad(&spikesInRow)) / f32(params.width);
    let rate = params.rateDecay * adapt[row * 2u] + params.rateGain * mean;
    adapt[row * 2u] = rate;
    adapt[row * 2u + 1u] = params.theta + params.thetaGain * (rate - params.targetRate);
  }
}
