import type { GpuContext } from '../../gpu/device';
import type { GpuTensor } from '../../gpu/tensor';
import type { ShapeBuckets } from './bert-session';
import type { LanguageClassResult } from './class-head';
import type { ModelChoice } from './model-directory';
import type { ModelByteCache, ModelLoadProgress } from './model-source';
import type { OrtLoadOptions } from './ort-runtime';
import type { BertEncoding } from './tokenizer';

// The language service's options and results (one place, so the service file holds behaviour).

/**
 * The model: `model` (a directory in the Hugging Face layout: config.json, tokenizer.json,
 * tokenizer_config.json, onnx/model.onnx, onnx/model_quantized.onnx) with `dtype` ('fp32' | 'q8';
 * default 'q8' on both paths: the package ships the int8 weights only), or `source` naming
 * each file. Default: public/models/aura-bert-spam.
 */
export interface LanguageServiceOptions extends ModelChoice {
  /**
   * 'gpu': WebGPU EP + WGSL pooling on ORT's device; 'cpu': WASM EP + CPU pooling; 'auto' (default):
   * gpu where WebGPU exists on a hardware adapter, cpu on a fallback adapter (SwiftShader), where
   * the WASM EP measured 15–20× faster (README).
   */
  backend?: 'gpu' | 'cpu' | 'auto';
  buckets?: Partial<ShapeBuckets>;
  /** Dynamic batching: most rows in one run, and how long the first request waits for company. */
  maxBatch?: number;
  maxWaitMs?: number;
  /** Run every bucket once at load (default true). */
  warmUp?: boolean;
  cache?: ModelByteCache | false;
  onProgress?: (event: ModelLoadProgress) => void;
  /** onnxruntime-web's wasm files; default `env.wasmPaths`. */
  wasmPaths?: OrtLoadOptions['wasmPaths'];
  fetch?: typeof fetch;
}

export interface EmbedOptions {
  /** Cut text longer than the model's maximum (default true); false → TokenizationError instead. */
  truncation?: boolean;
  /** Also read the rows back as Float32Array (always on the cpu path). */
  rows?: boolean;
  /**
   * Also classify the texts from the same model run (the `logits` head, as `classify` does): one run
   * gives both outputs. A model without a head → ModelCapabilityError.
   */
  classify?: boolean;
}

/** A [rows, hidden] float32 tensor on the runtime's GPU device; the receiver disposes it. */
export interface LanguageGpuTensor extends GpuTensor {
  shape: [number, number];
  dispose(): void;
}

export interface LanguageEmbedding {
  path: 'gpu' | 'cpu';
  /** [texts.length, hidden]. */
  dims: [number, number];
  /** gpu path: the L2-normalised mean-pooled embeddings, resident on the device. */
  tensor?: LanguageGpuTensor;
  /** Rows (cpu path always; gpu path when asked). */
  rows?: Float32Array[];
  /** Whether each text was truncated. */
  truncated: boolean[];
  /** Tokens of each text as the model saw them (special tokens included, after truncation). */
  tokens: number[];
  /** One per text, from the same run as the embeddings (only with `{ classify: true }`). */
  classes?: LanguageClassResult[];
}

/** What `embed(texts, { classify: true })` returns: the embedding and the classes of one run. */
export type LanguageEmbeddingWithClasses = LanguageEmbedding & { classes: LanguageClassResult[] };

export interface LanguageClassification {
  path: 'gpu' | 'cpu';
  results: LanguageClassResult[];
}

/** One call's texts and which outputs it wants from the shared run. */
export interface BertRequest {
  encodings: BertEncoding[];
  embed: boolean;
  classify: boolean;
}

/** One call's share of the runs: rows (cpu) or {pooled run buffer, row} (gpu), and classes. */
export interface BertRequestResult {
  rows?: Float32Array[];
  buffers?: Array<{ buffer: GPUBuffer; row: number }>;
  classes?: LanguageClassResult[];
  /** The device the run used (gpu path): after a device loss it is no longer the service's current one. */
  gpu?: GpuContext;
}
