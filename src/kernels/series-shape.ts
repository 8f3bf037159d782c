import { InvalidInputError, requireInteger } from '../errors';
import { STORAGE, Usage, readUint32, checkBindingSize } from '../gpu/buffers';
import type { ComputeStep } from '../gpu/compute';
import type { GpuContext } from '../gpu/device';
import { declareKernel, dispatch, kernelPipeline } from '../gpu/kernel';
import { requireGpuTensorLayout, type GpuTensor } from '../gpu/tensor';

/**
 * Shaping a series into a fixed-width input in [0, 1]: linear resampling to `width` points, then min–max
 * scaling (a constant series maps to 0.5). The CPU functions below are the reference (and the CPU path);
 * shaders/wgsl/series-shape.wgsl does the same f32 operations in the same order on a GPU-resident tensor.
 * They agree within TOLERANCE.f32Elementwise, not bit for bit: WGSL allows 2.5 ulp on f32 division and may
 * fuse `a + (b − a)·f` into one fma; everything else (the split of the position into index and fraction,
 * the min/max) is exact on both.
 */
export const SERIES_SHAPE_WORKGROUP_SIZE = 256;
/** The GPU kernel is one workgroup (its min/max a workgroup reduction): n and width up to this. */
export const SERIES_SHAPE_MAX_LENGTH = 16384;

/** Resampling and min–max scaling in one workgroup (shaders/wgsl/series-shape.wgsl). */
export const SERIES_SHAPE_KERNEL = declareKernel({
  shader: 'series-shape',
  constants: { WORKGROUP_SIZE: SERIES_SHAPE_WORKGROUP_SIZE },
  workgroupSize: SERIES_SHAPE_WORKGROUP_SIZE,
  uniforms: { n: 'u32', width: 'u32', offset: 'u32' },
  bindings: ['x', 'y', 'status'],
});

const f = Math.fround;

/**
 * Linear resampling of `series` to `width` points, in f32 as the kernel computes it: output i sits at
 * i·(n − 1)/(width − 1); its integer part and fraction are split exactly, then `a + (b − a)·frac`.
 */
export function resample(series: ArrayLike<number>, width: number): Float32Array {
  requireInteger('width', width, 1, 2 ** 31);
  const n = series.length;
  if (n === 0) throw new InvalidInputError('the series is empty', 'pass at least one value');
  const out = new Float32Array(width);
  const den = Math.max(1, width - 1);
  for (let i = 0; i < width; i++) {
    const num = i * (n - 1);
    const left = Math.floor(num / den);
    const right = Math.min(n - 1, left + 1);
    const frac = f((num % den) / den);
    const a = f(series[left]);
    out[i] = a + f(f(f(series[right]) - a) * frac);
  }
  return out;
}

/** Min–max scaling into [0, 1] (a constant series maps to 0.5), in f32 as the kernel computes it. */
export function unitScale(values: Float32Array): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = f(max - min);
  return values.map((v) => (span > 0 ? f(v - min) / span : 0.5));
}

/**
 * CPU reference of the kernel: `unitScale(resample(values, width))`, except that a series holding NaN or
 * ±Inf (or whose resampled range overflows f32) gives all NaN, as the kernel writes (and flags) it.
 */
