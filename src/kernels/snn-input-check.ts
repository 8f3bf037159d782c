import { STORAGE, readUint32 } from '../gpu/buffers';
import type { ComputeStep } from '../gpu/compute';
import { dispatchFor } from '../gpu/dispatch';
import { declareKernel } from '../gpu/kernel';
import { declaredStep } from './declared-step';
import { SNN_WORKGROUP_SIZE } from './snn-encode';
import { NO_INDEX } from './wgsl-constants';

/** What the check found in a GPU-resident input: the first offending index of each kind, or -1. */
export interface SnnInputFault {
  firstNonFinite: number;
  firstOutOfRange: number;
}

const NONE = NO_INDEX;

/** The range and finiteness check of a resident input (shaders/wgsl/snn-input-check.wgsl). */
export const SNN_INPUT_CHECK_KERNEL = declareKernel({
  shader: 'snn-input-check',
  constants: { WORKGROUP_SIZE: SNN_WORKGROUP_SIZE },
  workgroupSize: SNN_WORKGROUP_SIZE,
  uniforms: { count: 'u32', direct: 'u32', maxDirect: 'f32' },
  bindings: ['input', 'fault'],
});

/** The fault words (`Fault` in snn-input-check.wgsl), set to "none" before the run. */
export function createSnnInputFault(device: GPUDevice): GPUBuffer {
  const buffer = device.createBuffer({ size: 8, usage: STORAGE, label: 'snn-input-fault' });
  device.queue.writeBuffer(buffer, 0, new Uint32Array([NONE, NONE]));
  return buffer;
}

/** Encodes the range check of `input[0 … count)`: [0, 1], or |x| ≤ maxDirect for direct currents; finite. */
export function snnInputCheckStep(
  device: GPUDevice, b: { input: GPUBuffer; fault: GPUBuffer }, shape: { count: number; direct: boolean; maxDirect: number },
): { step: ComputeStep; uniforms: GPUBuffer } {
  return declaredStep(device, {
    kernel: SNN_INPUT_CHECK_KERNEL,
    uniforms: { count: shape.count, direct: shape.direct ? 1 : 0, maxDirect: shape.maxDirect },
    buffers: { input: b.input, fault: b.fault },
    workgroups: dispatchFor(device, shape.count, SNN_WORKGROUP_SIZE),
  });
}

export async function readSnnInputFault(device: GPUDevice, fault: GPUBuffer): Promise<SnnInputFault> {
  const [nonFinite, outOfRange] = await readUint32(device, fault, 2);
  return { firstNonFinite: nonFinite === NONE ? -1 : nonFinite, firstOutOfRange: outOfRange === NONE ? -1 : outOfRange };
}
