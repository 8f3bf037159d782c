import type { GpuContext } from '../../gpu/device';
import { Usage, readFloat32 } from '../../gpu/buffers';
import type { LanguageGpuTensor } from './language-types';

/**
 * The pooled run buffers of the gpu path: one per BERT run, shared by the requests of that run. Each
 * request copies its rows out into a buffer of its own; a run buffer is destroyed once every request
 * that takes rows from it has copied them.
 */
export class PooledRows {
  /** Requests still to copy rows out of each run buffer. */
  private readonly refs = new Map<GPUBuffer, number>();

  constructor(private readonly hiddenSize: number) {}

  /** One more request takes rows from `buffer`. */
  take(buffer: GPUBuffer): void {
    this.refs.set(buffer, (this.refs.get(buffer) ?? 0) + 1);
  }

  /** Forgets every run buffer (after a device loss: nothing copies rows out of them any more). */
  clear(): void {
    this.refs.clear();
  }

  /** Copies each row from the run buffers into one [n, hidden] buffer owned by the caller. */
  async gather({ device }: GpuContext, sources: Array<{ buffer: GPUBuffer; row: number }>, dims: [number, number]): Promise<LanguageGpuTensor> {
    const rowBytes = this.hiddenSize * 4;
    const buffer = device.createBuffer({ size: dims[0] * rowBytes, usage: Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST, label: 'language embeddings' });
    const encoder = device.createCommandEncoder();
    sources.forEach((s, i) => encoder.copyBufferToBuffer(s.buffer, s.row * rowBytes, buffer, i * rowBytes, rowBytes));
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    this.release(sources.map((s) => s.buffer));
    let disposed = false;
    return {
      kind: 'gpu',
      buffer,
      device,
      byteOffset: 0,
      dtype: 'float32',
      shape: dims,
      dispose() {
        if (!disposed) buffer.destroy();
        disposed = true;
      },
    };
  }

  /** A run buffer is destroyed once every request that takes rows from it has copied them. */
  private release(used: GPUBuffer[]): void {
    for (const b of new Set(used)) {
      const left = (this.refs.get(b) ?? 1) - 1;
      if (left > 0) this.refs.set(b, left);
      else {
        this.refs.delete(b);
        b.destroy();
      }
    }
  }
}

export async function readRows(tensor: LanguageGpuTensor): Promise<Float32Array[]> {
  const [n, h] = tensor.shape;
  const all = await readFloat32(tensor.device, tensor.buffer, n * h);
  return Array.from({ length: n }, (_, i) => all.slice(i * h, (i + 1) * h));
}
