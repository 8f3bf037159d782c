// uses: dispatch, pcg
// Noisy top-k gating (Shazeer et al. 2017, eq. 4): H = x + StandardNormal() · softplus(x_noise).
// The noise is counter-based (a PCG hash of seed and element index, then Box–Muller), so Node,
// Chromium and the CPU reference draw the same numbers for the same seed, in any dispatch order.
override WORKGROUP_SIZE: u32 = 256u;

struct Params {
  count: u32,
  seed: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> noise_logits: array<f32>;
@group(0) @binding(3) var<storage, read_write> scores: array<f32>;

// 24 random bits to a uniform in (0, 1), exactly representable in f32.
fn unit_uniform(bits: u32) -> f32 {
  return (f32(bits >> 8u) + 0.5) * (1.0 / 16777216.0);
}

fn standard_normal(seed: u32, index: u32) -> f32 {
  let key = pcg_hash(seed);
  let u1 = unit_uniform(pcg_hash(2u * index + key));
  let u2 = unit_uniform(pcg_hash(2u * index + 1u + key));
  // cos of an angle in [−π, π], where WGSL bounds its error (2^-11 absolute); −cos(2πu) is as normal as cos(2πu).
  return sqrt(-2.0 * log(u1)) * cos(6.2831855 * u2 - 3.1415927);
}

// softplus(x) = log(1 + e^x), written so large |x| neither overflows nor loses the tail.
fn softplus(x: f32) -> f32 {
  return max(x, 0.0) + log(1.0 + exp(-abs(x)));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = folded_index(wid, nwg, lid, WORKGROUP_SIZE);
  if (i >= params.count) {
    return;
  }
  scores[i] = logits[i] + standard_normal(params.seed, i) * softplus(noise_logits[i]);
}
