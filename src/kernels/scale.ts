import { requireFiniteArray, InvalidInputError } from '../errors';
import { STORAGE, readFloat32, checkBindingSize } from '../gpu/buffers';
import type { ComputeStep } from '../gpu/compute';
import type { GpuContext } from '../gpu/device';
import { dispatchFor } from '../gpu/dispatch';
import { declareKernel, dispatch, kernelPipeline } from '../gpu/kernel';
import type { GpuTiming } from '../gpu/timing';

export const SCALE_WORKGROUP_SIZE = 256;

/** y[i] = factor · x[i] (shaders/wgsl/scale.wgsl). */
export const SCALE_KERNEL = declareKernel({
  shader: 'scale',
  constants: { WORKGROUP_SIZE: SCALE_WORKGROUP_SIZE },
  workgroupSize: SCALE_WORKGROUP_SIZE,
  uniforms: { count: 'u32', factor: 'f32' },
  bindings: ['x', 'y'],
});

/** CPU reference: y[i] = factor · x[i], rounded to f32 as the GPU does. */
export function scaleCpu(x: Float32Array, factor: number): Float32Array {
  const y = new Float32Array(x.length);
  const f = Math.fround(factor);
  for (let i = 0; i < x.length; i++) y[i] = f * x[i];
  return y;
}

export function scalePipeline(device: GPUDevice): GPUComputePipeline {
  return kernelPipeline(device, SCALE_KERNEL);
}

/** Encodes y = factor·x for `count` elements of resident buffers (no upload, no readback). */
export function scaleStep(device: GPUDevice, params: GPUBuffer, x: GPUBuffer, y: GPUBuffer, count: number): ComputeStep {
  return { pipeline: scalePipeline(device), buffers: [params, x, y], workgroups: dispatchFor(device, count, SCALE_WORKGROUP_SIZE) };
}

/** y = factor·x on the GPU, validated and read back. */
export async function scaleGpu(ctx: GpuContext, x: Float32Array, factor: number): Promise<{ y: Float32Array; timing: GpuTiming }> {
  if (x.length === 0) throw new InvalidInputError('x is empty', 'pass at least one element');
  requireFiniteArray('x', x);
  if (!Number.isFinite(factor)) throw new InvalidInputError(`factor is ${factor}`, 'factor must be a finite number');
  const { device, pool } = ctx;
  checkBindingSize(device, x.byteLength, 'x');
  const input = pool.acquire(x.byteLength, STORAGE, 'x');
  const output = pool.acquire(x.byteLength, STORAGE, 'y');
  try {
    device.queue.writeBuffer(input, 0, x as Float32Array<ArrayBuffer>);
    const timing = await dispatch(ctx, { kernel: SCALE_KERNEL, uniforms: { count: x.length, factor }, buffers: { x: input, y: output }, elements: x.length });
    return { y: await readFloat32(device, output, x.length), timing };
  } finally {
    pool.release(input, output);
  }
}
