import { cellOffsets } from '../../kernels/lnn-model';
import { activate, sigmoid } from './activation';
import { linearRowsInto } from './linear-rows';
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
 * CPU reference of ncps CfC / WiredCfCCell over a sequence (`ncps/torch/cfc_cell.py`,
 * `wired_cfc_cell.py`, `cfc.py`): per step, each cell sees [input, h], runs the backbone, then
 *   pure:    h' = −A·exp(−ts·(|w_tau| + |ff1|))·ff1 + A
 *   default: h' = tanh(ff1)·(1 − σ(t_a·ts + t_b)) + σ(t_a·ts + t_b)·tanh(ff2)
 *   no_gate: h' = tanh(ff1) + σ(t_a·ts + t_b)·tanh(ff2)
 * `state` (batch × stateSize) is read as h0 and overwritten with the final state.
 */
export function cfcSequenceCpu(model: CfcModel, inputs: Float32Array, timespans: Float32Array, batch: number, steps: number, state: Float32Array): LnnSequenceResult {
  const B = batch;
  const S = model.stateSize;
  const IN = model.inputSize;
  const O = model.cellOutputSize;
  const width = model.readout ? model.readout.outDim : O;
  const output = new Float32Array(batch * steps * width);
  const trajectory = new Float32Array(batch * steps * S);
  const maxCat = Math.max(...model.cells.map((c) => c.inputSize + c.hiddenSize));
  const maxUnits = Math.max(1, ...model.cells.flatMap((c) => c.backbone.map((l) => l.outDim)));
  // Rows are the inner dimension: each layer runs once per step for the whole batch (linearRowsInto),
  // so its weights are read once per pair of rows, not once per row; every value stays the one-row loop's.
  const cat = new Float32Array(B * maxCat);
  const bufA = new Float32Array(B * maxUnits);
  const bufB = new Float32Array(B * maxUnits);
  const offsets = cellOffsets(model);
  const lastOff = offsets[offsets.length - 1];
  // Everything a step needs, made once: per cell its masked weights and head buffers (B × H each; no allocation per step).
  const cells = model.cells.map((cell) => {
    const n = B * cell.hiddenSize;
    const z = new Float32Array(n * 4);
    return { cell, w: effective(cell), ff1: z.subarray(0, n), ff2: z.subarray(n, 2 * n), ta: z.subarray(2 * n, 3 * n), tb: z.subarray(3 * n, 4 * n) };
  });
  const readout = model.readout;
  const readoutOut = readout ? new Float32Array(B * readout.outDim) : undefined;
  for (let t = 0; t < steps; t++) {
    for (let c = 0; c < cells.length; c++) {
      const { cell, w, ff1, ff2, ta, tb } = cells[c];
      const H = cell.hiddenSize;
      const inDim = cell.inputSize;
      const catWidth = inDim + H;
      const hOff = offsets[c];
      const prev = c === 0 ? 0 : offsets[c - 1];
      for (let r = 0; r < B; r++) {
        const at = r * catWidth;
        const h = r * S;
        if (c === 0) {
          const inOff = (r * steps + t) * IN;
          for (let i = 0; i < inDim; i++) cat[at + i] = inputs[inOff + i];
        } else {
          for (let i = 0; i < inDim; i++) cat[at + i] = state[h + prev + i];
        }
        for (let i = 0; i < H; i++) cat[at + inDim + i] = state[h + hOff + i];
      }
      let src = cat;
      for (let k = 0; k < cell.backbone.length; k++) {
        const layer = cell.backbone[k];
        const dst = k % 2 === 0 ? bufA : bufB;
        linearRowsInto(layer.weight, layer.bias, src, B, layer.inDim, layer.outDim, dst);
        for (let j = 0, n = B * layer.outDim; j < n; j++) dst[j] = activate(cell.activation, dst[j]);
        src = dst;
      }
      const catDim = cell.ff1.inDim;
      linearRowsInto(w.ff1, cell.ff1.bias, src, B, catDim, H, ff1);
      if (cell.mode === 'pure') {
        const A = cell.A!;
        const wTau = cell.wTau!;
        for (let r = 0; r < B; r++) {
          const ts = timespans[r * steps + t];
          const h = r * S + hOff;
          const f = r * H;
          for (let j = 0; j < H; j++) {
            const a = A[j];
            state[h + j] = -a * Math.exp(-ts * (Math.abs(wTau[j]) + Math.abs(ff1[f + j]))) * ff1[f + j] + a;
          }
        }
      } else {
        linearRowsInto(w.ff2!, cell.ff2!.bias, src, B, catDim, H, ff2);
        linearRowsInto(cell.timeA!.weight, cell.timeA!.bias, src, B, catDim, H, ta);
        linearRowsInto(cell.timeB!.weight, cell.timeB!.bias, src, B, catDim, H, tb);
        const noGate = cell.mode === 'no_gate';
        for (let r = 0; r < B; r++) {
          const ts = timespans[r * steps + t];
          const h = r * S + hOff;
          const f = r * H;
          for (let j = 0; j < H; j++) {
            const gate = sigmoid(ta[f + j] * ts + tb[f + j]);
            const t1 = Math.tanh(ff1[f + j]);
            const t2 = Math.tanh(ff2[f + j]);
            state[h + j] = noGate ? t1 + gate * t2 : t1 * (1 - gate) + gate * t2;
          }
        }
      }
    }
    if (readout && readoutOut) linearRowsInto(readout.weight, readout.bias, state, B, O, readout.outDim, readoutOut, S, lastOff);
    for (let r = 0; r < B; r++) {
      const row = r * steps + t;
      trajectory.set(state.subarray(r * S, (r + 1) * S), row * S);
      if (readoutOut) output.set(readoutOut.subarray(r * width, (r + 1) * width), row * width);
      else output.set(state.subarray(r * S + lastOff, r * S + lastOff + O), row * width);
    }
  }
  return { output, trajectory };
}
