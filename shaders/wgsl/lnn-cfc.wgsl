// uses: dispatch, constants
// ncps CfC / WiredCfCCell over a whole sequence (ncps/torch/cfc_cell.py, wired_cfc_cell.py).
// One workgroup per batch row; its threads split the units of each layer; the hidden state stays in
// `state` between steps and calls. Formulas and summation order match src/services/lnn/cfc-cpu.ts.
override WORKGROUP_SIZE: u32 = 64u;

// v[0] = (cells, activation, stateSize, cellOutputSize)
// v[1] = (readoutRows (0 = no readout), steps, batch, inputSize)
// v[2] = (scratchStride, outputWidth, lastCellStateOffset, bufferA offset)
// v[3] = (bufferB offset, newState offset, 0, 0)
// v[4 + 4c ..] per cell c: (inDim, hidden, stateOffset, mode) (backboneLayers, backboneUnits, backboneOffset, catDim)
//                          (ff1Offset, ff2Offset, timeAOffset, timeBOffset) (wTauOffset, aOffset, inputStateOffset|NO_INDEX, 0)
struct Shape { v: array<vec4u, 16> }

@group(0) @binding(0) var<uniform> shape: Shape;
@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read> readout: array<f32>;       // rows × (cellOutputSize + 1), bias last
@group(0) @binding(3) var<storage, read> seq: array<f32>;           // inputs batch×steps×in, then timespans batch×steps
@group(0) @binding(4) var<storage, read_write> state: array<f32>;   // batch × stateSize
@group(0) @binding(5) var<storage, read_write> scratch: array<f32>; // batch × scratchStride
@group(0) @binding(6) var<storage, read_write> trajectory: array<f32>; // batch × steps × stateSize
@group(0) @binding(7) var<storage, read_write> output: array<f32>;  // batch × steps × outputWidth

fn activate(kind: u32, x: f32) -> f32 {
  switch kind {
    case 0u: { return 1.7159 * tanh(clamp(0.666 * x, -20.0, 20.0)); }
    case 1u: { return tanh(clamp(x, -20.0, 20.0)); }
    case 2u: { return max(x, 0.0); }
    case 4u: { return 0.5 * x * (1.0 + erf_f32(x * 0.70710678118654752)); }
    default: { return x / (1.0 + exp(-x)); }
  }
}

// erf for torch's exact GELU (nn.GELU(), approximate='none'); WGSL has no erf. Abramowitz & Stegun
// 7.1.26, |error| ≤ 1.5e-7: GELU within 1e-6 of the f64 reference for |x| ≤ 6 (tests: TOLERANCE).
fn erf_f32(x: f32) -> f32 {
  let a = abs(x);
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign(x) * (1.0 - poly * exp(-a * a));
}

fn sigmoid(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-x));
}

fn safe_tanh(x: f32) -> f32 {
  return tanh(clamp(x, -20.0, 20.0));
}

// bias[j] + Σ_i W[j,i]·x[i] with W row-major at `w` (out × n) and bias right after it.
fn linear(w: u32, rows: u32, j: u32, x: u32, n: u32) -> f32 {
  var acc = 0.0;
  let row = w + j * n;
  for (var i = 0u; i < n; i++) {
    acc += params[row + i] * scratch[x + i];
  }
  return acc + params[w + rows * n + j];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let b = folded_group(wid, nwg);
  let cells = shape.v[0].x;
  let act = shape.v[0].y;
  let S = shape.v[0].z;
  let O = shape.v[0].w;
  let rows = shape.v[1].x;
  let T = shape.v[1].y;
  let B = shape.v[1].z;
  let IN = shape.v[1].w;
  let base = b * shape.v[2].x;
  let width = shape.v[2].y;
  let lastOff = shape.v[2].z;
  let bufA = shape.v[2].w;
  let bufB = shape.v[3].x;
  let newh = shape.v[3].y;
  if (b >= B) {
    return;
  }
  let sb = b * S;
  for (var t = 0u; t < T; t++) {
    let ts = seq[B * T * IN + b * T + t];
    for (var c = 0u; c < cells; c++) {
      let v0 = shape.v[4u + 4u * c];
      let v1 = shape.v[5u + 4u * c];
      let v2 = shape.v[6u + 4u * c];
      let v3 = shape.v[7u + 4u * c];
      let inDim = v0.x;
      let H = v0.y;
      let soff = v0.z;
      let mode = v0.w;
      let n0 = inDim + H;
      for (var i = lid; i < n0; i += WORKGROUP_SIZE) {
        var value: f32;
        if (i < inDim) {
          if (v3.z == NO_INDEX) {
            value = seq[(b * T + t) * IN + i];
          } else {
            value = state[sb + v3.z + i];
          }
        } else {
          value = state[sb + soff + i - inDim];
        }
        scratch[base + i] = value;
      }
      storageBarrier();
      var src = base;
      var srcDim = n0;
      var w = v1.z;
      let U = v1.y;
      for (var k = 0u; k < v1.x; k++) {
        var dst = base + bufA;
        if (k % 2u == 1u) {
          dst = base + bufB;
        }
        for (var j = lid; j < U; j += WORKGROUP_SIZE) {
          scratch[dst + j] = activate(act, linear(w, U, j, src, srcDim));
        }
        storageBarrier();
        w += U * srcDim + U;
        src = dst;
        srcDim = U;
      }
      let catDim = v1.w;
      for (var j = lid; j < H; j += WORKGROUP_SIZE) {
        let ff1 = linear(v2.x, H, j, src, catDim);
        var h: f32;
        if (mode == 1u) {
          let a = params[v3.y + j];
          h = -a * exp(-ts * (abs(params[v3.x + j]) + abs(ff1))) * ff1 + a;
        } else {
          let ff2 = linear(v2.y, H, j, src, catDim);
          let ta = linear(v2.z, H, j, src, catDim);
          let tb = linear(v2.w, H, j, src, catDim);
          let gate = sigmoid(ta * ts + tb);
          let t1 = safe_tanh(ff1);
          let t2 = safe_tanh(ff2);
          if (mode == 2u) {
            h = t1 + gate * t2;
          } else {
            h = t1 * (1.0 - gate) + gate * t2;
          }
        }
        scratch[base + newh + j] = h;
      }
      storageBarrier();
      for (var j = lid; j < H; j += WORKGROUP_SIZE) {
        state[sb + soff + j] = scratch[base + newh + j];
      }
      storageBarrier();
    }
    let row = b * T + t;
    for (var j = lid; j < S; j += WORKGROUP_SIZE) {
      trajectory[row * S + j] = state[sb + j];
    }
    if (rows > 0u) {
      for (var p = lid; p < rows; p += WORKGROUP_SIZE) {
        var acc = 0.0;
        for (var o = 0u; o < O; o++) {
          acc += readout[p * (O + 1u) + o] * state[sb + lastOff + o];
        }
        output[row * width + p] = acc + readout[p * (O + 1u) + O];
      }
    } else {
      for (var j = lid; j < O; j += WORKGROUP_SIZE) {
        output[row * width + j] = state[sb + lastOff + j];
      }
    }
    storageBarrier();
  }
}
