// Prelude `snn-rng` (a shader that asks for it asks for `pcg` too). Counter-based random numbers for the spike encoders: a pure function of (seed, step, row, column),
// so the same seed gives the same spikes on every device, in every order of execution.
// The PCG hash (prelude `pcg`) chained over the four counters. Mirrored in src/kernels/snn-rng.ts.

// Uniform in [0, 1) with 24 bits: exactly representable in f32, so CPU and GPU agree bit for bit.
fn snnUniform(seed: u32, step: u32, row: u32, col: u32) -> f32 {
  let h = pcg_hash(col ^ pcg_hash(row ^ pcg_hash(step ^ pcg_hash(seed))));
  return f32(h >> 8u) * (1.0 / 16777216.0);
}
