// Event counters shared by the spiking kernels: 64-bit counts kept as (low, high) u32 pairs, and the
// step clock. Slots mirror SNN_COUNTER in src/kernels/snn-counters.ts.
const SNN_SOP: u32 = 0u;            // synaptic operations: spikes × fan-out
const SNN_MAC: u32 = 2u;            // dense multiply-accumulates (real-valued inputs)
const SNN_NEURON_SPIKES: u32 = 4u;  // spikes of LIF neurons
const SNN_INPUT_SPIKES: u32 = 6u;   // spikes made by the encoder
const SNN_CLOCK: u32 = 8u;          // the current time step, advanced by snn-tick

// Adds n to the 64-bit counter at `slot`; a wrapped low word carries into the high word exactly once.
fn snnAdd64(slot: u32, n: u32) {
  let old = atomicAdd(&counters[slot], n);
  if (old > 0xffffffffu - n) {
    atomicAdd(&counters[slot + 1u], 1u);
  }
}
