/**
 * Dynamic batching: calls that arrive while a batch is open join it; the batch runs when it holds
 * `maxBatch` items or `maxWaitMs` after its first item, whichever comes first. Each caller gets its
 * own result (or its own error, when the batch function fails).
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
    this.runBatch(batch.map((p) => p.input)).then(
      (outputs) => {
        if (outputs.length !== batch.length) {
          const error = new Error(`batch function returned ${outputs.length} results for ${batch.length} inputs`);
          batch.forEach((p) => p.reject(error));
          return;
        }
        batch.forEach((p, i) => p.resolve(outputs[i]));
      },
      (error) => batch.forEach((p) => p.reject(error)),
    );
  }
}
