import type { ComputeStep } from '../gpu/compute';
import { declareKernel, kernelPipeline, uniformBlock } from '../gpu/kernel';
import type { RlsShape } from './lnn-model';

export const LNN_RLS_WORKGROUP_SIZE = 64;

/** The recursive-least-squares readout update, one workgroup (shaders/wgsl/lnn-rls.wgsl). */
export const LNN_RLS_KERNEL = declareKernel({
  shader: 'lnn-rls',
  constants: { WORKGROUP_SIZE: LNN_RLS_WORKGROUP_SIZE },
  workgroupSize: LNN_RLS_WORKGROUP_SIZE,
  uniforms: {
    rows: 'u32', width: 'u32', stateSize: 'u32', inputOffset: 'u32', trainSamples: 'u32', trainSteps: 'u32', heldSamples: 'u32', heldSteps: 'u32',
    trainSkip: 'u32', heldSkip: 'u32', heldRowOffset: 'u32', heldTargetOffset: 'u32', strength: 'f32', pad0: 'u32', pad1: 'u32', pad2: 'u32',
  },
  bindings: ['trainTrajectory', 'heldTrajectory', 'targets', 'stateIn', 'stateOut', 'work'],
});

export function lnnRlsPipeline(device: GPUDevice): GPUComputePipeline {
  return kernelPipeline(device, LNN_RLS_KERNEL);
}

/** The sample sets of one update, as in rls-cpu.ts's RlsSampleSet (less the data). */
export interface RlsRun {
  train: { count: number; steps: number; skip: number };
  held: { count: number; steps: number; skip: number; rowOffset: number; targetOffset: number };
  strength: number;
}

/** The uniform block of one update (the caller destroys it after the submission). */
export function rlsShapeUniform(device: GPUDevice, shape: RlsShape, run: RlsRun): GPUBuffer {
  const { train, held } = run;
  return uniformBlock(device, LNN_RLS_KERNEL, {
    rows: shape.rows, width: shape.width, stateSize: shape.stateSize, inputOffset: shape.inputOffset,
    trainSamples: train.count, trainSteps: train.steps, heldSamples: held.count, heldSteps: held.steps,
    trainSkip: train.skip, heldSkip: held.skip, heldRowOffset: held.rowOffset, heldTargetOffset: held.targetOffset,
    strength: run.strength, pad0: 0, pad1: 0, pad2: 0,
  });
}

/** Where [errorBefore, errorAfter] land in `work`. */
export function rlsErrorIndex(shape: RlsShape): number {
  return shape.width + 1 + shape.rows;
}

/** One workgroup runs the whole update (samples are sequential by nature). */
export function rlsUpdateStep(
  device: GPUDevice,
  uniform: GPUBuffer,
  b: { trainTrajectory: GPUBuffer; heldTrajectory: GPUBuffer; targets: GPUBuffer; stateIn: GPUBuffer; stateOut: GPUBuffer; work: GPUBuffer },
): ComputeStep {
  return { pipeline: lnnRlsPipeline(device), buffers: [uniform, ...LNN_RLS_KERNEL.bindings.map((name) => b[name])], workgroups: [1, 1, 1] };
}
