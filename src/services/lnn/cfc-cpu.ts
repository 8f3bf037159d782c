import { cellOffsets } from '../../kernels/lnn-model';
import { activate, sigmoid } from './activation';
import { maskedWeight, type CfcCellParams, type CfcModel } from '../../kernels/lnn-model';

/** What a sequence run gives: the output per step and the whole state per step. */
export interface LnnSequenceResult {
  /** batch × steps × output width. */
  output: Float32Array;
  /** batch × steps × state size (the hidden state after each step). */
  trajectory: Float32Array;
}

const masked = new WeakMap<CfcCellParams, { ff1: Float32Array; ff2?: Float32Array }>();
function effective(cell: CfcCellParams) {
  let m = masked.get(cell);
  if (!m) masked.set(cell, (m = { ff1: maskedWeight(cell.ff1, cell.sparsityMask), ff2: cell.ff2 && maskedWeight(cell.ff2, cell.sparsityMask) }));
  return m;
}

/** out[j] = b[j] + Σ_i W[j,i]·x[i] (torch nn.Linear). Accumulates in f64, stores f32. */
function linearInto(weight: Float32Array, bias: Float32Array, x: Float32Array, inDim: number, outDim: number, out: Float32Array): void {
  for (let j = 0; j < outDim; j++) {
    let acc = 0;
    const row = j * inDim;
    for (let i = 0; i < inDim; i++) acc += weight[row + i] * x[i];
    out[j] = acc + bias[j];
  }
}

/**
 * CPU reference of ncps CfC / WiredCfCCell over a sequence (`ncps/torch/cfc_cell.py`,
 * `wired_cfc_cell.py`, `cfc.py`): per step, each cell sees [input, h], runs the backbone, then
 *   pure:    h' = −A·exp(−ts·(|w_tau| + |ff1|))·ff1 + A
 *   default: h' = tanh(ff1)·(1 − σ(t_a·ts + t_b)) + σ(t_a·ts + t_b)·tanh(ff2)
 *   no_gate: h' = tanh(ff1) + σ(t_a·ts + t_b)·tanh(ff2)
 * `state` (batch × stateSize) is read as h0 and overwritten with the final state.
 */
export function cfcSequenceCpu(model: CfcModel, inputs: Float32Array, timespans: Float32Array, batch: number, steps: number, state: Float32Array): LnnSequenceResult {
  const S = model.stateSize;
  const IN = model.inputSize;
  const O = model.cellOutputSize;
  const width = model.readout ? model.readout.outDim : O;
  const output = new Float32Array(batch * steps * width);
  const trajectory = new Float32Array(batch * steps * S);
  const maxCat = Math.max(...model.cells.map((c) => c.inputSize + c.hiddenSize));
  const maxUnits = Math.max(1, ...model.cells.flatMap((c) => c.backbone.map((l) => l.outDim)));
  const cat = new Float32Array(maxCat);
  const bufA = new Float32Array(maxUnits);
  const bufB = new Float32Array(maxUnits);
  const heads = model.cells.map((c) => new Float32Array(c.hiddenSize * 4));
  const offsets = cellOffsets(model);
  const lastOff = offsets[offsets.length - 1];
  for (let b = 0; b < batch; b++) {
    const h = state.subarray(b * S, (b + 1) * S);
    for (let t = 0; t < steps; t++) {
      const ts = timespans[b * steps + t];
      model.cells.forEach((cell, c) => {
        const H = cell.hiddenSize;
        const inDim = cell.inputSize;
        for (let i = 0; i < inDim; i++) cat[i] = c === 0 ? inputs[(b * steps + t) * IN + i] : h[offsets[c - 1] + i];
        for (let i = 0; i < H; i++) cat[inDim + i] = h[offsets[c] + i];
        let src = cat;
        cell.backbone.forEach((layer, k) => {
          const dst = k % 2 === 0 ? bufA : bufB;
          linearInto(layer.weight, layer.bias, src, layer.inDim, layer.outDim, dst);
          for (let j = 0; j < layer.outDim; j++) dst[j] = activate(cell.activation, dst[j]);
          src = dst;
        });
        const w = effective(cell);
        const catDim = cell.ff1.inDim;
        const z = heads[c];
        const ff1 = z.subarray(0, H);
        linearInto(w.ff1, cell.ff1.bias, src, catDim, H, ff1);
        const next = h.subarray(offsets[c], offsets[c] + H);
        if (cell.mode === 'pure') {
          for (let j = 0; j < H; j++) {
            const a = cell.A![j];
            next[j] = -a * Math.exp(-ts * (Math.abs(cell.wTau![j]) + Math.abs(ff1[j]))) * ff1[j] + a;
          }
        } else {
          const ff2 = z.subarray(H, 2 * H);
          const ta = z.subarray(2 * H, 3 * H);
          const tb = z.subarray(3 * H, 4 * H);
          linearInto(w.ff2!, cell.ff2!.bias, src, catDim, H, ff2);
          linearInto(cell.timeA!.weight, cell.timeA!.bias, src, catDim, H, ta);
          linearInto(cell.timeB!.weight, cell.timeB!.bias, src, catDim, H, tb);
          for (let j = 0; j < H; j++) {
            const gate = sigmoid(ta[j] * ts + tb[j]);
            const t1 = Math.tanh(ff1[j]);
            const t2 = Math.tanh(ff2[j]);
            next[j] = cell.mode === 'no_gate' ? t1 + gate * t2 : t1 * (1 - gate) + gate * t2;
          }
        }
      });
      const row = b * steps + t;
      trajectory.set(h, row * S);
      if (model.readout) {
        const r = model.readout;
        for (let p = 0; p < r.outDim; p++) {
          let acc = 0;
          for (let o = 0; o < O; o++) acc += r.weight[p * O + o] * h[lastOff + o];
          output[row * width + p] = acc + r.bias[p];
        }
      } else {
        output.set(h.subarray(lastOff, lastOff + O), row * width);
      }
    }
  }
  return { output, trajectory };
}
