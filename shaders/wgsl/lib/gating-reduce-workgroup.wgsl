// Prelude `gating-reduce-workgroup`.
// Workgroup sum of a vec4f through workgroup memory: a tree over `slots` (WORKGROUP_SIZE is a power of two).
// The result is valid in invocation 0. Must be called in uniform control flow.
fn reduce_sum(value: vec4f, lid: u32) -> vec4f {
  slots[lid] = value;
  workgroupBarrier();
  for (var half = WORKGROUP_SIZE / 2u; half > 0u; half = half / 2u) {
    if (lid < half) {
      slots[lid] += slots[lid + half];
    }
    workgroupBarrier();
  }
  let sum = slots[0];
  workgroupBarrier();
  return sum;
}
