import { yieldToEventLoop } from './deadline';

/**
 * Dynamic batching: calls that arrive while a batch is open join it; the batch runs when it holds
 * `maxBatch` items or `maxWaitMs` after its first item, whichever comes first. `maxWaitMs` 0 runs it
 * at the next turn of the event loop (the calls made in this turn join it), not after a 0 ms timer,
 * which Node rounds up to 1 ms and browsers to 4 ms once timers nest. Each caller gets its
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
  /** The scheduled flush that may still run (a flush that finds another number is stale). */
  private turn = 0;
  private scheduled = false;
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
      else this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const turn = this.turn;
    if (this.options.maxWaitMs > 0) this.timer = setTimeout(() => this.flush(), this.options.maxWaitMs);
    else void yieldToEventLoop().then(() => turn === this.turn && this.flush());
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.scheduled = false;
    this.turn++;
    const batch = this.pending.splice(0, this.options.maxBatch);
    if (this.pending.length > 0) this.schedule();
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
