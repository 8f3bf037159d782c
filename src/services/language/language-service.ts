import { InvalidInputError, requireInteger } from '../../errors';
import type { GpuContext } from '../../gpu/device';
import { failingAsDeviceLost, raceDeviceLoss } from '../../gpu/device-lost';
import { Batcher } from '../../core/batcher';
import type { GpuTensor } from '../../gpu/tensor';
import { bertMeanPoolCpu, bertMeanPoolGpu, bertMeanPoolResident } from '../../kernels/bert-pooling';
import type { BertSession, ShapeBuckets, WarmUpRecord } from './bert-session';
import { buildEngine, disposeAll, probeHiddenSize, rebuildEngine, type BertEngine, type EngineRecipe, type LanguageRecovery } from './bert-engine';
import { LanguageServiceClosedError, ModelCapabilityError } from './errors';
import { classesOf, labelsFromConfig, type LanguageClassResult } from './class-head';
import { defaultModelSource, resolveModelChoice, type LanguageModelSource, type ModelDtype } from './model-directory';
import { loadModelFiles } from './model-files';
import { loadOrt, requireWebGpuEp, webGpuIsFast, type OrtLoadOptions } from './ort-runtime';
import { BertTokenizer, padBertRows, requireTexts, type BertEncoding } from './tokenizer';
import type { BertRequest, BertRequestResult, EmbedOptions, LanguageClassification, LanguageEmbedding, LanguageEmbeddingWithClasses, LanguageGpuTensor, LanguageServiceOptions } from './language-types';
import { PooledRows, readRows } from './pooled-rows';
import { runsByLength, type LengthRun } from './length-runs';

export type { LanguageModelSource, LanguageClassResult, ModelDtype, LanguageRecovery };
export type { LanguageServiceOptions, EmbedOptions, LanguageGpuTensor, LanguageEmbedding, LanguageEmbeddingWithClasses, LanguageClassification } from './language-types';

/** The default model's files (DEFAULT_LANGUAGE_MODEL), found where `env` says: the package's own copy unless set. */
export function defaultLanguageModelSource(dtype: ModelDtype = 'q8'): LanguageModelSource {
  return defaultModelSource(dtype);
}

/**
 * The language service: a BERT-family ONNX model on onnxruntime-web behind a dynamic batcher.
 * `embed` gives sentence embeddings (mean pooling + L2 normalisation as sentence-transformers);
 * `classify` the softmax of the model's `logits` head. Responses say which path ran.
 */
export class LanguageService {
  readonly tokenizer: BertTokenizer;
  readonly hiddenSize: number;
  readonly maxLength: number;
  /** The model's config.json (empty where none was given). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The weight file's dtype where a model directory was loaded ('fp32' | 'q8'). */
  readonly dtype?: ModelDtype;
  /** Each rebuild of the session after a loss of its device, oldest first. */
  readonly recoveries: LanguageRecovery[] = [];
  /** embed and classify share one batcher, so concurrent calls of either kind share runs. */
  private readonly batcher: Batcher<BertRequest, BertRequestResult>;
  private closed = false;
  /** The session and its device; replaced after a device loss. */
  private engine: BertEngine;
  /** Set while the session is being rebuilt after a device loss: requests wait for it (bounded). */
  private recovering?: Promise<void>;
  private readonly pooled: PooledRows;

  private constructor(
    engine: BertEngine,
    private readonly recipe: EngineRecipe,
    tokenizer: BertTokenizer,
    private readonly labels: string[],
    maxBatch: number,
    maxWaitMs: number,
    hiddenSize: number,
    config: Record<string, unknown>,
    dtype: ModelDtype | undefined,
  ) {
    this.config = config;
    this.dtype = dtype;
    this.engine = engine;
    this.tokenizer = tokenizer;
    this.hiddenSize = hiddenSize;
    this.pooled = new PooledRows(hiddenSize);
    this.maxLength = Math.max(...recipe.buckets.sequenceLengths);
    this.batcher = new Batcher((requests) => this.runRequests(requests), { maxBatch, maxWaitMs });
    this.watchLoss();
  }

  /** 'gpu' (WebGPU EP) or 'cpu' (WASM EP); 'cpu' after a device loss the WebGPU EP could not be rebuilt from. */
  get path(): 'gpu' | 'cpu' {
    return this.engine.path;
  }

  get session(): BertSession {
    return this.engine.session;
  }

  /** The device shared with onnxruntime-web (gpu path only); a new one after a device loss. */
  get gpu(): GpuContext | undefined {
    return this.engine.gpu;
  }

