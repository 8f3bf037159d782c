import type { ComputeStep } from '../gpu/compute';
import { kernelPipeline, uniformBlock, type KernelRun, type UniformType } from '../gpu/kernel';

/**
 * A declared kernel's run as a ComputeStep with a uniform block of its own: a fresh buffer, filled by
 * field name, that the caller destroys after its submission. For callers that compose one submission
 * whose steps repeat (a T-step simulation binds one block T times), where dispatch()'s block per run
 * would multiply the blocks by T.
 */
export function declaredStep<U extends Record<string, UniformType>, B extends string>(
  device: GPUDevice, run: KernelRun<U, B> & { workgroups: NonNullable<KernelRun['workgroups']> },
): { step: ComputeStep; uniforms: GPUBuffer } {
  const { kernel } = run;
  const pipeline = kernelPipeline(device, kernel, run.constants); // first: a layout error throws before a buffer exists
  const uniforms = uniformBlock(device, kernel, run.uniforms);
  const buffers = kernel.bindings.map((name) => run.buffers[name]);
  return { step: { pipeline, buffers: [uniforms, ...buffers], workgroups: run.workgroups }, uniforms };
}
