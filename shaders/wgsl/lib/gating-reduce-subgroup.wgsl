// Prelude `gating-reduce-subgroup` (its shader opens with `enable subgroups;`).
// Workgroup sum of a vec4f with subgroup operations: subgroupAdd within each subgroup, the elected invocation
// of each subgroup leaves its sum in its own slot (the others leave 0), invocation 0 adds the slots
// in index order. No assumption on the subgroup size or on how invocations map to subgroups.
// The result is valid in invocation 0. Must be called in uniform control flow.
fn reduce_sum(value: vec4f, lid: u32) -> vec4f {
  let partial = subgroupAdd(value);
  slots[lid] = select(vec4f(0.0), partial, subgroupElect());
  workgroupBarrier();
  var sum = vec4f(0.0);
  if (lid == 0u) {
    for (var i = 0u; i < WORKGROUP_SIZE; i++) {
      sum += slots[i];
    }
  }
  workgroupBarrier();
  return sum;
}
