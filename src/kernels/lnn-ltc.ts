import type { LtcModel } from './lnn-model';
import { UNIFORM, bufferFrom } from '../gpu/buffers';
import type { ComputeStep } from '../gpu/compute';
import { dispatchFor } from '../gpu/dispatch';
import { getPipeline } from '../gpu/pipeline-cache';
import { loadWgsl } from '../gpu/wgsl';
import { lnnWorkgroupSizeFor } from './lnn-cfc';
import { NO_INDEX } from './wgsl-constants';

const ABSENT = NO_INDEX;

export interface PackedLtc {
  params: Float32Array;
  /** The `Shape` uniform as 16 words, steps and batch filled per run. */
  shape: ArrayBuffer;
  scratchStride: number;
  workgroupSize: number;
}

/** Lays out an ncps LTCCell's parameters in the order lnn-ltc.wgsl reads them. */
export function packLtcModel(m: LtcModel): PackedLtc {
  const parts = [m.gleak, m.vleak, m.cm, m.sigma, m.mu, m.w, m.erev, m.sparsityMask, m.sensorySigma, m.sensoryMu, m.sensoryW, m.sensoryErev, m.sensorySparsityMask];
  let size = parts.reduce((n, p) => n + p.length, 0);
  const mapping = (a?: Float32Array) => {
    if (!a) return ABSENT;
    parts.push(a);
    const at = size;
    size += a.length;
    return at;
  };
  const inputW = mapping(m.inputW);
  const inputB = mapping(m.inputB);
  const outputW = mapping(m.outputW);
  const outputB = mapping(m.outputB);
  const params = new Float32Array(size);
  let at = 0;
  for (const p of parts) {
    params.set(p, at);
    at += p.length;
  }
  const scratchStride = m.sensorySize + 3 * m.units;
  const shape = new ArrayBuffer(64);
  const view = new DataView(shape);
  [m.units, m.sensorySize, m.motorSize, 0, 0, m.odeUnfolds, m.implicitConstraints ? 1 : 0, scratchStride].forEach((v, i) => view.setUint32(i * 4, v, true));
  view.setFloat32(32, m.epsilon, true);
  [inputW, inputB, outputW, outputB].forEach((v, i) => view.setUint32(36 + i * 4, v, true));
  return { params, shape, scratchStride, workgroupSize: lnnWorkgroupSizeFor(Math.max(m.units, m.sensorySize)) };
}

export function lnnLtcPipeline(device: GPUDevice, workgroupSize: number): GPUComputePipeline {
  return getPipeline(device, { shader: 'lnn-ltc', code: loadWgsl('lnn-ltc'), constants: { WORKGROUP_SIZE: workgroupSize } });
}

export function ltcShapeUniform(device: GPUDevice, packed: PackedLtc, batch: number, steps: number): GPUBuffer {
  const words = new Uint8Array(packed.shape.slice(0));
  const view = new DataView(words.buffer);
  view.setUint32(12, steps, true);
  view.setUint32(16, batch, true);
  return bufferFrom(device, words, UNIFORM, 'lnn-ltc shape');
}

export function ltcSequenceStep(
  device: GPUDevice,
  packed: PackedLtc,
  shape: GPUBuffer,
  b: { params: GPUBuffer; seq: GPUBuffer; state: GPUBuffer; scratch: GPUBuffer; trajectory: GPUBuffer; output: GPUBuffer },
  batch: number,
): ComputeStep {
  return {
    pipeline: lnnLtcPipeline(device, packed.workgroupSize),
    buffers: [shape, b.params, b.seq, b.state, b.scratch, b.trajectory, b.output],
    workgroups: dispatchFor(device, batch, 1),
  };
}
