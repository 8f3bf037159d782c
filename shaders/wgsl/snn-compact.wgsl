// uses: dispatch
// Event-driven synapses, part 1: the indices of the active inputs of each batch row, in ascending order,
// so part 2 adds the same terms in the same order as the dense kernel and the two agree bit for bit.
// One thread per row walks its row: no barriers (SwiftShader runs barriers as costly fiber switches)
// and a fixed order; the work is batch·width reads, small beside the synaptic accumulation it saves.
override WORKGROUP_SIZE: u32 = 64u;

struct Params {
  batch: u32,
  width: u32,
  xOffset: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> list: array<u32>;
@group(0) @binding(3) var<storage, read_write> listCount: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = folded_index(wid, nwg, lid, WORKGROUP_SIZE);
  if (row >= params.batch) {
    return;
  }
  let base = row * params.width;
  var count = 0u;
  for (var j = 0u; j < params.width; j++) {
    if (x[params.xOffset + base + j] != 0.0) {
      list[base + count] = j;
      count += 1u;
    }
  }
  listCount[row] = count;
}
