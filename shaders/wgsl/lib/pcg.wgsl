// Prelude `pcg`: the PCG-RXS-M-XS hash (O'Neill 2014; as a GPU hash, Jarzynski & Olano 2020), the
// source of the counter-based random numbers: a pure function of its input, so every device and every
// order of execution draws the same numbers. Mirrored on the CPU in src/kernels/pcg-hash.ts.
fn pcg_hash(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}
