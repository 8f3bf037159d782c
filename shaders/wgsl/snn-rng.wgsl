// Counter-based random numbers for the spike encoders: a pure function of (seed, step, row, column),
// so the same seed gives the same spikes on every device, in every order of execution.
// PCG-RXS-M-XS hash (O'Neill 2014), chained over the four counters. Mirrored in src/kernels/snn-rng.ts.
fn snnPcgHash(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

// Uniform in [0, 1) with 24 bits: exactly representable in f32, so CPU and GPU agree bit for bit.
fn snnUniform(seed: u32, step: u32, row: u32, col: u32) -> f32 {
  let h = snnPcgHash(col ^ snnPcgHash(row ^ snnPcgHash(step ^ snnPcgHash(seed))));
  return f32(h >> 8u) * (1.0 / 16777216.0);
}
