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
  const { sigma, mu, erev, sparsityMask: mask, sensorySigma, sensoryMu, sensoryErev, sensorySparsityMask: sensoryMask, vleak } = model;
  for (let b = 0; b < batch; b++) {
    const v = state.subarray(b * U, (b + 1) * U);
    for (let t = 0; t < steps; t++) {
      const row = b * steps + t;
      for (let i = 0; i < S; i++) {
        let value = inputs[row * S + i];
        if (model.inputW) value *= model.inputW[i];
        if (model.inputB) value += model.inputB[i];
        x[i] = value;
      }
      for (let j = 0; j < U; j++) {
        let num = 0;
        let den = 0;
        for (let i = 0; i < S; i++) {
          const k = i * U + j;
          const act = sw[k] * sigmoid(sensorySigma[k] * (x[i] - sensoryMu[k])) * sensoryMask[k];
          num += act * sensoryErev[k];
          den += act;
        }
        numS[j] = num;
        denS[j] = den;
      }
      const dt = timespans[row] / model.odeUnfolds;
      for (let u = 0; u < model.odeUnfolds; u++) {
        for (let j = 0; j < U; j++) {
          let num = 0;
          let den = 0;
          for (let i = 0; i < U; i++) {
            const k = i * U + j;
            const act = w[k] * sigmoid(sigma[k] * (v[i] - mu[k])) * mask[k];
            num += act * erev[k];
            den += act;
          }
          const cmt = cm[j] / dt;
          next[j] = (cmt * v[j] + gleak[j] * vleak[j] + (num + numS[j])) / (cmt + gleak[j] + (den + denS[j]) + model.epsilon);
        }
        v.set(next);
      }
      trajectory.set(v, row * U);
      for (let m = 0; m < M; m++) {
        let value = v[m];
        if (model.outputW) value *= model.outputW[m];
        if (model.outputB) value += model.outputB[m];
        output[row * M + m] = value;
      }
    }
  }
  return { output, trajectory };
}
