// Prelude `dispatch`: the linear indices of a folded dispatch. dispatchFor (src/gpu/dispatch.ts) folds
// more than 65,535 workgroups into 2-D/3-D; a kernel recovers its place in the 1-D order here and
// skips what lies past its count (the fold rounds the grid up).

// The workgroup's place in the 1-D order: for kernels that give one workgroup to each row.
fn folded_group(wid: vec3u, nwg: vec3u) -> u32 {
  return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y;
}

// The invocation's place in the 1-D order: for kernels that give one invocation to each element.
fn folded_index(wid: vec3u, nwg: vec3u, lid: u32, workgroup_size: u32) -> u32 {
  return folded_group(wid, nwg) * workgroup_size + lid;
}
