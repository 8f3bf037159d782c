// uses: dispatch, constants, gating-select, gating-reduce-subgroup
// The gating select kernel (prelude `gating-select`) with its workgroup sum by subgroup operations:
// `enable` must open the module, before the preludes the loader appends.
enable subgroups;
