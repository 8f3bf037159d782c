import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { LanguageService } from '../../src/services/language/language-service';
import { MODEL_DTYPE_FILES, type ModelDtype } from '../../src/services/language/model-directory';
import { EvalInputError } from '../types';
import { quantile } from './metrics';

/** The committed default language model, evaluated through the runtime's own LanguageService. */
export const MODEL_DIR = 'public/models/aura-bert-spam';
export const DTYPES: readonly ModelDtype[] = ['fp32', 'q8'];
/** Messages timed one at a time for the batch-1 latency. */
export const LATENCY_MESSAGES = 100;

export interface ModelRun {
  dtype: ModelDtype;
  /** P(spam) of each message, in order. */
  spamProbabilities: number[];
  predictions: number[];
  truncated: number;
  ms: number;
}

/** Both weight files on the CPU path (WASM EP), loaded before anything runs: a bad file fails here. */
export async function loadCpuServices(): Promise<Map<ModelDtype, LanguageService>> {
  const services = new Map<ModelDtype, LanguageService>();
  for (const dtype of DTYPES) {
    // maxWaitMs 0: a lone call does not wait for company (the pipeline's 2 ms window is not the model's cost).
    // No warm-up of every bucket: on the WASM EP a run's shape costs nothing to prepare.
    services.set(dtype, await LanguageService.create({ backend: 'cpu', model: resolve(MODEL_DIR), dtype, cache: false, maxBatch: 32, maxWaitMs: 0, warmUp: false }));
  }
  return services;
}

/** Index of the 'spam' class in config.json's id2label. */
export function spamIndex(config: Readonly<Record<string, unknown>>): number {
  const id2label = (config.id2label ?? {}) as Record<string, unknown>;
  const entry = Object.entries(id2label).find(([, v]) => v === 'spam');
  if (!entry) throw new EvalInputError(`${MODEL_DIR}/config.json has no 'spam' label in id2label`, 'export the model with id2label {"0": "ham", "1": "spam"}');
  return Number(entry[0]);
}

/**
 * Indices of `texts` in order of token count, cut into runs of `size`: texts of like length share a
 * run, so little is padded (the results do not depend on the order: padding is masked).
 */
export function lengthOrderedChunks(language: LanguageService, texts: readonly string[], size: number): { chunks: number[][]; truncated: number } {
  const encodings = texts.map((t) => language.tokenizer.encode(t, { maxLength: language.maxLength }));
  const order = texts.map((_, i) => i).sort((a, b) => encodings[a].ids.length - encodings[b].ids.length || a - b);
  const chunks: number[][] = [];
  for (let i = 0; i < order.length; i += size) chunks.push(order.slice(i, i + size));
  return { chunks, truncated: encodings.filter((e) => e.truncated).length };
}

export async function classifyAll(language: LanguageService, dtype: ModelDtype, texts: readonly string[]): Promise<ModelRun> {
  const spam = spamIndex(language.config);
  const t0 = performance.now();
  const spamProbabilities = new Array<number>(texts.length);
  const { chunks, truncated } = lengthOrderedChunks(language, texts, 32);
  for (const chunk of chunks) {
    const { results } = await language.classify(chunk.map((i) => texts[i]));
    chunk.forEach((i, j) => (spamProbabilities[i] = results[j].probabilities[spam]));
  }
  const ms = performance.now() - t0;
  return { dtype, spamProbabilities, predictions: spamProbabilities.map((p) => (p > 0.5 ? 1 : 0)), truncated, ms };
}

/** The language stage's work for one request (one run: embedding + class), timed message by message. */
export async function batchOneLatency(language: LanguageService, texts: readonly string[]): Promise<{ messages: number; p50Ms: number; p90Ms: number }> {
  await language.embed([texts[0]], { classify: true });
  const ms: number[] = [];
  for (const text of texts.slice(0, LATENCY_MESSAGES)) {
    const t0 = performance.now();
    await language.embed([text], { classify: true });
    ms.push(performance.now() - t0);
  }
  return { messages: ms.length, p50Ms: quantile(ms, 0.5), p90Ms: quantile(ms, 0.9) };
}

export function modelFacts(language: LanguageService) {
  const c = language.config;
  return {
    directory: MODEL_DIR,
    layers: c.num_hidden_layers,
    hiddenSize: language.hiddenSize,
    heads: c.num_attention_heads,
    maxLength: language.maxLength,
    tailTokens: language.tokenizer.tailTokens,
    vocabulary: c.vocab_size,
    fileBytes: Object.fromEntries(DTYPES.map((d) => [d, statSync(resolve(MODEL_DIR, MODEL_DTYPE_FILES[d])).size])),
  };
}
