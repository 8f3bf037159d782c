// uses: dispatch, snn-stdp-params
// R-STDP, step 2 of each time step (after the eligibility): presynaptic traces x ← x·preDecay + s_pre and postsynaptic traces
// y ← y·postDecay + s_post. traces = [x (batch × in), y (batch × out)].
override WORKGROUP_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: StdpParams;
@group(0) @binding(1) var<storage, read> pre: array<f32>;
@group(0) @binding(2) var<storage, read> post: array<f32>;
@group(0) @binding(3) var<storage, read_write> traces: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let k = folded_index(wid, nwg, lid, WORKGROUP_SIZE);
  let preCount = params.batch * params.inWidth;
  let postCount = params.batch * params.outWidth;
  if (k < preCount) {
    traces[k] = traces[k] * params.preDecay + pre[k];
  } else if (k < preCount + postCount) {
    traces[k] = traces[k] * params.postDecay + post[k - preCount];
  }
}
