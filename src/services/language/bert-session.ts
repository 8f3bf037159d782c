import type { Tensor } from 'onnxruntime-web';
import { ModelLoadError } from './errors';
import type { Ort } from './ort-runtime';
import type { BertBatch } from './tokenizer';

/** Shapes a session is warmed up for; every run is padded up to one of them. */
export interface ShapeBuckets {
  sequenceLengths: number[];
  batchSizes: number[];
}

export type BertExecutionProvider = 'webgpu' | 'wasm';

export interface BertSessionOptions {
  ep: BertExecutionProvider;
  buckets: ShapeBuckets;
  /** Keep last_hidden_state on the GPU (`preferredOutputLocation: 'gpu-buffer'`); WebGPU EP only. */
  hiddenOnGpu: boolean;
}

/** Cost of the first run of each bucket, measured during warm-up. */
export interface WarmUpRecord {
  batch: number;
  sequenceLength: number;
  ms: number;
}

/**
 * One onnxruntime-web session with a queue (a session runs one call at a time), shape buckets and
 * warm-up. Runs feed only the inputs the model declares (DistilBERT-style models have no
 * token_type_ids) and fetch only the outputs asked for.
 */
export class BertSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly warmUps: WarmUpRecord[] = [];
  private tail: Promise<unknown> = Promise.resolve();
  private released = false;

  private constructor(
    private readonly ort: Ort,
    private readonly session: import('onnxruntime-web').InferenceSession,
    readonly options: BertSessionOptions,
  ) {
    this.inputNames = session.inputNames;
    this.outputNames = session.outputNames;
    for (const name of ['input_ids', 'attention_mask']) {
      if (!this.inputNames.includes(name)) {
        throw new ModelLoadError(`the model has no input named ${name} (inputs: ${this.inputNames.join(', ')})`, 'load a BERT-family ONNX export (input_ids, attention_mask[, token_type_ids])');
      }
    }
    if (!this.outputNames.includes('last_hidden_state') && !this.outputNames.includes('logits')) {
      throw new ModelLoadError(`the model has neither last_hidden_state nor logits (outputs: ${this.outputNames.join(', ')})`, 'export the model with its hidden states or a classification head');
    }
  }

  static async create(ort: Ort, bytes: Uint8Array, options: BertSessionOptions): Promise<BertSession> {
    validateBuckets(options.buckets);
    const gpuOutputs = options.ep === 'webgpu' && options.hiddenOnGpu;
    let session: import('onnxruntime-web').InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        executionProviders: [options.ep],
        graphOptimizationLevel: 'all',
        ...(gpuOutputs ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
      });
    } catch (cause) {
      throw new ModelLoadError(`onnxruntime-web could not create a ${options.ep} session: ${String((cause as Error)?.message ?? cause)}`, 'check that the file is an ONNX model of opset ≤ 21', { cause });
    }
    return new BertSession(ort, session, options);
  }

  get hasHiddenStates(): boolean {
    return this.outputNames.includes('last_hidden_state');
  }

  get hasLogits(): boolean {
    return this.outputNames.includes('logits');
  }

  get maxBatchBucket(): number {
    return Math.max(...this.options.buckets.batchSizes);
  }

  /**
   * The smallest bucket that holds `rows` rows of `longest` tokens. WASM pads neither the batch nor
   * the sequence beyond the longest row: a new shape costs the CPU nothing to compile, while padding
   * a 40-token text to a 256-token bucket would run 6× its tokens.
   */
  bucketFor(rows: number, longest: number): { batch: number; sequenceLength: number } {
    const { sequenceLengths, batchSizes } = this.options.buckets;
    if (this.options.ep === 'wasm') return { batch: rows, sequenceLength: longest };
    const sequenceLength = sequenceLengths.find((s) => s >= longest) ?? longest;
    const batch = this.options.ep === 'webgpu' ? (batchSizes.find((b) => b >= rows) ?? rows) : rows;
    return { batch, sequenceLength };
  }

  /** Runs one padded batch, after the calls queued before it. The caller disposes the outputs. */
  run(batch: BertBatch, fetches: string[]): Promise<Record<string, Tensor>> {
    const task = this.tail.then(() => this.runNow(batch, fetches));
    this.tail = task.catch(() => undefined);
    return task;
  }

  /**
   * Runs every bucket once on the WebGPU EP so that no request pays for shader compilation. On WASM a
   * new shape compiles nothing: one smallest run pays the session's first-run costs, and warming the
   * larger buckets there (batch 32 × 256 tokens) would cost a start seconds for nothing.
   */
  async warmUp(padId: number, fetches: string[]): Promise<WarmUpRecord[]> {
    const webgpu = this.options.ep === 'webgpu';
    for (const sequenceLength of webgpu ? this.options.buckets.sequenceLengths : [Math.min(...this.options.buckets.sequenceLengths)]) {
      for (const batch of webgpu ? this.options.buckets.batchSizes : [1]) {
        const size = batch * sequenceLength;
        const mask = new BigInt64Array(size);
        for (let r = 0; r < batch; r++) mask[r * sequenceLength] = 1n;
        const dummy: BertBatch = {
          batch,
          sequenceLength,
          inputIds: new BigInt64Array(size).fill(BigInt(padId)),
          attentionMask: mask,
          tokenTypeIds: new BigInt64Array(size),
          lengths: new Array<number>(batch).fill(1),
        };
        const start = performance.now();
        const outputs = await this.run(dummy, fetches);
        // Reading the GPU output waits for the work, so the figure includes execution.
        await Promise.all(Object.values(outputs).map((t) => t.getData(true)));
        this.warmUps.push({ batch, sequenceLength, ms: performance.now() - start });
      }
    }
    return this.warmUps;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.tail;
    await this.session.release();
  }

  private async runNow(batch: BertBatch, fetches: string[]): Promise<Record<string, Tensor>> {
    const dims = [batch.batch, batch.sequenceLength];
    const feeds: Record<string, Tensor> = {
      input_ids: new this.ort.Tensor('int64', batch.inputIds, dims),
      attention_mask: new this.ort.Tensor('int64', batch.attentionMask, dims),
    };
    if (this.inputNames.includes('token_type_ids')) feeds.token_type_ids = new this.ort.Tensor('int64', batch.tokenTypeIds, dims);
    return (await this.session.run(feeds, fetches)) as Record<string, Tensor>;
  }
}

function validateBuckets(buckets: ShapeBuckets): void {
  for (const [name, list] of Object.entries(buckets)) {
    if (!Array.isArray(list) || list.length === 0 || list.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new ModelLoadError(`buckets.${name} is ${JSON.stringify(list)}`, `buckets.${name} must be a non-empty list of positive integers`);
    }
    list.sort((a: number, b: number) => a - b);
  }
}
