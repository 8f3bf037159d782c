import type { LtcModel } from './lnn-model';
import type { ComputeStep } from '../gpu/compute';
import { dispatchFor } from '../gpu/dispatch';
import { declareKernel, kernelPipeline, uniformBlock } from '../gpu/kernel';
import { lnnWorkgroupSizeFor } from './lnn-cfc';
import { NO_INDEX } from './wgsl-constants';

const ABSENT = NO_INDEX;

/** A whole LTC sequence, one workgroup per batch row (shaders/wgsl/lnn-ltc.wgsl); WORKGROUP_SIZE per model. */
export const LNN_LTC_KERNEL = declareKernel({
  shader: 'lnn-ltc',
  constants: { WORKGROUP_SIZE: 64 },
  workgroupSize: 1,
  uniforms: {
    units: 'u32', sensory: 'u32', motor: 'u32', steps: 'u32', batch: 'u32', unfolds: 'u32', softplusConstraint: 'u32', scratchStride: 'u32',
    epsilon: 'f32', inputW: 'u32', inputB: 'u32', outputW: 'u32', outputB: 'u32',
  },
  bindings: ['params', 'seq', 'state', 'scratch', 'trajectory', 'output'],
});

type LtcShape = { [K in keyof typeof LNN_LTC_KERNEL.uniforms]: number };

export interface PackedLtc {
  params: Float32Array;
  /** The `Shape` uniform's fields by name, less steps and batch (set per run). */
  shape: Omit<LtcShape, 'steps' | 'batch'>;
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
  const shape = {
    units: m.units, sensory: m.sensorySize, motor: m.motorSize, unfolds: m.odeUnfolds, softplusConstraint: m.implicitConstraints ? 1 : 0, scratchStride,
    epsilon: m.epsilon, inputW, inputB, outputW, outputB,
  };
  return { params, shape, scratchStride, workgroupSize: lnnWorkgroupSizeFor(Math.max(m.units, m.sensorySize)) };
}

export function lnnLtcPipeline(device: GPUDevice, workgroupSize: number): GPUComputePipeline {
  return kernelPipeline(device, LNN_LTC_KERNEL, { WORKGROUP_SIZE: workgroupSize });
}

/** The uniform for one run of a packed LTC (caller destroys it after the submission). */
export function ltcShapeUniform(device: GPUDevice, packed: PackedLtc, batch: number, steps: number): GPUBuffer {
  return uniformBlock(device, LNN_LTC_KERNEL, { ...packed.shape, steps, batch });
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
    buffers: [shape, ...LNN_LTC_KERNEL.bindings.map((name) => b[name])],
    workgroups: dispatchFor(device, batch, 1),
  };
}
