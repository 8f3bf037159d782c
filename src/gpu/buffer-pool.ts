/**
 * Reuses storage buffers by size bucket (powers of two from 256 bytes) and usage.
 * `acquire` hands out a buffer at least as large as asked; `releaseAfterSubmit` returns it once the
 * queue has finished the work that used it, so a buffer is never rewritten while the GPU still reads it.
 */
export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly live = new Set<GPUBuffer>();
  private destroyed = false;

  constructor(private readonly device: GPUDevice) {}

  static bucketSize(bytes: number): number {
    return Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(1, bytes))));
  }

  acquire(bytes: number, usage: GPUBufferUsageFlags, label = 'pooled'): GPUBuffer {
    if (this.destroyed) throw new Error('BufferPool used after destroy()');
    const size = BufferPool.bucketSize(bytes);
    const key = `${size}:${usage}`;
    const reused = this.free.get(key)?.pop();
    const buffer = reused ?? this.device.createBuffer({ size, usage, label });
    this.live.add(buffer);
    return buffer;
  }

  /** Returns the buffers to the pool once the queue's submitted work is done. */
  releaseAfterSubmit(...buffers: GPUBuffer[]): Promise<void> {
    return this.device.queue.onSubmittedWorkDone().then(() => this.release(...buffers), () => this.release(...buffers));
  }

  release(...buffers: GPUBuffer[]): void {
    for (const buffer of buffers) {
      if (!this.live.delete(buffer)) continue;
      if (this.destroyed) {
        buffer.destroy();
        continue;
      }
      const key = `${buffer.size}:${buffer.usage}`;
      const list = this.free.get(key) ?? [];
      list.push(buffer);
      this.free.set(key, list);
    }
  }

  /** Bytes held by the pool, in use and idle. */
  stats(): { liveBuffers: number; freeBuffers: number; bytes: number } {
    let freeBuffers = 0;
    let bytes = 0;
    for (const list of this.free.values()) {
      freeBuffers += list.length;
      for (const b of list) bytes += b.size;
    }
    for (const b of this.live) bytes += b.size;
    return { liveBuffers: this.live.size, freeBuffers, bytes };
  }

  destroy(): void {
    this.destroyed = true;
    for (const list of this.free.values()) for (const b of list) b.destroy();
    for (const b of this.live) b.destroy();
    this.free.clear();
    this.live.clear();
  }
}
