import { STORAGE } from '../gpu/buffers';
import type { ExecutionPath } from './stages';
import { tensorRow, tensorValues, type CpuTensor, type GpuTensor, type Handoff, type Tensor } from './packet';

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

/**
 * One batch's tensor (e.g. the embeddings of the texts routed together) shared by the requests of
 * the batch. Each stage asks for it on its own path: it stays where it is for a stage on that path,
 * and is read back (once for the batch) for a CPU stage. The GPU buffer is destroyed once every
 * request has released it.
 */
export class SharedTensor {
  private cpu?: Promise<CpuTensor>;
  private users: number;

  constructor(readonly source: Tensor, users: number, private readonly dispose: () => void = () => {}) {
    this.users = users;
  }

  /** Row `row` on `path` (on `device` for the GPU path), and how it got there. */
  async row(row: number, path: ExecutionPath, device?: GPUDevice): Promise<{ tensor: Tensor; handoff: Handoff }> {
    const { source } = this;
    if (path === 'gpu' && source.kind === 'gpu' && source.device === device) return { tensor: tensorRow(source, row), handoff: 'gpu' };
    // A GPU stage given CPU rows uploads what it needs itself.
    const tensor = tensorRow(await this.onCpu(), row);
    return { tensor, handoff: source.kind === 'gpu' ? 'gpu→cpu' : path === 'gpu' ? 'cpu→gpu' : 'cpu' };
  }

  /** The whole tensor in CPU memory, read back once. */
  onCpu(): Promise<CpuTensor> {
    const { source } = this;
    this.cpu ??= source.kind === 'cpu' ? Promise.resolve(source) : tensorValues(source).then((data) => ({ kind: 'cpu', data, shape: source.shape }));
    return this.cpu;
  }

  release(): void {
    if (--this.users === 0) this.dispose();
  }
}
