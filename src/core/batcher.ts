/**
 * Dynamic batching: calls that arrive while a batch is open join it; the batch runs when it holds
 * `maxBatch` items or `maxWaitMs` after its first item, whichever comes first. Each caller gets its
 * own result. When the batch function fails for a batch of several, each member is run again alone,
 * so a failure lands only on the member that causes it, with its own error; the others are answered.
 */
export interface BatcherOptions {
  maxBatch: number;
  maxWaitMs: number;
}

interface Pending<I, O> {
  input: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export class Batcher<I, O> {
  private pending: Array<Pending<I, O>> = [];
  private timer?: ReturnType<typeof setTimeout>;
  /** Sizes of the batches run so far (for metrics and tests). */
  readonly batchSizes: number[] = [];
  /** Members run again alone after their batch failed. */
  isolatedRuns = 0;

  constructor(private readonly runBatch: (inputs: I[]) => Promise<O[]>, private readonly options: BatcherOptions) {
    if (!(options.maxBatch >= 1) || !(options.maxWaitMs >= 0)) throw new RangeError('maxBatch ≥ 1 and maxWaitMs ≥ 0');
  }

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (this.pending.length >= this.options.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0, this.options.maxBatch);
    if (this.pending.length > 0) this.timer = setTimeout(() => this.flush(), this.options.maxWaitMs);
    if (batch.length === 0) return;
    this.batchSizes.push(batch.length);
    this.run(batch);
  }

  private run(batch: Array<Pending<I, O>>): void {
    this.runBatch(batch.map((p) => p.input)).then(
      (outputs) => {
        if (outputs.length !== batch.length) {
          const error = new Error(`batch function returned ${outputs.length} results for ${batch.length} inputs`);
          batch.forEach((p) => p.reject(error));
          return;
        }
        batch.forEach((p, i) => p.resolve(outputs[i]));
      },
      (error) => {
        // A lost GPU device is no member's fault: every member fails with it (and retries on the new device).
        if (batch.length === 1 || (error as { code?: unknown })?.code === 'DEVICE_LOST') return batch.forEach((p) => p.reject(error));
        // Whose failure was it? Each member alone answers that.
        this.isolatedRuns += batch.length;
        for (const member of batch) this.run([member]);
      },
    );
  }
}
