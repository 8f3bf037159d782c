// Prelude `snn-counters`: event counters shared by the spiking kernels, 64-bit counts kept as (low, high)
// u32 pairs, and the step clock. The slots are SNN_COUNTER_* (prelude `constants`, declared in
// src/kernels/wgsl-constants.ts): a shader that asks for this prelude asks for `constants` too.

// Adds n to the 64-bit counter at `slot`; a wrapped low word carries into the high word exactly once.
fn snnAdd64(slot: u32, n: u32) {
  let old = atomicAdd(&counters[slot], n);
  if (old > 0xffffffffu - n) {
    atomicAdd(&counters[slot + 1u], 1u);
  }
}
