// uses: dispatch, constants
// ncps LTCCell over a whole sequence (ncps/torch/ltc_cell.py): affine input mapping, sensory synapse
// terms once per step, `ode_unfolds` fused solver steps, affine output mapping on the motor neurons.
// One workgroup per batch row; matches src/services/lnn/ltc-cpu.ts.
override WORKGROUP_SIZE: u32 = 64u;

struct Shape {
  units: u32,
  sensory: u32,
  motor: u32,
  steps: u32,
  batch: u32,
  unfolds: u32,
  softplusConstraint: u32,
  scratchStride: u32,
  epsilon: f32,
  // Offsets into `params`; u32::MAX when the mapping is absent.
  inputW: u32,
  inputB: u32,
  outputW: u32,
  outputB: u32,
}

// params: gleak U | vleak U | cm U | sigma U² | mu U² | w U² | erev U² | mask U²
//         | sensory_sigma S·U | sensory_mu S·U | sensory_w S·U | sensory_erev S·U | sensory_mask S·U | mappings
@group(0) @binding(0) var<uniform> shape: Shape;
@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read> seq: array<f32>;            // inputs batch×steps×S, then timespans batch×steps
@group(0) @binding(3) var<storage, read_write> state: array<f32>;    // batch × U
@group(0) @binding(4) var<storage, read_write> scratch: array<f32>;  // batch × (S + 3U)
@group(0) @binding(5) var<storage, read_write> trajectory: array<f32>; // batch × steps × U
@group(0) @binding(6) var<storage, read_write> output: array<f32>;   // batch × steps × M


fn sigmoid(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-x));
}

fn positive(x: f32) -> f32 {
  if (shape.softplusConstraint == 0u) {
    return x;
  }
  if (x > 20.0) {
    return x;
  }
  return log(1.0 + exp(x));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let b = folded_group(wid, nwg);
  let U = shape.units;
  let S = shape.sensory;
  let T = shape.steps;
  let B = shape.batch;
  if (b >= B) {
    return;
  }
  let UU = U * U;
  let oGleak = 0u;
  let oVleak = U;
  let oCm = 2u * U;
  let oSigma = 3u * U;
  let oMu = oSigma + UU;
  let oW = oMu + UU;
  let oErev = oW + UU;
  let oMask = oErev + UU;
  let oSSigma = oMask + UU;
  let oSMu = oSSigma + S * U;
  let oSW = oSMu + S * U;
  let oSErev = oSW + S * U;
  let oSMask = oSErev + S * U;
  let base = b * shape.scratchStride;
  let xs = base;           // mapped inputs (S)
  let numS = base + S;     // sensory numerator (U)
  let denS = numS + U;     // sensory denominator (U)
  let vNext = denS + U;    // next state (U)
  let sb = b * U;
  for (var t = 0u; t < T; t++) {
    let row = b * T + t;
    for (var i = lid; i < S; i += WORKGROUP_SIZE) {
      var value = seq[row * S + i];
      if (shape.inputW != NO_INDEX) {
        value = value * params[shape.inputW + i];
      }
      if (shape.inputB != NO_INDEX) {
        value = value + params[shape.inputB + i];
      }
      scratch[xs + i] = value;
    }
    storageBarrier();
    for (var j = lid; j < U; j += WORKGROUP_SIZE) {
      var num = 0.0;
      var den = 0.0;
      for (var i = 0u; i < S; i++) {
        let k = i * U + j;
        let a = positive(params[oSW + k]) * sigmoid(params[oSSigma + k] * (scratch[xs + i] - params[oSMu + k])) * params[oSMask + k];
        num += a * params[oSErev + k];
        den += a;
      }
      scratch[numS + j] = num;
      scratch[denS + j] = den;
    }
    storageBarrier();
    let dt = seq[B * T * S + row] / f32(shape.unfolds);
    for (var u = 0u; u < shape.unfolds; u++) {
      for (var j = lid; j < U; j += WORKGROUP_SIZE) {
        var num = 0.0;
        var den = 0.0;
        for (var i = 0u; i < U; i++) {
          let k = i * U + j;
          let a = positive(params[oW + k]) * sigmoid(params[oSigma + k] * (state[sb + i] - params[oMu + k])) * params[oMask + k];
          num += a * params[oErev + k];
          den += a;
        }
        let cmt = positive(params[oCm + j]) / dt;
        let gl = positive(params[oGleak + j]);
        scratch[vNext + j] = (cmt * state[sb + j] + gl * params[oVleak + j] + (num + scratch[numS + j])) / (cmt + gl + (den + scratch[denS + j]) + shape.epsilon);
      }
      storageBarrier();
      for (var j = lid; j < U; j += WORKGROUP_SIZE) {
        state[sb + j] = scratch[vNext + j];
      }
      storageBarrier();
    }
    for (var j = lid; j < U; j += WORKGROUP_SIZE) {
      trajectory[row * U + j] = state[sb + j];
    }
    for (var m = lid; m < shape.motor; m += WORKGROUP_SIZE) {
      var value = state[sb + m];
      if (shape.outputW != NO_INDEX) {
        value = value * params[shape.outputW + m];
      }
      if (shape.outputB != NO_INDEX) {
        value = value + params[shape.outputB + m];
      }
      output[row * shape.motor + m] = value;
    }
    storageBarrier();
  }
}
