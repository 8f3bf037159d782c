// uses: constants, snn-counters
// Advances the step clock at the end of a simulated time step (so a T-step run is one submission).
@group(0) @binding(0) var<storage, read_write> counters: array<atomic<u32>>;

@compute @workgroup_size(1)
fn main() {
  atomicAdd(&counters[SNN_COUNTER_CLOCK], 1u);
}
