import { MAP_MODE_READ, Usage } from './buffers';

/** How long GPU work took, and how that was measured. */
export interface GpuTiming {
  ms: number;
  /** 'gpu-timestamp': timestamp-query around the passes; 'cpu': wall clock from submit to done. */
  source: 'gpu-timestamp' | 'cpu';
}

/**
 * Times the compute passes of one submission. With timestamp-query, the first pass writes the
 * beginning and the last pass the end; without it, wall time from submit until the queue is done.
 */
export class PassTimer {
  private readonly querySet?: GPUQuerySet;
  private readonly resolve?: GPUBuffer;
  private readonly read?: GPUBuffer;
  private cpuStart = 0;

  constructor(private readonly device: GPUDevice, useTimestamps: boolean) {
    if (useTimestamps && device.features.has('timestamp-query')) {
      this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 });
      this.resolve = device.createBuffer({ size: 16, usage: Usage.QUERY_RESOLVE | Usage.COPY_SRC });
      this.read = device.createBuffer({ size: 16, usage: Usage.MAP_READ | Usage.COPY_DST });
    }
  }

  /** The timestampWrites for pass `index` of `count`, or undefined without timestamps. */
  passWrites(index: number, count: number): GPUComputePassTimestampWrites | undefined {
    if (!this.querySet || (index !== 0 && index !== count - 1)) return undefined;
    const writes: GPUComputePassTimestampWrites = { querySet: this.querySet };
    if (index === 0) writes.beginningOfPassWriteIndex = 0;
    if (index === count - 1) writes.endOfPassWriteIndex = 1;
    return writes;
  }

  /** Call after the last pass is encoded, before finish(). */
  resolveInto(encoder: GPUCommandEncoder): void {
    if (!this.querySet || !this.resolve || !this.read) return;
    encoder.resolveQuerySet(this.querySet, 0, 2, this.resolve, 0);
    encoder.copyBufferToBuffer(this.resolve, 0, this.read, 0, 16);
  }

  markSubmit(): void {
    this.cpuStart = performance.now();
  }

  async result(): Promise<GpuTiming> {
    await this.device.queue.onSubmittedWorkDone();
    const cpuMs = performance.now() - this.cpuStart;
    if (!this.read) return { ms: cpuMs, source: 'cpu' };
    await this.read.mapAsync(MAP_MODE_READ);
    const [begin, end] = new BigUint64Array(this.read.getMappedRange().slice(0));
    this.read.unmap();
    const ns = Number(end - begin);
    // Some adapters report zeros when timestamps are quantised away; fall back to the wall clock.
    return ns > 0 ? { ms: ns / 1e6, source: 'gpu-timestamp' } : { ms: cpuMs, source: 'cpu' };
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolve?.destroy();
    this.read?.destroy();
  }
}