export function shapeSeriesCpu(values: ArrayLike<number>, width: number): Float32Array {
  const resampled = resample(values, width);
  let bad = false;
  for (let i = 0; i < values.length && !bad; i++) bad = !Number.isFinite(f(values[i]));
  let min = Infinity;
  let max = -Infinity;
  for (const v of resampled) {
    if (!Number.isFinite(v)) bad = true;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (bad || !Number.isFinite(f(max - min))) return resampled.fill(NaN);
  return unitScale(resampled);
}

/** A shaped series on the GPU, owned by the caller: `destroy()` frees it. */
export interface ShapedSeriesTensor extends GpuTensor {
  /** One u32 the kernel sets to 1 when the series held NaN/±Inf (its values are then all NaN), else 0. */
  readonly status: GPUBuffer;
  /** Reads the status word back (a wait on the GPU): for callers that want a typed error before going on. */
  nonFinite(): Promise<boolean>;
  destroy(): void;
}

/** The element count of a [n] or [1, n] tensor, or a typed error. */
export function seriesLength(tensor: GpuTensor, name = 'tensor'): number {
  const shape = tensor.shape;
  const ok = Array.isArray(shape) && (shape.length === 1 || (shape.length === 2 && shape[0] === 1)) && shape.every((d) => Number.isInteger(d) && d >= 1);
  if (!ok) throw new InvalidInputError(`${name} has shape ${JSON.stringify(shape)}`, `pass one row, shape [n] or [1, n] (tensorRow picks a row of a batch)`);
  return shape[shape.length - 1];
}

/** Checks that a GPU tensor is a float32 series on `device` that its buffer holds; returns its length. */
export function requireResidentSeries(tensor: GpuTensor, device: GPUDevice, name = 'tensor'): number {
  if (!tensor || tensor.kind !== 'gpu') throw new InvalidInputError(`${name} is not a GPU tensor`, "pass { kind: 'gpu', buffer, device, byteOffset, dtype: 'float32', shape }");
  if (tensor.device !== device) throw new InvalidInputError(`${name} lives on another GPU device`, 'read it back with tensorValues() and pass the values, or use this device');
  const n = seriesLength(tensor, name);
  requireGpuTensorLayout(tensor, name);
  return n;
}

export function seriesShapePipeline(device: GPUDevice): GPUComputePipeline {
  return kernelPipeline(device, SERIES_SHAPE_KERNEL);
}

/** Encodes the shaping of `x[offset … offset + n)` into `y[0 … width)` and `status[0]` (no upload, no read-back). */
export function seriesShapeStep(device: GPUDevice, params: GPUBuffer, x: GPUBuffer, y: GPUBuffer, status: GPUBuffer): ComputeStep {
  return { pipeline: seriesShapePipeline(device), buffers: [params, x, y, status], workgroups: [1, 1, 1] };
}

/**
 * Shapes a GPU-resident series (`tensor`, shape [n] or [1, n], on ctx's device) into a new [width] tensor
 * in [0, 1] that the caller owns, without a read-back. n and width: 1 … SERIES_SHAPE_MAX_LENGTH.
 * NaN/±Inf in the series is flagged on the GPU (`status`, `nonFinite()`) and makes the output NaN.
 */
export async function shapeSeriesGpu(ctx: GpuContext, tensor: GpuTensor, width: number): Promise<ShapedSeriesTensor> {
  const { device } = ctx;
  const n = requireResidentSeries(tensor, device);
  const limit = SERIES_SHAPE_MAX_LENGTH;
  if (n > limit) throw new InvalidInputError(`the series has ${n} values`, `the GPU shaping kernel takes up to ${limit}: use shapeSeriesCpu on the values`);
  requireInteger('width', width, 1, limit);
  if ((tensor.buffer.usage & Usage.STORAGE) === 0) throw new InvalidInputError('the series buffer was not made with STORAGE usage', 'the kernel binds it as a storage buffer: create it with GPUBufferUsage.STORAGE, or pass the values to shapeSeriesCpu');
  checkBindingSize(device, tensor.buffer.size, 'series');
  const output = device.createBuffer({ size: width * 4, usage: STORAGE, label: 'shaped-series' });
  const status = device.createBuffer({ size: 4, usage: STORAGE, label: 'shaped-series-status' });
  try {
    await dispatch(ctx, {
      kernel: SERIES_SHAPE_KERNEL,
      uniforms: { n, width, offset: tensor.byteOffset / 4 },
      buffers: { x: tensor.buffer, y: output, status },
      workgroups: [1, 1, 1],
    }, { timing: false });
  } catch (error) {
    output.destroy();
    status.destroy();
    throw error;
  }
  return {
    kind: 'gpu', buffer: output, device, byteOffset: 0, dtype: 'float32', shape: [width], status,
    nonFinite: async () => (await readUint32(device, status, 1))[0] !== 0,
    destroy: () => {
      output.destroy();
      status.destroy();
    },
  };
}
