import { UNIFORM, bufferFrom } from '../gpu/buffers';
import type { ComputeStep } from '../gpu/compute';
import { getPipeline } from '../gpu/pipeline-cache';
import { loadWgsl } from '../gpu/wgsl';
import type { RlsShape } from './lnn-model';

export const LNN_RLS_WORKGROUP_SIZE = 64;

export function lnnRlsPipeline(device: GPUDevice): GPUComputePipeline {
  return getPipeline(device, { shader: 'lnn-rls', code: loadWgsl('lnn-rls'), constants: { WORKGROUP_SIZE: LNN_RLS_WORKGROUP_SIZE } });
}

/** The sample sets of one update, as in rls-cpu.ts's RlsSampleSet (less the data). */
export interface RlsRun {
  train: { count: number; steps: number; skip: number };
  held: { count: number; steps: number; skip: number; rowOffset: number; targetOffset: number };
  strength: number;
}

export function rlsShapeUniform(device: GPUDevice, shape: RlsShape, run: RlsRun): GPUBuffer {
  const words = new ArrayBuffer(64);
  const view = new DataView(words);
  const { train, held } = run;
  [shape.rows, shape.width, shape.stateSize, shape.inputOffset, train.count, train.steps, held.count, held.steps, train.skip, held.skip, held.rowOffset, held.targetOffset].forEach((v, i) =>
    view.setUint32(i * 4, v, true),
  );
  view.setFloat32(48, run.strength, true);
  return bufferFrom(device, new Uint8Array(words), UNIFORM, 'lnn-rls shape');
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
  return {
    pipeline: lnnRlsPipeline(device),
    buffers: [uniform, b.trainTrajectory, b.heldTrajectory, b.targets, b.stateIn, b.stateOut, b.work],
    workgroups: [1, 1, 1],
  };
}
