import { ModelLoadError } from './errors';
import type { LanguageModelSource } from './model-directory';
import { loadModelBytes, loadModelJson, type ModelFetchOptions } from './model-source';
import { validateModelFile } from '../../models/validate';

/** A model's files, fetched (through the cache) or given, and checked before any session is made. */
export interface LoadedModelFiles {
  modelBytes: Uint8Array;
  tokenizerJson: unknown;
  tokenizerConfig: unknown;
  /** config.json as an object ({} where none was given). */
  config: Record<string, unknown>;
}

export async function loadModelFiles(source: LanguageModelSource, fetchOptions: ModelFetchOptions): Promise<LoadedModelFiles> {
  const json = (value: LanguageModelSource['tokenizer'] | undefined) =>
    value === undefined ? Promise.resolve(undefined) : typeof value === 'string' || value instanceof URL ? loadModelJson(value, fetchOptions) : Promise.resolve(value);
  const [modelBytes, tokenizerJson, tokenizerConfig, config] = await Promise.all([
    source.model instanceof Uint8Array ? source.model : loadModelBytes(source.model, fetchOptions),
    json(source.tokenizer),
    json(source.tokenizerConfig),
    json(source.config),
  ]);
  // Fetched files were checked as they arrived; bytes handed over in memory are checked here, before onnxruntime-web sees them.
  if (source.model instanceof Uint8Array) validateModelFile('the model bytes (model.onnx)', modelBytes);
  if (config !== undefined && (typeof config !== 'object' || config === null || Array.isArray(config))) {
    throw new ModelLoadError(`${String(source.config)} is not a JSON object`, "point config at the model's config.json");
  }
  return { modelBytes, tokenizerJson, tokenizerConfig, config: (config ?? {}) as Record<string, unknown> };
}
