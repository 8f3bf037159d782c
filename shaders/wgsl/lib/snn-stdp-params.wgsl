// Prelude `snn-stdp-params`: parameters shared by the reward-modulated STDP kernels (snn-stdp-trace, -elig, -apply).
struct StdpParams {
  batch: u32,
  inWidth: u32,
  outWidth: u32,
  preDecay: f32,
  postDecay: f32,
  eligDecay: f32,
  aPlus: f32,
  aMinus: f32,
  lrReward: f32,
  wMax: f32,
}
