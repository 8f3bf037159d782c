import type { Tensor } from 'onnxruntime-web';
import { InvalidInputError, requireInteger } from '../../errors';
import { adoptDevice, type GpuContext } from '../../gpu/device';
import { Usage, readFloat32 } from '../../gpu/buffers';
import { Batcher } from '../../core/batcher';
import type { GpuTensor } from '../../gpu/tensor';
import { bertMeanPoolCpu, bertMeanPoolGpu, bertMeanPoolResident } from '../../kernels/bert-pooling';
import { BertSession, type ShapeBuckets, type WarmUpRecord } from './bert-session';
import { LanguageServiceClosedError, ModelCapabilityError, ModelLoadError } from './errors';
import { classesOf, labelsFromConfig, type LanguageClassResult } from './class-head';
import { defaultModelSource, resolveModelChoice, type LanguageModelSource, type ModelDtype } from './model-directory';
import { loadModelFiles } from './model-files';
import { loadOrt, requireWebGpuEp, webGpuEpAvailable, type OrtLoadOptions } from './ort-runtime';
import { BertTokenizer, padBertRows, requireTexts, type BertEncoding } from './tokenizer';
import type { BertRequest, BertRequestResult, EmbedOptions, LanguageClassification, LanguageEmbedding, LanguageEmbeddingWithClasses, LanguageGpuTensor, LanguageServiceOptions } from './language-types';
import { runsByLength, type LengthRun } from './length-runs';