  /** Resolves once no rebuild after a device loss is under way (at once when none is). */
  async ready(): Promise<void> {
    while (this.recovering) await this.recovering;
  }

  /** Loads the model (through the cache), builds the session and warms up every bucket. */
  static async create(options: LanguageServiceOptions = {}): Promise<LanguageService> {
    const backend = options.backend ?? 'auto';
    if (!['gpu', 'cpu', 'auto'].includes(backend)) throw new InvalidInputError(`backend is ${String(backend)}`, "backend must be 'gpu', 'cpu' or 'auto'");
    const useGpu = backend === 'gpu' || (backend === 'auto' && (await webGpuIsFast()));
    if (useGpu) requireWebGpuEp();
    const maxBatch = requireInteger('maxBatch', options.maxBatch ?? 32, 1, 4096);
    const maxWaitMs = requireInteger('maxWaitMs', options.maxWaitMs ?? 2, 0, 60_000);
    const { source, dtype } = resolveModelChoice(options, useGpu ? 'webgpu' : 'wasm');
    const { modelBytes, tokenizerJson, tokenizerConfig, config: configRecord } = await loadModelFiles(source, { cache: options.cache, onProgress: options.onProgress, fetch: options.fetch });
    const labels = labelsFromConfig(configRecord);
    const tokenizer = new BertTokenizer(tokenizerJson, tokenizerConfig ?? {});
    const maxPositions = typeof configRecord.max_position_embeddings === 'number' ? configRecord.max_position_embeddings : tokenizer.maxLength;
    const maxLength = Math.min(tokenizer.maxLength, maxPositions);
    const buckets: ShapeBuckets = {
      // Given buckets are taken as they are (the largest becomes the service's maximum length);
      // the default ends at the model's maximum so every input fits.
      sequenceLengths: options.buckets?.sequenceLengths
        ? options.buckets.sequenceLengths.filter((s) => s <= maxLength)
        : [...new Set([...[16, 32].filter((s) => s < maxLength), maxLength])],
      batchSizes: [...new Set([...(options.buckets?.batchSizes ?? [1, 8, 32]).filter((b) => b < maxBatch), maxBatch])],
    };
    if (buckets.sequenceLengths.length === 0) {
      throw new InvalidInputError(`no sequence bucket is at most the model's maximum length ${maxLength}`, `pass buckets.sequenceLengths with values from 3 to ${maxLength}`);
    }
    const ort = await loadOrt({ wasmPaths: options.wasmPaths, build: useGpu ? 'webgpu' : 'wasm' });
    // The model's bytes are kept so the session can be rebuilt after a loss of its device.
    const recipe: EngineRecipe = { ort, modelBytes, buckets };
    const engine = await buildEngine(recipe, useGpu ? 'webgpu' : 'wasm');
    const { session, gpu } = engine;
    const hiddenSize = typeof configRecord.hidden_size === 'number' ? configRecord.hidden_size : await probeHiddenSize(session, tokenizer);
    const service = new LanguageService(engine, recipe, tokenizer, session.hasLogits ? labels : [], maxBatch, maxWaitMs, hiddenSize, configRecord, dtype);
    if (options.warmUp ?? true) {
      // The same output set the largest real run fetches (embed with classify), so no request
      // fetches outputs the warm-up did not.
      await session.warmUp(tokenizer.padId, service.outputsFor(session.hasHiddenStates, service.hasClassifier));
      // The pooling pipeline too, so the first request compiles nothing.
      if (gpu && hiddenSize > 0) await bertMeanPoolGpu(gpu, new Float32Array(hiddenSize), [1], { batch: 1, seq: 1, hidden: hiddenSize });
    }
    return service;
  }

  get hasClassifier(): boolean {
    return this.session.hasLogits && this.labels.length > 0;
  }

  /** How many requests (embed and classify calls) each batch combined (the dynamic batcher at work). */
  get embedBatchSizes(): readonly number[] {
    return this.batcher.batchSizes;
  }

  get warmUps(): WarmUpRecord[] {
    return this.session.warmUps;
  }

