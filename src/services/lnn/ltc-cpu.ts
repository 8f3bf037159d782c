import { sigmoid, softplus } from './activation';
import type { LtcModel } from '../../kernels/lnn-model';
import type { LnnSequenceResult } from './cfc-cpu';

/**
 * CPU reference of ncps LTCCell (`ncps/torch/ltc_cell.py`) over a sequence: affine input mapping,
 * sensory synapse terms once per step, then `ode_unfolds` fused semi-implicit Euler steps
 *   v ← (cm_t·v + gleak·vleak + Σ w·σ(v)·erev) / (cm_t + gleak + Σ w·σ(v) + ε),  cm_t = cm / (Δt / unfolds),
 * then the motor slice through the affine output mapping.
 */
export function ltcSequenceCpu(model: LtcModel, inputs: Float32Array, timespans: Float32Array, batch: number, steps: number, state: Float32Array): LnnSequenceResult {
  const U = model.units;
  const S = model.sensorySize;
  const M = model.motorSize;
  const pos = model.implicitConstraints ? softplus : (x: number) => x;
  const w = model.w.map(pos);
  const sw = model.sensoryW.map(pos);
  const cm = model.cm.map(pos);
  const gleak = model.gleak.map(pos);
  const output = new Float32Array(batch * steps * M);
  const trajectory = new Float32Array(batch * steps * U);
  const x = new Float32Array(S);
  const numS = new Float32Array(U);
  const denS = new Float32Array(U);
  const next = new Float32Array(U);
  // Per-target sums in f64 (as the reference's scalars): the loops below run over the source i
  // outside and the target j inside, so the synapse arrays (i × U + j) are read front to back, and
  // each target's sum still adds its sources in ascending i: the same values bit for bit.
  const num = new Float64Array(U);
  const den = new Float64Array(U);
  const { sigma, mu, erev, sparsityMask: mask, sensorySigma, sensoryMu, sensoryErev, sensorySparsityMask: sensoryMask, vleak } = model;
  const { inputW, inputB, outputW, outputB, epsilon, odeUnfolds } = model;
  for (let b = 0; b < batch; b++) {
    const v = state.subarray(b * U, (b + 1) * U);
    for (let t = 0; t < steps; t++) {
      const row = b * steps + t;
      for (let i = 0; i < S; i++) {
        let value = inputs[row * S + i];
        if (inputW) value *= inputW[i];
        if (inputB) value += inputB[i];
        x[i] = value;
      }
      num.fill(0);
      den.fill(0);
      for (let i = 0; i < S; i++) {
        const xi = x[i];
        const base = i * U;
        for (let j = 0; j < U; j++) {
          const k = base + j;
          const act = sw[k] * sigmoid(sensorySigma[k] * (xi - sensoryMu[k])) * sensoryMask[k];
          num[j] += act * sensoryErev[k];
          den[j] += act;
        }
      }
      for (let j = 0; j < U; j++) {
        numS[j] = num[j];
        denS[j] = den[j];
      }
      const dt = timespans[row] / odeUnfolds;
      for (let u = 0; u < odeUnfolds; u++) {
        num.fill(0);
        den.fill(0);
        for (let i = 0; i < U; i++) {
          const vi = v[i];
          const base = i * U;
          for (let j = 0; j < U; j++) {
            const k = base + j;
            const act = w[k] * sigmoid(sigma[k] * (vi - mu[k])) * mask[k];
            num[j] += act * erev[k];
            den[j] += act;
          }
        }
        for (let j = 0; j < U; j++) {
          const cmt = cm[j] / dt;
          next[j] = (cmt * v[j] + gleak[j] * vleak[j] + (num[j] + numS[j])) / (cmt + gleak[j] + (den[j] + denS[j]) + epsilon);
        }
        v.set(next);
      }
      trajectory.set(v, row * U);
      for (let m = 0; m < M; m++) {
        let value = v[m];
        if (outputW) value *= outputW[m];
        if (outputB) value += outputB[m];
        output[row * M + m] = value;
      }
    }
  }
  return { output, trajectory };
}
