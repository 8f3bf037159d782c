// Event-driven synapses, part 1: per batch row (one workgroup), the indices of the active inputs in
// ascending order (a workgroup prefix sum), so part 2 adds the same terms in the same order as the
// dense kernel and the two agree bit for bit.
override WORKGROUP_SIZE: u32 = 256u;

struct Params {
  batch: u32,
  width: u32,
  xOffset: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> list: array<u32>;
@group(0) @binding(3) var<storage, read_write> listCount: array<u32>;

var<workgroup> scan: array<u32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y;
  if (row >= params.batch) {
    return;
  }
  var base = 0u;
  for (var start = 0u; start < params.width; start += WORKGROUP_SIZE) {
    let j = start + lid;
    var isActive = false;
    if (j < params.width) {
      isActive = x[params.xOffset + row * params.width + j] != 0.0;
    }
    scan[lid] = select(0u, 1u, isActive);
    workgroupBarrier();
    for (var offset = 1u; offset < WORKGROUP_SIZE; offset *= 2u) {
      var add = 0u;
      if (lid >= offset) {
        add = scan[lid - offset];
      }
      workgroupBarrier();
      scan[lid] += add;
      workgroupBarrier();
    }
    if (isActive) {
      list[row * params.width + base + scan[lid] - 1u] = j;
    }
    base += scan[WORKGROUP_SIZE - 1u];
    workgroupBarrier();
  }
  if (lid == 0u) {
    listCount[row] = base;
  }
}
