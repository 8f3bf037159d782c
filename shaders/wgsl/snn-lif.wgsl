// uses: dispatch, constants, snn-counters
// One time step of a layer of LIF neurons, in one of three semantics (MODEL):
//   0 AURA (the predecessor's current-based LIF): i ← i·a + I; during the refractory period v is held
//     at v_reset; else v ← v + (i − v)·b, spike when v crosses the adaptive threshold θ_a (per row),
//     then v ← v_reset and the refractory counter ← `refractory` steps.
//   1 snnTorch Leaky (reset_delay=True): reset = H(v_prev − θ) from the previous membrane, then
//     subtract: v ← β·v + I − reset·θ; zero: v ← β·((1 − reset)·v) + I; none: v ← β·v + I;
//     spike = H(v − θ). The reset of a spike thus lands on the next step. With RESET_DELAY off
//     (reset_delay=False) snnTorch then applies do_reset = spike − reset to this step's membrane:
//     subtract: v ← v − do_reset·θ; zero: v ← v − do_reset·v (none: unchanged).
//   2 Norse lif_feed_forward_step: v' = v + a·((v_leak − v) + i); i' = i + (−b)·i; z = H(v' − v_th);
//     v ← z ? v_reset : v'; i ← i' + I (the input jump lands after the spike test).
// H(x) is x > 0 (snnTorch, Norse, Lava) or x ≥ 0 (GeNN) when GE is set.
// State planes (each batch·width long): 0 v, 1 i, 2 refractory steps left, 3 spike count, 4 Σ|i|.
// Spikes and their synaptic operations reach the counters through snn-count at the end of the run.
override WORKGROUP_SIZE: u32 = 256u;
override MODEL: u32 = 0u;
override RESET: u32 = 0u; // snnTorch: 0 subtract, 1 zero, 2 none
override GE: bool = false;
override RESET_DELAY: bool = true; // snnTorch reset_delay

struct Params {
  count: u32,
  width: u32,
  raster: u32,
  refractory: u32,
  a: f32,
  b: f32,
  threshold: f32,
  vReset: f32,
  vLeak: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> current: array<f32>;
@group(0) @binding(2) var<storage, read> adapt: array<f32>;
@group(0) @binding(3) var<storage, read_write> state: array<f32>;
@group(0) @binding(4) var<storage, read_write> spikes: array<f32>;
@group(0) @binding(5) var<storage, read_write> counters: array<atomic<u32>>;
@group(0) @binding(6) var<storage, read_write> raster: array<f32>;

fn crosses(v: f32, threshold: f32) -> bool {
  let d = v - threshold;
  if (GE) {
    return d >= 0.0;
  }
  return d > 0.0;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = folded_index(wid, nwg, lid, WORKGROUP_SIZE);
  let n = params.count;
  if (i >= n) {
    return;
  }
  {
    let input = current[i];
    var v = state[i];
    var syn = state[n + i];
    var refr = state[2u * n + i];
    var spike = false;
    var absI = 0.0;
    if (MODEL == 0u) {
      syn = syn * params.a + input;
      absI = abs(syn);
      if (refr > 0.0) {
        refr = refr - 1.0;
        v = params.vReset;
      } else {
        v = v + (syn - v) * params.b;
        spike = crosses(v, adapt[(i / params.width) * 2u + 1u]);
        if (spike) {
          v = params.vReset;
          refr = f32(params.refractory);
        }
      }
    } else if (MODEL == 1u) {
      let resetPrev = crosses(v, params.threshold);
      absI = abs(input);
      if (RESET == 0u) {
        v = params.a * v + input - select(0.0, params.threshold, resetPrev);
      } else if (RESET == 1u) {
        v = params.a * select(v, 0.0, resetPrev) + input;
      } else {
        v = params.a * v + input;
      }
      spike = crosses(v, params.threshold);
      if (!RESET_DELAY) {
        let doReset = select(0.0, 1.0, spike) - select(0.0, 1.0, resetPrev);
        if (RESET == 0u) {
          v = v - doReset * params.threshold;
        } else if (RESET == 1u) {
          v = v - doReset * v;
        }
      }
    } else {
      let vDecayed = v + params.a * ((params.vLeak - v) + syn);
      let iDecayed = syn + (-params.b) * syn;
      spike = crosses(vDecayed, params.threshold);
      v = select(vDecayed, params.vReset, spike);
      syn = iDecayed + input;
      absI = abs(syn);
    }
    state[i] = v;
    state[n + i] = syn;
    state[2u * n + i] = refr;
    state[4u * n + i] = state[4u * n + i] + absI;
    spikes[i] = select(0.0, 1.0, spike);
    if (spike) {
      state[3u * n + i] = state[3u * n + i] + 1.0;
    }
    if (params.raster != 0u) {
      raster[atomicLoad(&counters[SNN_COUNTER_CLOCK]) * n + i] = select(0.0, 1.0, spike);
    }
  }
}
