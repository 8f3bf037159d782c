// FORCE / recursive least squares on a linear readout y = W·[r; 1] (Sussillo & Abbott 2009):
//   k = P·r,  c = 1/(1 + rᵀk),  P ← P − c·k·kᵀ,  e = W·r − y,  W ← W − strength·c·e·kᵀ
// one training sample after another, with the mean squared error on held-out samples before and after.
// One workgroup; `stateIn` is never written, so rolling back is just keeping it. Matches rls-cpu.ts.
override WORKGROUP_SIZE: u32 = 64u;

struct Shape {
  rows: u32,          // readout outputs
  width: u32,         // readout inputs O (r has O + 1 entries, the last 1 for the bias)
  stateSize: u32,     // trajectory row stride
  inputOffset: u32,   // where r starts in a trajectory row
  trainSamples: u32,
  trainSteps: u32,
  heldSamples: u32,
  heldSteps: u32,
  trainSkip: u32,     // leading steps of each training sequence left out (washout)
  heldSkip: u32,      // leading steps of each held-out sequence left out
  heldRowOffset: u32, // first held-out row in heldTrajectory
  heldTargetOffset: u32,
  strength: f32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
}

@group(0) @binding(0) var<uniform> shape: Shape;
@group(0) @binding(1) var<storage, read> trainTrajectory: array<f32>;
@group(0) @binding(2) var<storage, read> heldTrajectory: array<f32>;
@group(0) @binding(3) var<storage, read> targets: array<f32>;        // train rows × rows, then held rows × rows
@group(0) @binding(4) var<storage, read> stateIn: array<f32>;        // W (rows × (O+1)) then P ((O+1)²)
@group(0) @binding(5) var<storage, read_write> stateOut: array<f32>;
@group(0) @binding(6) var<storage, read_write> work: array<f32>;     // k (O+1) | e (rows) | errorBefore, errorAfter

var<workgroup> partial: array<f32, WORKGROUP_SIZE>;

// Row of sample n when the first `skip` steps of each sequence are left out (rls-cpu.ts rlsSampleRow).
fn sample_row(n: u32, steps: u32, skip: u32) -> u32 {
  let used = steps - skip;
  return (n / used) * steps + skip + n % used;
}

fn train_r(row: u32, i: u32) -> f32 {
  if (i == shape.width) {
    return 1.0;
  }
  return trainTrajectory[row * shape.stateSize + shape.inputOffset + i];
}

fn held_r(row: u32, i: u32) -> f32 {
  if (i == shape.width) {
    return 1.0;
  }
  return heldTrajectory[(shape.heldRowOffset + row) * shape.stateSize + shape.inputOffset + i];
}

fn held_error(lid: u32) -> f32 {
  let R = shape.width + 1u;
  var acc = 0.0;
  for (var n = lid; n < shape.heldSamples; n += WORKGROUP_SIZE) {
    let row = sample_row(n, shape.heldSteps, shape.heldSkip);
    for (var p = 0u; p < shape.rows; p++) {
      var y = 0.0;
      for (var i = 0u; i < R; i++) {
        y += stateOut[p * R + i] * held_r(row, i);
      }
      let e = y - targets[shape.heldTargetOffset + row * shape.rows + p];
      acc += e * e;
    }
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var s = WORKGROUP_SIZE / 2u; s > 0u; s = s / 2u) {
    if (lid < s) {
      partial[lid] += partial[lid + s];
    }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier();
  return total / f32(shape.heldSamples * shape.rows);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32) {
  let R = shape.width + 1u;
  let wSize = shape.rows * R;
  let pOff = wSize;
  for (var i = lid; i < wSize + R * R; i += WORKGROUP_SIZE) {
    stateOut[i] = stateIn[i];
  }
  storageBarrier();
  let before = held_error(lid);
  for (var n = 0u; n < shape.trainSamples; n++) {
    let row = sample_row(n, shape.trainSteps, shape.trainSkip);
    for (var i = lid; i < R; i += WORKGROUP_SIZE) {
      var k = 0.0;
      for (var j = 0u; j < R; j++) {
        k += stateOut[pOff + i * R + j] * train_r(row, j);
      }
      work[i] = k;
    }
    for (var p = lid; p < shape.rows; p += WORKGROUP_SIZE) {
      var y = 0.0;
      for (var i = 0u; i < R; i++) {
        y += stateOut[p * R + i] * train_r(row, i);
      }
      work[R + p] = y - targets[row * shape.rows + p];
    }
    storageBarrier();
    var rk = 0.0;
    for (var i = 0u; i < R; i++) {
      rk += train_r(row, i) * work[i];
    }
    let c = 1.0 / (1.0 + rk);
    for (var idx = lid; idx < R * R; idx += WORKGROUP_SIZE) {
      stateOut[pOff + idx] -= c * work[idx / R] * work[idx % R];
    }
    for (var idx = lid; idx < wSize; idx += WORKGROUP_SIZE) {
      stateOut[idx] -= shape.strength * c * work[R + idx / R] * work[idx % R];
    }
    storageBarrier();
  }
  let after = held_error(lid);
  if (lid == 0u) {
    work[R + shape.rows] = before;
    work[R + shape.rows + 1u] = after;
  }
}
