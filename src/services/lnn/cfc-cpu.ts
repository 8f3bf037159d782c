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

/**
 * out[j] = b[j] + Σ_i W[j,i]·x[i] (torch nn.Linear). Accumulates in f64 in index order, stores f32.
 * Four outputs at a time: four independent sums (the CPU overlaps their adds), each still in index
 * order, so every value is the one-output-at-a-time loop's bit for bit.
 */
export function linearInto(weight: Float32Array, bias: Float32Array, x: Float32Array, inDim: number, outDim: number, out: Float32Array, xOffset = 0): void {
  let j = 0;
  for (; j + 4 <= outDim; j += 4) {
    const r0 = j * inDim;
    const r1 = r0 + inDim;
    const r2 = r1 + inDim;
    const r3 = r2 + inDim;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let i = 0; i < inDim; i++) {
      const xi = x[xOffset + i];
      a0 += weight[r0 + i] * xi;
      a1 += weight[r1 + i] * xi;
      a2 += weight[r2 + i] * xi;
      a3 += weight[r3 + i] * xi;
    }
    out[j] = a0 + bias[j];
    out[j + 1] = a1 + bias[j + 1];
    out[j + 2] = a2 + bias[j + 2];
    out[j + 3] = a3 + bias[j + 3];
  }
  for (; j < outDim; j++) {
    let acc = 0;
    const row = j * inDim;
    for (let i = 0; i < inDim; i++) acc += weight[row + i] * x[xOffset + i];
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
  const offsets = cellOffsets(model);
  const lastOff = offsets[offsets.length - 1];
  // Everything a step needs, made once: per cell its masked weights and head buffers (no allocation per step).
  const cells = model.cells.map((cell) => {
    const H = cell.hiddenSize;
    const z = new Float32Array(H * 4);
    return { cell, w: effective(cell), ff1: z.subarray(0, H), ff2: z.subarray(H, 2 * H), ta: z.subarray(2 * H, 3 * H), tb: z.subarray(3 * H, 4 * H) };
  });
  const readout = model.readout;
  const readoutOut = readout ? new Float32Array(readout.outDim) : undefined;
  for (let b = 0; b < batch; b++) {
    const h = state.subarray(b * S, (b + 1) * S);
    for (let t = 0; t < steps; t++) {
      const ts = timespans[b * steps + t];
      for (let c = 0; c < cells.length; c++) {
        const { cell, w, ff1, ff2, ta, tb } = cells[c];
        const H = cell.hiddenSize;
        const inDim = cell.inputSize;
        const hOff = offsets[c];
        if (c === 0) {
          const inOff = (b * steps + t) * IN;
          for (let i = 0; i < inDim; i++) cat[i] = inputs[inOff + i];
        } else {
          const prev = offsets[c - 1];
          for (let i = 0; i < inDim; i++) cat[i] = h[prev + i];
        }
        for (let i = 0; i < H; i++) cat[inDim + i] = h[hOff + i];
        let src = cat;
        for (let k = 0; k < cell.backbone.length; k++) {
          const layer = cell.backbone[k];
          const dst = k % 2 === 0 ? bufA : bufB;
          linearInto(layer.weight, layer.bias, src, layer.inDim, layer.outDim, dst);
          for (let j = 0; j < layer.outDim; j++) dst[j] = activate(cell.activation, dst[j]);
          src = dst;
        }
        const catDim = cell.ff1.inDim;
        linearInto(w.ff1, cell.ff1.bias, src, catDim, H, ff1);
        if (cell.mode === 'pure') {
          const A = cell.A!;
          const wTau = cell.wTau!;
          for (let j = 0; j < H; j++) {
            const a = A[j];
            h[hOff + j] = -a * Math.exp(-ts * (Math.abs(wTau[j]) + Math.abs(ff1[j]))) * ff1[j] + a;
          }
        } else {
          linearInto(w.ff2!, cell.ff2!.bias, src, catDim, H, ff2);
          linearInto(cell.timeA!.weight, cell.timeA!.bias, src, catDim, H, ta);
          linearInto(cell.timeB!.weight, cell.timeB!.bias, src, catDim, H, tb);
          const noGate = cell.mode === 'no_gate';
          for (let j = 0; j < H; j++) {
            const gate = sigmoid(ta[j] * ts + tb[j]);
            const t1 = Math.tanh(ff1[j]);
            const t2 = Math.tanh(ff2[j]);
            h[hOff + j] = noGate ? t1 + gate * t2 : t1 * (1 - gate) + gate * t2;
          }
        }
      }
      const row = b * steps + t;
      trajectory.set(h, row * S);
      if (readout && readoutOut) {
        linearInto(readout.weight, readout.bias, h, O, readout.outDim, readoutOut, lastOff);
        output.set(readoutOut, row * width);
      } else {
        output.set(h.subarray(lastOff, lastOff + O), row * width);
      }
    }
  }
  return { output, trajectory };
}