export type { LanguageModelSource, LanguageClassResult, ModelDtype };
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
  readonly path: 'gpu' | 'cpu';
  readonly tokenizer: BertTokenizer;
  readonly hiddenSize: number;
  readonly maxLength: number;
  /** The model's config.json (empty where none was given). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The weight file's dtype where a model directory was loaded ('fp32' | 'q8'). */
  readonly dtype?: ModelDtype;
  /** The device shared with onnxruntime-web (gpu path only). */
  readonly gpu?: GpuContext;
  /** embed and classify share one batcher, so concurrent calls of either kind share runs. */
  private readonly batcher: Batcher<BertRequest, BertRequestResult>;
  private closed = false;

  private constructor(
    readonly session: BertSession,
    tokenizer: BertTokenizer,
    private readonly labels: string[],
    gpu: GpuContext | undefined,
    maxBatch: number,
    maxWaitMs: number,
    hiddenSize: number,
    config: Record<string, unknown>,
    dtype: ModelDtype | undefined,
  ) {
    this.config = config;
    this.dtype = dtype;
    this.path = session.options.ep === 'webgpu' ? 'gpu' : 'cpu';
    this.tokenizer = tokenizer;
    this.gpu = gpu;
    this.hiddenSize = hiddenSize;
    this.maxLength = Math.max(...session.options.buckets.sequenceLengths);
    this.batcher = new Batcher((requests) => this.runRequests(requests), { maxBatch, maxWaitMs });
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
    const session = await BertSession.create(ort, modelBytes, { ep: useGpu ? 'webgpu' : 'wasm', buckets, hiddenOnGpu: true });
    let gpu: GpuContext | undefined;
    if (useGpu) {
      // Let onnxruntime-web create the device and adopt it, so the pooling kernel reads its buffers.
      const device = (await ort.env.webgpu.device) as GPUDevice | undefined;
      if (!device) throw new ModelLoadError('onnxruntime-web created no WebGPU device', "use backend: 'cpu'");
      gpu = adoptDevice(device);
    }
    const hiddenSize = typeof configRecord.hidden_size === 'number' ? configRecord.hidden_size : await probeHiddenSize(session, tokenizer);
    const service = new LanguageService(session, tokenizer, session.hasLogits ? labels : [], gpu, maxBatch, maxWaitMs, hiddenSize, configRecord, dtype);
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
    if (this.path === 'cpu') return { path: 'cpu', dims, rows: part.rows!, truncated, tokens, ...classes };
    const tensor = await this.gatherRows(part.buffers!, dims);
    const rows = options.rows ? await this.readRows(tensor) : undefined;
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
    const { classes } = await this.batcher.submit({ encodings, embed: false, classify: true });
    return { path: this.path, results: classes! };
  }

  async destroy(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.session.release();
    // The device belongs to onnxruntime-web: the adopted context's destroy() only trims our idle buffers.
    this.gpu?.destroy();
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
  private chunks(requests: BertRequest[]): LengthRun<BertEncoding>[] {
    return runsByLength(requests.flatMap((r) => r.encodings), (row) => row.ids.length, this.session.maxBatchBucket);
  }

  private padded(rows: BertEncoding[]) {
    const longest = Math.max(...rows.map((r) => r.ids.length));
    const bucket = this.session.bucketFor(rows.length, longest);
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
    const fetches = this.outputsFor(requests.some((r) => r.embed), requests.some((r) => r.classify));
    // Per text over all runs: where its pooled row is (a CPU array or a GPU run buffer) and its class.
    const pooledRows: Array<{ pooled: Float32Array | GPUBuffer; row: number }> = [];
    const classes: LanguageClassResult[] = [];
    // Runs go by length; results are put back at each row's place in the requests' order.
    const pooledBuffers: GPUBuffer[] = [];
    try {
      for (const { rows, at } of this.chunks(requests)) {
        const batch = this.padded(rows);
        const outputs = await this.session.run(batch, fetches);
        try {
          const hidden = outputs.last_hidden_state;
          if (hidden) {
            const shape = { batch: batch.batch, seq: batch.sequenceLength, hidden: this.hiddenSize };
            let pooled: Float32Array | GPUBuffer;
            if (this.gpu && hidden.location === 'gpu-buffer') {
              pooled = (await bertMeanPoolResident(this.gpu, hidden.gpuBuffer as GPUBuffer, batch.attentionMask, shape)).pooled;
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
      const result: BertRequestResult = {};
      if (r.classify) result.classes = classes.slice(from, next);
      if (!r.embed) return result;
      const mine = pooledRows.slice(from, next);
      if (this.path === 'cpu') {
        result.rows = mine.map((p) => (p.pooled as Float32Array).slice(p.row * hidden, (p.row + 1) * hidden));
        return result;
      }
      result.buffers = mine.map((p) => ({ buffer: p.pooled as GPUBuffer, row: p.row }));
      for (const b of new Set(result.buffers.map((x) => x.buffer))) {
        used.add(b);
        this.pooledRefs.set(b, (this.pooledRefs.get(b) ?? 0) + 1);
      }
      return result;
    });
    // A run buffer no request takes rows from (a run of classify-only rows in a mixed batch) goes now.
    pooledBuffers.filter((b) => !used.has(b)).forEach((b) => b.destroy());
    return results;
  }

  /** Requests still to copy rows out of each run buffer. */
  private readonly pooledRefs = new Map<GPUBuffer, number>();

  /** Copies each row from the run buffers into one [n, hidden] buffer owned by the caller. */
  private async gatherRows(sources: Array<{ buffer: GPUBuffer; row: number }>, dims: [number, number]): Promise<LanguageGpuTensor> {
    const { device } = this.gpu!;
    const rowBytes = this.hiddenSize * 4;
    const buffer = device.createBuffer({ size: dims[0] * rowBytes, usage: Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST, label: 'language embeddings' });
    const encoder = device.createCommandEncoder();
    sources.forEach((s, i) => encoder.copyBufferToBuffer(s.buffer, s.row * rowBytes, buffer, i * rowBytes, rowBytes));
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    this.releasePooled(sources.map((s) => s.buffer));
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
  private releasePooled(used: GPUBuffer[]): void {
    for (const b of new Set(used)) {
      const left = (this.pooledRefs.get(b) ?? 1) - 1;
      if (left > 0) this.pooledRefs.set(b, left);
      else {
        this.pooledRefs.delete(b);
        b.destroy();
      }
    }
  }

  private async readRows(tensor: LanguageGpuTensor): Promise<Float32Array[]> {
    const [n, h] = tensor.shape;
    const all = await readFloat32(tensor.device, tensor.buffer, n * h);
    return Array.from({ length: n }, (_, i) => all.slice(i * h, (i + 1) * h));
  }

}

/** WebGPU is present and its adapter is not a software fallback. */
async function webGpuIsFast(): Promise<boolean> {
  if (!webGpuEpAvailable()) return false;
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator!.gpu!;
  const adapter = await gpu.requestAdapter();
  if (!adapter) return false;
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return !(info.isFallbackAdapter || info.architecture === 'swiftshader');
}

function disposeAll(outputs: Record<string, Tensor>): void {
  for (const t of Object.values(outputs)) t.dispose();
}

/** The hidden size from one tiny run (config.json may be absent for a user's model). */
async function probeHiddenSize(session: BertSession, tokenizer: BertTokenizer): Promise<number> {
  if (!session.hasHiddenStates) return 0;
  const probe = padBertRows([tokenizer.encode('a')], tokenizer.encode('a').ids.length, tokenizer.padId);
  const outputs = await session.run(probe, ['last_hidden_state']);
  try {
    const dims = outputs.last_hidden_state.dims;
    return dims[dims.length - 1];
  } finally {
    disposeAll(outputs);
  }
}
