import type { RemoteTier } from './remote-tier';

/** An item whose L3 copy is owed: its key and the SHA-256 its bytes are uploaded under. */
export interface OwedUpload {
  key: string;
  hash: string;
}

export interface UploadQueueHooks {
  /** The bytes of an owed upload, read from L2 (undefined when the item is gone). */
  read(key: string): Promise<Uint8Array | undefined>;
  /** The remote acknowledged these uploads: record it (one write for them all). */
  uploaded(done: OwedUpload[]): Promise<void>;
  /** A try failed; it is retried after a backoff. */
  failed(key: string, error: unknown): void;
}

interface Owed {
  hash: string;
  /** Held only for the first try; retries read the bytes back from L2. */
  bytes?: Uint8Array;
  tries: number;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Uploads to L3 that writes owe. A write is acknowledged once it is in IndexedDB; its upload runs
 * afterwards and is retried with a growing backoff until the remote takes it. The queue is durable
 * without a store of its own: an item's index record says `inRemote: false` until its upload is
 * acknowledged, and the owner enqueues every such item again when it opens.
 */
export class UploadQueue {
  private readonly owed = new Map<string, Owed>();
  private readonly running = new Set<Promise<void>>();
  private done: OwedUpload[] = [];
  private recording: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly remote: RemoteTier,
    private readonly hooks: UploadQueueHooks,
    private readonly retryMs: number,
    private readonly maxRetryMs = 60_000,
  ) {}

  /** Owes an upload of `key` (replacing one owed for an older value); tries it now. */
  enqueue(key: string, hash: string, bytes?: Uint8Array): void {
    clearTimeout(this.owed.get(key)?.timer);
    const owed: Owed = { hash, bytes, tries: 0 };
    this.owed.set(key, owed);
    this.start(key, owed);
  }

  /** The items were deleted: their uploads are no longer owed. */
  drop(keys: readonly string[]): void {
    for (const key of keys) {
      clearTimeout(this.owed.get(key)?.timer);
      this.owed.delete(key);
    }
  }

  /** Uploads owed and not yet acknowledged. */
  get pending(): number {
    return this.owed.size;
  }

  /** Resolves once every try now running has finished and its outcome is recorded (retries waiting on a timer are not awaited). */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    await this.recording;
  }

  /** Stops trying (on close): what is still owed is enqueued again at the next open. */
  stop(): void {
    this.stopped = true;
    for (const owed of this.owed.values()) clearTimeout(owed.timer);
  }

  private start(key: string, owed: Owed): void {
    if (this.stopped) return;
    const run: Promise<void> = this.attempt(key, owed).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  private async attempt(key: string, owed: Owed): Promise<void> {
    const current = () => !this.stopped && this.owed.get(key) === owed;
    try {
      const bytes = owed.bytes ?? (await this.hooks.read(key));
      owed.bytes = undefined;
      if (!current()) return;
      if (!bytes) return void this.owed.delete(key); // gone from L2: nothing to upload
      await this.remote.put(bytes, owed.hash);
      if (!current()) return;
      this.owed.delete(key);
      this.record({ key, hash: owed.hash });
    } catch (error) {
      if (!current()) return;
      this.hooks.failed(key, error);
      const wait = Math.min(this.maxRetryMs, this.retryMs * 2 ** owed.tries++);
      owed.timer = setTimeout(() => this.start(key, owed), wait);
    }
  }

  /** Acknowledged uploads are recorded in batches: one index write for all that finished meanwhile. */
  private record(upload: OwedUpload): void {
    this.done.push(upload);
    this.recording = this.recording.then(async () => {
      const batch = this.done.splice(0);
      if (batch.length === 0 || this.stopped) return;
      try {
        await this.hooks.uploaded(batch);
      } catch (error) {
        // Not recorded: owe them again (uploading the same bytes twice is harmless, content-addressed).
        for (const { key, hash } of batch) {
          this.hooks.failed(key, error);
          if (this.owed.has(key)) continue;
          const owed: Owed = { hash, tries: 1 };
          this.owed.set(key, owed);
          owed.timer = setTimeout(() => this.start(key, owed), this.retryMs);
        }
      }
    });
  }
}
