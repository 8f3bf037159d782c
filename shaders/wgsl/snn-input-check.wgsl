// uses: dispatch, finite
// Checks a GPU-resident input of the spiking network where it lives (it is never read back): finite, and in
// the encoder's range ([0, 1] for rate/Poisson/latency, |x| ≤ maxDirect for direct). Runs in the same
// submission as the network; the service reads `fault` afterwards and raises the same typed errors as for
// values passed from the CPU (the first offending index of each kind, as the CPU checks report).
override WORKGROUP_SIZE: u32 = 256u;

struct Params {
  count: u32,
  direct: u32,      // 1: direct currents (|x| ≤ maxDirect); 0: values in [0, 1]
  maxDirect: f32,
}

struct Fault {
  firstNonFinite: atomic<u32>,   // 0xffffffff when none
  firstOutOfRange: atomic<u32>,  // 0xffffffff when none
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read_write> fault: Fault;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = folded_index(wid, nwg, lid, WORKGROUP_SIZE);
  if (i >= params.count) {
    return;
  }
  let x = input[i];
  if (is_not_finite(x)) {
    atomicMin(&fault.firstNonFinite, i);
    return;
  }
  let outside = select(x < 0.0 || x > 1.0, abs(x) > params.maxDirect, params.direct != 0u);
  if (outside) {
    atomicMin(&fault.firstOutOfRange, i);
  }
}