  /**
   * Sentence embeddings of `texts` (one row each); with `{ classify: true }` also their classes,
   * from the same run. Concurrent calls (embed and classify) are batched into shared runs.
   */
  embed(texts: readonly string[], options: EmbedOptions & { classify: true }): Promise<LanguageEmbeddingWithClasses>;
  embed(texts: readonly string[], options?: EmbedOptions): Promise<LanguageEmbedding>;
  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<LanguageEmbedding> {
    this.checkOpen();
    if (!this.session.hasHiddenStates) throw new ModelCapabilityError('the model has no last_hidden_state output', 'use classify(), or load a model that exports its hidden states');
    const classify = options.classify ?? false;
    if (typeof classify !== 'boolean') throw new InvalidInputError(`options.classify is ${typeof classify}`, 'pass classify: true or false');
    if (classify) this.requireClassifier();
    const encodings = this.encode(texts, options.truncation);
    const part = await this.batcher.submit({ encodings, embed: true, classify });
    const dims: [number, number] = [encodings.length, this.hiddenSize];
    const truncated = encodings.map((e) => e.truncated);
    const tokens = encodings.map((e) => e.ids.length);
    const classes = part.classes ? { classes: part.classes } : {};
    // The path the run took (a request after a loss that fell back to WASM ran on the cpu path).
    const gpu = part.gpu;
    if (!gpu) return { path: 'cpu', dims, rows: part.rows!, truncated, tokens, ...classes };
    const onDevice = <T>(work: () => Promise<T>) => failingAsDeviceLost(gpu.device, () => raceDeviceLoss(gpu.device, work()));
    const tensor = await onDevice(() => this.pooled.gather(gpu, part.buffers!, dims));
    const rows = options.rows ? await onDevice(() => readRows(tensor)) : undefined;
    return { path: 'gpu', dims, tensor, rows, truncated, tokens, ...classes };
  }

  /** Embeddings as plain rows: the simplest call for other services (works on both paths). */
  async embedRows(texts: readonly string[], options: { truncation?: boolean } = {}): Promise<Float32Array[]> {
    const e = await this.embed(texts, { ...options, rows: true });
    e.tensor?.dispose();
    return e.rows!;
  }

  /** Class probabilities from the model's head (softmax of `logits`, labels from config.json id2label). */
  async classify(texts: readonly string[], options: { truncation?: boolean } = {}): Promise<LanguageClassification> {
    this.checkOpen();
    this.requireClassifier();
    const encodings = this.encode(texts, options.truncation);
    const { classes, gpu } = await this.batcher.submit({ encodings, embed: false, classify: true });
    return { path: gpu ? 'gpu' : 'cpu', results: classes! };
  }

  async destroy(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready(); // a rebuild under way (bounded) finishes first, so its session is released too
    await this.session.release();
    // The device belongs to onnxruntime-web: the adopted context's destroy() only trims our idle buffers.
    this.gpu?.destroy();
  }

  /** On loss of the session's device: rebuild it (requests in flight on it fail with DeviceLostError). */
  private watchLoss(): void {
    const engine = this.engine;
    if (!engine.gpu) return;
    void engine.gpu.device.lost.then((info) => {
      if (this.closed || this.engine !== engine) return; // released on purpose, or already replaced
      this.recovering = this.recover(engine, info);
    });
  }

