// uses: dispatch, constants, gating-select, gating-reduce-workgroup
// The gating select kernel (prelude `gating-select`) with its workgroup sum through workgroup memory.
