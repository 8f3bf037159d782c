// uses: dispatch
// Streaming scale: y[i] = factor * x[i]. Reads 4 bytes and writes 4 bytes per element, so it
// measures the adapter's achievable memory bandwidth (the bandwidth probe) and checks the whole path.
override WORKGROUP_SIZE: u32 = 256u;

struct Params {
  count: u32,
  factor: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = folded_index(wid, nwg, lid, WORKGROUP_SIZE);
  if (i >= params.count) {
    return;
  }
  y[i] = params.factor * x[i];
}
