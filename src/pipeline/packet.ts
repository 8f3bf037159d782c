/** A tensor on the runtime's device: a stage hands it to the next without a CPU round trip. */
export interface GpuTensor {
  kind: 'gpu';
  buffer: GPUBuffer;
  dtype: 'float32' | 'uint32' | 'int32';
  shape: number[];
}

/** A tensor in CPU memory, used where the plan runs a stage on its CPU path. */
export interface CpuTensor {
  kind: 'cpu';
  data: Float32Array;
  shape: number[];
}

export type Tensor = GpuTensor | CpuTensor;

/** What travels between services. */
export interface Packet {
  id: string;
  timestamp: number;
  source: string;
  target: string;
  tensor: Tensor;
  metadata: Record<string, unknown>;
}