  /** Never rejects: if even the WASM EP cannot be built, the old session stays and its requests fail as DeviceLostError. */
  private async recover(old: BertEngine, info: GPUDeviceLostInfo): Promise<void> {
    this.pooled.clear(); // run buffers on the lost device: nothing copies rows out of them any more
    try {
      const { engine, recovery } = await rebuildEngine(this.recipe, old, info);
      this.engine = engine;
      this.recoveries.push(recovery);
      this.watchLoss();
    } catch {
      // kept: old engine
    } finally {
      this.recovering = undefined;
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new LanguageServiceClosedError();
  }

  private requireClassifier(): void {
    if (!this.hasClassifier) throw new ModelCapabilityError('the model has no classification head (no logits output or no id2label)', 'load a model exported with a sequence-classification head');
  }

  /** The outputs one run fetches: hidden states when a call embeds, logits when a call classifies. */
  private outputsFor(embed: boolean, classify: boolean): string[] {
    return [...(embed ? ['last_hidden_state'] : []), ...(classify ? ['logits'] : [])];
  }

  private encode(texts: readonly string[], truncation = true): BertEncoding[] {
    requireTexts(texts);
    texts.forEach((t, i) => {
      if (t.trim().length === 0) throw new InvalidInputError(`texts[${i}] is empty`, 'pass text with at least one non-space character');
    });
    return texts.map((t) => this.tokenizer.encode(t, { truncation, maxLength: this.maxLength }));
  }

  /** The rows of all requests in runs by length (`at`: each row's place in the requests' order). */
  private chunks(requests: BertRequest[], session: BertSession): LengthRun<BertEncoding>[] {
    return runsByLength(requests.flatMap((r) => r.encodings), (row) => row.ids.length, session.maxBatchBucket);
  }

  private padded(rows: BertEncoding[], session: BertSession) {
    const longest = Math.max(...rows.map((r) => r.ids.length));
    const bucket = session.bucketFor(rows.length, longest);
    const filler: BertEncoding = { ids: [], tokens: [], attentionMask: [], tokenTypeIds: [], truncated: false };
    const all = rows.length < bucket.batch ? [...rows, ...new Array<BertEncoding>(bucket.batch - rows.length).fill(filler)] : rows;
    return padBertRows(all, bucket.sequenceLength, this.tokenizer.padId);
  }

  /**
   * One run per chunk for embed and classify calls alike. A run fetches `last_hidden_state` when a
   * call in the batch embeds (pooled on the GPU on the gpu path, where the states stay resident) and
   * `logits` when a call classifies (tiny: read back). Each call gets its own rows and classes.
   */
  private async runRequests(requests: BertRequest[]): Promise<BertRequestResult[]> {
    await this.ready(); // requests batched after a device loss run on the rebuilt session
    const engine = this.engine;
    if (!engine.gpu) return this.runOn(engine, requests);
    // A run on a device that is lost fails at once with DeviceLostError (ORT's error, or the loss itself).
    const { device } = engine.gpu;
    return failingAsDeviceLost(device, () => raceDeviceLoss(device, this.runOn(engine, requests)));
  }

  private async runOn({ session, gpu }: BertEngine, requests: BertRequest[]): Promise<BertRequestResult[]> {
    const fetches = this.outputsFor(requests.some((r) => r.embed), requests.some((r) => r.classify));
    // Per text over all runs: where its pooled row is (a CPU array or a GPU run buffer) and its class.
    const pooledRows: Array<{ pooled: Float32Array | GPUBuffer; row: number }> = [];
    const classes: LanguageClassResult[] = [];
    // Runs go by length; results are put back at each row's place in the requests' order.
    const pooledBuffers: GPUBuffer[] = [];
    try {
      for (const { rows, at } of this.chunks(requests, session)) {
        const batch = this.padded(rows, session);
        const outputs = await session.run(batch, fetches);
        try {
          const hidden = outputs.last_hidden_state;
          if (hidden) {
            const shape = { batch: batch.batch, seq: batch.sequenceLength, hidden: this.hiddenSize };
            let pooled: Float32Array | GPUBuffer;
            if (gpu && hidden.location === 'gpu-buffer') {
              pooled = (await bertMeanPoolResident(gpu, hidden.gpuBuffer as GPUBuffer, batch.attentionMask, shape)).pooled;
              pooledBuffers.push(pooled);
            } else {
              pooled = bertMeanPoolCpu((await hidden.getData()) as Float32Array, batch.attentionMask, shape);
            }
            for (let r = 0; r < rows.length; r++) pooledRows[at[r]] = { pooled, row: r };
          }
          if (outputs.logits) classesOf((await outputs.logits.getData()) as Float32Array, batch.batch, rows.length, this.labels).forEach((c, r) => (classes[at[r]] = c));
        } finally {
          disposeAll(outputs);
        }
      }
    } catch (error) {
      pooledBuffers.forEach((b) => b.destroy());
      throw error;
    }
    // Regroup: request i gets its own rows in order; a run buffer lives until every request that
    // embeds has copied its rows out (a classify-only request takes none).
    const hidden = this.hiddenSize;
    const used = new Set<GPUBuffer>();
    let next = 0;
    const results = requests.map((r) => {
      const from = next;
      next += r.encodings.length;
      const result: BertRequestResult = gpu ? { gpu } : {};
      if (r.classify) result.classes = classes.slice(from, next);
      if (!r.embed) return result;
      const mine = pooledRows.slice(from, next);
      if (!gpu) {
        result.rows = mine.map((p) => (p.pooled as Float32Array).slice(p.row * hidden, (p.row + 1) * hidden));
        return result;
      }
      result.buffers = mine.map((p) => ({ buffer: p.pooled as GPUBuffer, row: p.row }));
      for (const b of new Set(result.buffers.map((x) => x.buffer))) {
        used.add(b);
        this.pooled.take(b);
      }
      return result;
    });
    // A run buffer no request takes rows from (a run of classify-only rows in a mixed batch) goes now.
    pooledBuffers.filter((b) => !used.has(b)).forEach((b) => b.destroy());
    return results;
  }
}
