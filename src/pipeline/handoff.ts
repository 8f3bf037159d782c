import { STORAGE } from '../gpu/buffers';
import type { ExecutionPath } from './stages';
import { tensorValues, type CpuTensor, type GpuTensor, type Handoff, type Tensor } from './packet';

/**
 * Rows of width `width` gathered on `device` for a kernel that reads each at its own start: rows
 * that already share one buffer there are used in place; otherwise they are stacked into a new
 * buffer (copied on the device, or uploaded from the CPU).
 */
export async function rowsOnDevice(device: GPUDevice, rows: Tensor[], width: number): Promise<{ tensor: GpuTensor; starts: number[]; handoff: Handoff; release(): void }> {
  const first = rows[0];
  if (first.kind === 'gpu' && rows.every((r) => r.kind === 'gpu' && r.device === device && r.buffer === first.buffer)) {
    const whole: GpuTensor = { ...first, byteOffset: 0, shape: [first.buffer.size / 4] };
    return { tensor: whole, starts: rows.map((r) => (r as GpuTensor).byteOffset / 4), handoff: 'gpu', release() {} };
  }
  const rowBytes = width * 4;
  const buffer = device.createBuffer({ size: rows.length * rowBytes, usage: STORAGE, label: 'stacked rows' });
  const encoder = device.createCommandEncoder();
  let uploaded = false;
  for (const [i, row] of rows.entries()) {
    if (row.kind === 'gpu' && row.device === device) encoder.copyBufferToBuffer(row.buffer, row.byteOffset, buffer, i * rowBytes, rowBytes);
    else {
      device.queue.writeBuffer(buffer, i * rowBytes, (await tensorValues(row)) as Float32Array<ArrayBuffer>);
      uploaded = true;
    }
  }
  device.queue.submit([encoder.finish()]);
  const tensor: GpuTensor = { kind: 'gpu', buffer, device, byteOffset: 0, dtype: 'float32', shape: [rows.length, width] };
  return { tensor, starts: rows.map((_, i) => i * width), handoff: uploaded ? 'cpu→gpu' : 'gpu', release: () => buffer.destroy() };
}

/**
 * One batch's tensor (e.g. the embeddings of the texts routed together) shared by the requests of
 * the batch. Each stage asks for it on its own path; it crosses between GPU and CPU at most once
 * each way, and only where a stage's path differs from where the tensor lives. The GPU buffer is
 * destroyed once every request has released it.
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
    const width = source.shape[source.shape.length - 1];
    if (path === 'gpu' && source.kind === 'gpu' && source.device === device) {
      return { tensor: { ...source, byteOffset: source.byteOffset + row * width * 4, shape: [width] }, handoff: 'gpu' };
    }
    const cpu = await this.onCpu();
    const data = cpu.data.subarray(row * width, (row + 1) * width);
    // A GPU stage given CPU rows uploads them itself (memory search, router stacking).
    return { tensor: { kind: 'cpu', data, shape: [width] }, handoff: source.kind === 'gpu' ? 'gpu→cpu' : path === 'gpu' ? 'cpu→gpu' : 'cpu' };
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
