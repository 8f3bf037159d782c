// uses: dispatch, snn-stdp-params
// R-STDP, at the end of a run: W ← clamp(W + η·reward·e, −wMax, wMax), reward in [−1, 1].
// e is out × in; the weights are stored transposed (in × out) as the synapse kernels read them.
override WORKGROUP_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: StdpParams;
@group(0) @binding(1) var<storage, read> elig: array<f32>;
@group(0) @binding(2) var<storage, read_write> weights: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let k = folded_index(wid, nwg, lid, WORKGROUP_SIZE);
  if (k >= params.outWidth * params.inWidth) {
    return;
  }
  let w = (k % params.inWidth) * params.outWidth + k / params.inWidth;
  weights[w] = clamp(weights[w] + params.lrReward * elig[k], -params.wMax, params.wMax);
}
