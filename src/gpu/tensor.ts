import { InvalidInputError } from '../errors';
import { STORAGE, readFloat32 } from './buffers';

/** A float32 tensor on a GPU device: a stage hands it to the next without a CPU round trip. */
export interface GpuTensor {
  kind: 'gpu';
  buffer: GPUBuffer;
  /** The device that owns `buffer`; a stage on another device must read it back. */
  device: GPUDevice;
  /** Where the tensor starts in `buffer`, in bytes (a row of a batch starts after the rows before it). */
  byteOffset: number;
  dtype: 'float32';
  shape: number[];
}

/** A tensor in CPU memory, used where the plan runs a stage on its CPU path. */
export interface CpuTensor {
  kind: 'cpu';
  data: Float32Array;
  shape: number[];
}

export type Tensor = GpuTensor | CpuTensor;

/**
 * How a stage's input tensor reached it: kept on the GPU ('gpu'), in CPU memory throughout ('cpu'),
 * read back because the plan switched to the CPU ('gpu→cpu'), or uploaded because it switched to the GPU ('cpu→gpu').
 */
export type Handoff = 'gpu' | 'cpu' | 'gpu→cpu' | 'cpu→gpu';

/** Whether `input` is a Tensor (rather than an array or typed array of numbers). */
export function isTensor(input: unknown): input is Tensor {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || ArrayBuffer.isView(input)) return false;
  const kind = (input as { kind?: unknown }).kind;
  return kind === 'gpu' || kind === 'cpu';
}

/**
 * Checks what can be checked of a GPU tensor without reading it back: float32, a buffer and a
 * device, and its elements (from its shape) inside the buffer at a byte offset that is a
 * non-negative multiple of 4. The shape itself is the receiver's to check first.
 */
export function requireGpuTensorLayout(tensor: GpuTensor, name: string): void {
  if (tensor.dtype !== 'float32') throw new InvalidInputError(`${name}'s dtype is '${String(tensor.dtype)}'`, 'pass a float32 tensor');
  const { buffer, device, byteOffset } = tensor;
  if (typeof buffer !== 'object' || buffer === null || typeof buffer.size !== 'number') {
    throw new InvalidInputError(`${name} has no GPUBuffer`, 'pass a tensor whose buffer is a GPUBuffer');
  }
  if (typeof device !== 'object' || device === null || typeof device.createCommandEncoder !== 'function') {
    throw new InvalidInputError(`${name} has no GPUDevice`, 'pass the device that owns the buffer as tensor.device');
  }
  if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset % 4 !== 0) {
    throw new InvalidInputError(`${name}'s byteOffset is ${String(byteOffset)}`, 'byteOffset must be a non-negative multiple of 4');
  }
  const end = byteOffset + elementsOf(tensor) * 4;
  if (end > buffer.size) {
    throw new InvalidInputError(`${name} needs bytes ${byteOffset}..${end} of a ${buffer.size}-byte buffer`, 'fix byteOffset or shape: the tensor must lie inside its buffer');
  }
}

export function elementsOf(tensor: Tensor): number {
  return tensor.shape.reduce((a, b) => a * b, 1);
}

/** Row `row` of a [rows, width] tensor, as a tensor of shape [width] that shares the storage. */
export function tensorRow(tensor: Tensor, row: number): Tensor {
  const width = tensor.shape[tensor.shape.length - 1];
  if (tensor.kind === 'cpu') return { kind: 'cpu', data: tensor.data.subarray(row * width, (row + 1) * width), shape: [width] };
  return { ...tensor, byteOffset: tensor.byteOffset + row * width * 4, shape: [width] };
}

/** The tensor's values in CPU memory: itself on the CPU, a read-back from the GPU. */
export async function tensorValues(tensor: Tensor): Promise<Float32Array> {
  if (tensor.kind === 'cpu') return tensor.data;
  return readFloat32(tensor.device, tensor.buffer, elementsOf(tensor), tensor.byteOffset);
}

/**
 * Rows of width `width` on `device`, gathered for a kernel that reads each at its own start: rows
 * that share one buffer are used in place; rows from several buffers are copied into one, on the device.
 */
export function rowsOnDevice(device: GPUDevice, rows: GpuTensor[], width: number): { tensor: GpuTensor; starts: number[]; release(): void } {
  const first = rows[0];
  if (rows.every((r) => r.buffer === first.buffer)) {
    return { tensor: { ...first, byteOffset: 0, shape: [first.buffer.size / 4] }, starts: rows.map((r) => r.byteOffset / 4), release() {} };
  }
  const rowBytes = width * 4;
  const buffer = device.createBuffer({ size: rows.length * rowBytes, usage: STORAGE, label: 'gathered rows' });
  const encoder = device.createCommandEncoder();
  rows.forEach((row, i) => encoder.copyBufferToBuffer(row.buffer, row.byteOffset, buffer, i * rowBytes, rowBytes));
  device.queue.submit([encoder.finish()]);
  const tensor: GpuTensor = { kind: 'gpu', buffer, device, byteOffset: 0, dtype: 'float32', shape: [rows.length, width] };
  return { tensor, starts: rows.map((_, i) => i * width), release: () => buffer.destroy() };
}
