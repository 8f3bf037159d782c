// Sums the per-workgroup partials of gating-select (lib/gating-select.wgsl) and forms the auxiliary losses:
//   f_e = (tokens whose top-k holds e) / T, P_e = mean router probability of e,
//   balance = E · Σ_e f_e · P_e            (HF transformers Mixtral load_balancing_loss_func;
//                                           Switch Transformer eq. 4 when k = 1)
//   z = mean over tokens of logsumexp(logits)²   (ST-MoE router z-loss)
// One workgroup; invocation c owns column c and adds the workgroups in order (deterministic).
override WORKGROUP_SIZE: u32 = 256u;

struct Params {
  tokens: u32,
  experts: u32,
  groups: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> partials: array<f32>;
// [balance, z, f_0..f_{E−1}, P_0..P_{E−1}]
@group(0) @binding(2) var<storage, read_write> losses: array<f32>;

var<workgroup> column_sums: array<f32, 129>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32) {
  let E = params.experts;
  let stride = 2u * E + 1u;
  if (lid < stride) {
    var sum = 0.0;
    for (var g = 0u; g < params.groups; g++) {
      sum += partials[g * stride + lid];
    }
    column_sums[lid] = sum;
  }
  workgroupBarrier();
  if (lid == 0u) {
    let T = f32(params.tokens);
    var balance = 0.0;
    for (var e = 0u; e < E; e++) {
      let P = column_sums[e] / T;
      let f = column_sums[E + e] / T;
      losses[2u + e] = f;
      losses[2u + E + e] = P;
      balance += f * P;
    }
    losses[0] = f32(E) * balance;
    losses[1] = column_sums[2u * E] / T;
  }
}
