import { LNN_ACTIVATIONS, CFC_MODES, maskedWeight, type CfcModel } from './lnn-model';
import { cellOffsets } from './lnn-model';
import { UNIFORM, bufferFrom } from '../gpu/buffers';
import type { ComputeStep } from '../gpu/compute';
import { dispatchFor } from '../gpu/dispatch';
import { getPipeline } from '../gpu/pipeline-cache';
import { loadWgsl } from '../gpu/wgsl';
import { NO_INDEX } from './wgsl-constants';

/** Threads per workgroup (one workgroup per batch row): the widest layer, rounded up to a power of two, at most this. */
export const LNN_CFC_WORKGROUP_SIZE = 64;

/** Small models get small workgroups: threads past the widest layer would only idle at every barrier. */
export function lnnWorkgroupSizeFor(width: number): number {
  let size = 1;
  while (size < width && size < LNN_CFC_WORKGROUP_SIZE) size *= 2;
  return size;
}
const SEQ_INPUT = NO_INDEX;

/** A CfC model laid out for lnn-cfc.wgsl: one f32 parameter buffer, the shape words, the readout. */
export interface PackedCfc {
  params: Float32Array;
  /** 64 u32 words: the `Shape` uniform less steps and batch (filled per run). */
  shape: Uint32Array;
  scratchStride: number;
  /** rows × (O + 1), bias last; one zero row when the model has none (the kernel then ignores it). */
  readout: Float32Array;
  readoutRows: number;
  workgroupSize: number;
}

/** Packs the model's parameters (ff1/ff2 already multiplied by ncps's sparsity mask). */
export function packCfcModel(model: CfcModel): PackedCfc {
  if (model.cells.length > 3) throw new RangeError('lnn-cfc.wgsl holds at most 3 cells (NCP: inter, command, motor)');
  const chunks: Float32Array[] = [];
  let size = 0;
  const put = (...arrays: Float32Array[]) => {
    const at = size;
    for (const a of arrays) {
      chunks.push(a);
      size += a.length;
    }
    return at;
  };
  const shape = new Uint32Array(64);
  const offsets = cellOffsets(model);
  let maxCat = 1;
  let maxUnits = 1;
  let maxHidden = 1;
  model.cells.forEach((cell, c) => {
    const v = 16 + 16 * c;
    const units = cell.backbone.length ? cell.backbone[0].outDim : 0;
    const backboneOffset = size;
    for (const layer of cell.backbone) put(layer.weight, layer.bias);
    const ff1 = put(maskedWeight(cell.ff1, cell.sparsityMask), cell.ff1.bias);
    const ff2 = cell.ff2 ? put(maskedWeight(cell.ff2, cell.sparsityMask), cell.ff2.bias) : 0;
    const ta = cell.timeA ? put(cell.timeA.weight, cell.timeA.bias) : 0;
    const tb = cell.timeB ? put(cell.timeB.weight, cell.timeB.bias) : 0;
    const wTau = cell.wTau ? put(cell.wTau) : 0;
    const a = cell.A ? put(cell.A) : 0;
    shape.set([cell.inputSize, cell.hiddenSize, offsets[c], CFC_MODES.indexOf(cell.mode)], v);
    shape.set([cell.backbone.length, units, backboneOffset, cell.ff1.inDim], v + 4);
    shape.set([ff1, ff2, ta, tb], v + 8);
    shape.set([wTau, a, c === 0 ? SEQ_INPUT : offsets[c - 1], 0], v + 12);
    maxCat = Math.max(maxCat, cell.inputSize + cell.hiddenSize);
    maxUnits = Math.max(maxUnits, units);
    maxHidden = Math.max(maxHidden, cell.hiddenSize);
  });
  const params = new Float32Array(Math.max(size, 1));
  let at = 0;
  for (const chunk of chunks) {
    params.set(chunk, at);
    at += chunk.length;
  }
  const O = model.cellOutputSize;
  const rows = model.readout ? model.readout.outDim : 0;
  const readout = new Float32Array(Math.max(rows, 1) * (O + 1));
  if (model.readout) {
    for (let p = 0; p < rows; p++) {
      readout.set(model.readout.weight.subarray(p * O, (p + 1) * O), p * (O + 1));
      readout[p * (O + 1) + O] = model.readout.bias[p];
    }
  }
  const activation = LNN_ACTIVATIONS.indexOf(model.cells[0].activation);
  const scratchStride = maxCat + 2 * maxUnits + maxHidden;
  shape.set([model.cells.length, activation, model.stateSize, O], 0);
  shape.set([rows, 0, 0, model.inputSize], 4);
  shape.set([scratchStride, rows || O, offsets[offsets.length - 1], maxCat], 8);
  shape.set([maxCat + maxUnits, maxCat + 2 * maxUnits, 0, 0], 12);
  const workgroupSize = lnnWorkgroupSizeFor(Math.max(maxCat, maxUnits, rows));
  return { params, shape, scratchStride, readout, readoutRows: rows, workgroupSize };
}

export function lnnCfcPipeline(device: GPUDevice, workgroupSize: number): GPUComputePipeline {
  return getPipeline(device, { shader: 'lnn-cfc', code: loadWgsl('lnn-cfc'), constants: { WORKGROUP_SIZE: workgroupSize } });
}

/** The resident buffers one sequence run binds. `seq` holds inputs (batch×steps×in) then timespans (batch×steps). */
export interface LnnRunBuffers {
  params: GPUBuffer;
  readout: GPUBuffer;
  seq: GPUBuffer;
  state: GPUBuffer;
  scratch: GPUBuffer;
  trajectory: GPUBuffer;
  output: GPUBuffer;
}

/** The uniform for one run of a packed CfC (caller destroys it after the submission). */
export function cfcShapeUniform(device: GPUDevice, packed: PackedCfc, batch: number, steps: number): GPUBuffer {
  const words = packed.shape.slice();
  words[5] = steps;
  words[6] = batch;
  return bufferFrom(device, words, UNIFORM, 'lnn-cfc shape');
}

/** Encodes a whole sequence for every batch row: one dispatch, one workgroup per row. */
export function cfcSequenceStep(device: GPUDevice, packed: PackedCfc, shape: GPUBuffer, b: LnnRunBuffers, batch: number): ComputeStep {
  return {
    pipeline: lnnCfcPipeline(device, packed.workgroupSize),
    buffers: [shape, b.params, b.readout, b.seq, b.state, b.scratch, b.trajectory, b.output],
    workgroups: dispatchFor(device, batch, 1),
  };
}
