import { readFloat32 } from '../gpu/buffers';

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

/** What travels between stages. */
export interface Packet {
  id: string;
  timestamp: number;
  source: string;
  target: string;
  tensor: Tensor;
  metadata: Record<string, unknown>;
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
