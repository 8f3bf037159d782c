// uses: dispatch, snn-stdp-params
// R-STDP, step 1 of each time step (before the traces move): eligibility of synapse (o, i), summed over
// the batch: e ← e·eligDecay + Σ_b (A+·x'[b, i]·s_post[b, o] − A−·y'[b, o]·s_pre[b, i]), where
// x' = x·preDecay + s_pre includes this step's input spikes (a pre spike reaches the post neuron in the
// same step: causal, potentiation) and y' = y·postDecay holds only earlier post spikes (post before pre:
// depression).
override WORKGROUP_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: StdpParams;
@group(0) @binding(1) var<storage, read> pre: array<f32>;
@group(0) @binding(2) var<storage, read> post: array<f32>;
@group(0) @binding(3) var<storage, read> traces: array<f32>;
@group(0) @binding(4) var<storage, read_write> elig: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let k = folded_index(wid, nwg, lid, WORKGROUP_SIZE);
  if (k >= params.outWidth * params.inWidth) {
    return;
  }
  let o = k / params.inWidth;
  let i = k % params.inWidth;
  let postBase = params.batch * params.inWidth;
  var dw = 0.0;
  for (var b = 0u; b < params.batch; b++) {
    let preNow = pre[b * params.inWidth + i];
    let xNow = traces[b * params.inWidth + i] * params.preDecay + preNow;
    let yBefore = traces[postBase + b * params.outWidth + o] * params.postDecay;
    let ltp = params.aPlus * xNow * post[b * params.outWidth + o];
    let ltd = params.aMinus * yBefore * preNow;
    dw = dw + (ltp - ltd);
  }
  elig[k] = elig[k] * params.eligDecay + dw;
}
