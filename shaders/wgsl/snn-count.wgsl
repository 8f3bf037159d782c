// uses: dispatch, constants, snn-counters
// At the end of a run: turns per-neuron spike tallies (f32, at `offset` in `tallies`) into the event
// counters: spikes into `slot`, and spikes × fan-out into the synaptic operations. Integer sums, so the
// order of the atomic adds does not matter and the counts equal the CPU reference's exactly.
override WORKGROUP_SIZE: u32 = 256u;

struct Params {
  count: u32,
  width: u32,
  offset: u32,
  slot: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> tallies: array<f32>;
@group(0) @binding(2) var<storage, read> fanout: array<u32>;
@group(0) @binding(3) var<storage, read_write> counters: array<atomic<u32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = folded_index(wid, nwg, lid, WORKGROUP_SIZE);
  if (i >= params.count) {
    return;
  }
  let spikes = u32(tallies[params.offset + i]);
  if (spikes > 0u) {
    snnAdd64(params.slot, spikes);
    snnAdd64(SNN_COUNTER_SOP, spikes * fanout[i % params.width]);
  }
}
