import { InvalidInputError } from '../errors';
import { STORAGE, readBuffer, uniformFrom } from '../gpu/buffers';
import type { ComputeStep } from '../gpu/compute';
import type { GpuContext } from '../gpu/device';
import { declareKernel, dispatch, kernelPipeline } from '../gpu/kernel';

/**
 * The query's norm and a non-finite flag, in a small storage buffer the distance kernel reads
 * (`QueryInfo { norm: f32, nonFinite: u32 }` in memory-query-norm.wgsl and memory-distance.wgsl).
 * A GPU-resident query gets it from the one-workgroup norm pass; a CPU query from `writeMemoryQueryInfo`.
 */
export const MEMORY_QUERY_NORM_WORKGROUP_SIZE = 256;
export const MEMORY_QUERY_INFO_BYTES = 8;
/** The bits the `nonFinite` word holds when the query has NaN or ±Inf (a quiet NaN, so it can be the score). */
export const MEMORY_QUERY_NAN_BITS = 0x7fc00000;

/** The query's norm and non-finite flag, one workgroup (shaders/wgsl/memory-query-norm.wgsl). */
export const MEMORY_QUERY_NORM_KERNEL = declareKernel({
  shader: 'memory-query-norm',
  constants: { WORKGROUP_SIZE: MEMORY_QUERY_NORM_WORKGROUP_SIZE },
  workgroupSize: MEMORY_QUERY_NORM_WORKGROUP_SIZE,
  uniforms: { dim: 'u32' },
  bindings: ['query', 'info'],
});

export interface MemoryQueryNormInfo {
  norm: number;
  nonFinite: boolean;
}

/** CPU reference: the Euclidean norm (summed in f64) and whether any value is NaN or ±Inf. */
export function memoryQueryInfoCpu(query: ArrayLike<number>): MemoryQueryNormInfo {
  let sum = 0;
  let nonFinite = false;
  for (let i = 0; i < query.length; i++) {
    const v = query[i];
    if (!Number.isFinite(v)) nonFinite = true;
    sum += v * v;
  }
  return { norm: Math.sqrt(sum), nonFinite };
}

function encodeQueryInfo(info: MemoryQueryNormInfo): Uint8Array<ArrayBuffer> {
  const bytes = new ArrayBuffer(MEMORY_QUERY_INFO_BYTES);
  const view = new DataView(bytes);
  view.setFloat32(0, info.norm, true);
  view.setUint32(4, info.nonFinite ? MEMORY_QUERY_NAN_BITS : 0, true);
  return new Uint8Array(bytes);
}

function decodeQueryInfo(bytes: ArrayBuffer): MemoryQueryNormInfo {
  const view = new DataView(bytes);
  return { norm: view.getFloat32(0, true), nonFinite: view.getUint32(4, true) !== 0 };
}

/** The CPU path's way to fill the info buffer: the norm computed here, written with the query. */
export function writeMemoryQueryInfo(device: GPUDevice, info: GPUBuffer, query: ArrayLike<number>): void {
  device.queue.writeBuffer(info, 0, encodeQueryInfo(memoryQueryInfoCpu(query)));
}

export function memoryQueryNormParams(device: GPUDevice, dim: number): GPUBuffer {
  return uniformFrom(device, [{ u32: dim }]);
}

/** Encodes the norm pass over `query[0..dim)` into `info` (one workgroup: the query is one row). */
export function memoryQueryNormStep(device: GPUDevice, params: GPUBuffer, query: GPUBuffer, info: GPUBuffer): ComputeStep {
  return { pipeline: kernelPipeline(device, MEMORY_QUERY_NORM_KERNEL), buffers: [params, query, info], workgroups: [1, 1, 1] };
}

/** One-shot: uploads `query`, runs the norm pass and reads the info back (tests of the kernel). */
export async function memoryQueryInfoGpu(ctx: GpuContext, query: Float32Array): Promise<MemoryQueryNormInfo> {
  if (query.length === 0) throw new InvalidInputError('the query is empty', 'pass at least one value');
  const { device, pool } = ctx;
  const source = pool.acquire(query.byteLength, STORAGE, 'query');
  const info = pool.acquire(MEMORY_QUERY_INFO_BYTES, STORAGE, 'query-info');
  try {
    device.queue.writeBuffer(source, 0, query as Float32Array<ArrayBuffer>);
    await dispatch(ctx, { kernel: MEMORY_QUERY_NORM_KERNEL, uniforms: { dim: query.length }, buffers: { query: source, info }, workgroups: [1, 1, 1] }, { timing: false });
    return decodeQueryInfo(await readBuffer(device, info, MEMORY_QUERY_INFO_BYTES));
  } finally {
    pool.release(source, info);
  }
}
