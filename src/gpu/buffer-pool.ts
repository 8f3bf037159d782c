/** How much a pool may keep. */
export interface BufferPoolOptions {
  /** Live plus free bytes the pool keeps at most: a released buffer past it is destroyed, not kept. */
  budgetBytes?: number;
  /** Free buffers unused this long are destroyed (the pool shrinks to what is in use when idle). */
  idleMs?: number;
}

/** 64 MiB: a few batches of the largest default kernels' buffers, small beside any device's memory. */
export const DEFAULT_POOL_BUDGET_BYTES = 64 * 2 ** 20;
export const DEFAULT_POOL_IDLE_MS = 2_000;

interface FreeBuffer {
  buffer: GPUBuffer;
  releasedAt: number;
}

/**
 * Reuses storage buffers by size bucket (powers of two from 256 bytes) and usage.
 * `acquire` hands out a buffer at least as large as asked; `releaseAfterSubmit` returns it once the
 * queue has finished the work that used it, so a buffer is never rewritten while the GPU still reads it.
 *
 * The pool trims itself: it keeps at most `budgetBytes` (live + free), and free buffers idle for
 * `idleMs` are destroyed, so a burst of requests (or one very large one) does not pin memory afterwards.
 */
export class BufferPool {
  private readonly free = new Map<string, FreeBuffer[]>();
  private readonly live = new Set<GPUBuffer>();
  private liveBytes = 0;
  private freeBytes = 0;
  private destroyed = false;
  private idleTimer?: ReturnType<typeof setTimeout>;
  readonly budgetBytes: number;
  readonly idleMs: number;

  constructor(private readonly device: GPUDevice, options: BufferPoolOptions = {}) {
    this.budgetBytes = options.budgetBytes ?? DEFAULT_POOL_BUDGET_BYTES;
    this.idleMs = options.idleMs ?? DEFAULT_POOL_IDLE_MS;
  }

  static bucketSize(bytes: number): number {
    return Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(1, bytes))));
  }

  acquire(bytes: number, usage: GPUBufferUsageFlags, label = 'pooled'): GPUBuffer {
    if (this.destroyed) throw new Error('BufferPool used after destroy()');
    const size = BufferPool.bucketSize(bytes);
    const reused = this.free.get(`${size}:${usage}`)?.pop();
    if (reused) this.freeBytes -= size;
    const buffer = reused?.buffer ?? this.device.createBuffer({ size, usage, label });
    this.live.add(buffer);
    this.liveBytes += size;
    return buffer;
  }

  /** Returns the buffers to the pool once the queue's submitted work is done. */
  releaseAfterSubmit(...buffers: GPUBuffer[]): Promise<void> {
    return this.device.queue.onSubmittedWorkDone().then(() => this.release(...buffers), () => this.release(...buffers));
  }

  release(...buffers: GPUBuffer[]): void {
    const now = performance.now();
    for (const buffer of buffers) {
      if (!this.live.delete(buffer)) continue;
      this.liveBytes -= buffer.size;
      if (this.destroyed || this.liveBytes + this.freeBytes + buffer.size > this.budgetBytes) {
        buffer.destroy();
        continue;
      }
      const key = `${buffer.size}:${buffer.usage}`;
      const list = this.free.get(key) ?? [];
      list.push({ buffer, releasedAt: now });
      this.free.set(key, list);
      this.freeBytes += buffer.size;
    }
    this.scheduleIdleRelease();
  }

  /** Forgets and destroys a buffer that cannot come back (its map failed on a lost device). */
  discard(buffer: GPUBuffer): void {
    if (this.live.delete(buffer)) this.liveBytes -= buffer.size;
    buffer.destroy();
  }

  /** Destroys free buffers idle at least `idleForMs` until at most `keepBytes` of them remain, oldest first. */
  trim(keepBytes = 0, idleForMs = 0): void {
    const now = performance.now();
    for (const [key, list] of this.free) {
      while (list.length > 0 && this.freeBytes > keepBytes && now - list[0].releasedAt >= idleForMs) {
        const { buffer } = list.shift()!;
        this.freeBytes -= buffer.size;
        buffer.destroy();
      }
      if (list.length === 0) this.free.delete(key);
    }
  }

  /** Buffers and bytes held by the pool, in use and idle. */
  stats(): { liveBuffers: number; freeBuffers: number; bytes: number; liveBytes: number; freeBytes: number } {
    let freeBuffers = 0;
    for (const list of this.free.values()) freeBuffers += list.length;
    return { liveBuffers: this.live.size, freeBuffers, bytes: this.liveBytes + this.freeBytes, liveBytes: this.liveBytes, freeBytes: this.freeBytes };
  }

  destroy(): void {
    this.destroyed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    for (const list of this.free.values()) for (const { buffer } of list) buffer.destroy();
    for (const b of this.live) b.destroy();
    this.free.clear();
    this.live.clear();
    this.liveBytes = 0;
    this.freeBytes = 0;
  }

  private scheduleIdleRelease(): void {
    if (this.idleTimer || this.freeBytes === 0 || this.destroyed) return;
    // Wake when the longest-idle free buffer reaches idleMs.
    let oldest = Infinity;
    for (const list of this.free.values()) if (list.length > 0) oldest = Math.min(oldest, list[0].releasedAt);
    const wait = Math.max(0, oldest + this.idleMs - performance.now());
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      this.trim(0, this.idleMs);
      this.scheduleIdleRelease();
    }, wait);
    // In Node an idle pool must not keep the process alive.
    (this.idleTimer as { unref?: () => void }).unref?.();
  }
}
