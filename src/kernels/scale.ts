import { requireFiniteArray, InvalidInputError } from '../errors';
import { STORAGE, bufferFrom, readFloat32, uniformFrom, checkBindingSize } from '../gpu/buffers';
import { runCompute } from '../gpu/compute';
import type { GpuContext } from '../gpu/device';
import { dispatchFor } from '../gpu/dispatch';
import { getPipeline } from '../gpu/pipeline-cache';
import type { GpuTiming } from '../gpu/timing';
import { loadWgsl } from '../gpu/wgsl';

export const SCALE_WORKGROUP_SIZE = 256;

/** CPU reference: y[i] = factor · x[i], rounded to f32 as the GPU does. */
export function scaleCpu(x: Float32Array, factor: number): Float32Array {
  const y = new Float32Array(x.length);
  const f = Math.fround(factor);
  for (let i = 0; i < x.length; i++) y[i] = f * x[i];
  return y;
}

export function scalePipeline(device: GPUDevice): GPUComputePipeline {
  return getPipeline(device, { shader: 'scale', code: loadWgsl('scale'), constants: { WORKGROUP_SIZE: SCALE_WORKGROUP_SIZE } });
}

/** Encodes y = factor·x for `count` elements of resident buffers (no upload, no readback). */
export function scaleStep(device: GPUDevice, params: GPUBuffer, x: GPUBuffer, y: GPUBuffer, count: number) {
  return { pipeline: scalePipeline(device), buffers: [params, x, y], workgroups: dispatchFor(device, count, SCALE_WORKGROUP_SIZE) };
}

/** y = factor·x on the GPU, validated and read back. */
export async function scaleGpu(ctx: GpuContext, x: Float32Array, factor: number): Promise<{ y: Float32Array; timing: GpuTiming }> {
  if (x.length === 0) throw new InvalidInputError('x is empty', 'pass at least one element');
  requireFiniteArray('x', x);
  if (!Number.isFinite(factor)) throw new InvalidInputError(`factor is ${factor}`, 'factor must be a finite number');
  const { device } = ctx;
  checkBindingSize(device, x.byteLength, 'x');
  const params = uniformFrom(device, [{ u32: x.length }, { f32: factor }]);
  const input = bufferFrom(device, x, STORAGE, 'x');
  const output = ctx.pool.acquire(x.byteLength, STORAGE, 'y');
  try {
    const timing = await runCompute(device, [scaleStep(device, params, input, output, x.length)]);
    return { y: await readFloat32(device, output, x.length), timing };
  } finally {
    params.destroy();
    input.destroy();
    ctx.pool.release(output);
  }
}
