import { InvalidInputError } from '../../errors';
import { DEFAULT_LANGUAGE_MODEL } from '../../models/defaults';
import { modelUrl } from '../../models/locate';
import type { BertExecutionProvider } from './bert-session';

/** Where a model's files are: URLs or paths (through the cache), or the contents themselves. */
export interface LanguageModelSource {
  model: string | URL | Uint8Array;
  tokenizer: string | URL | Record<string, unknown>;
  tokenizerConfig?: string | URL | Record<string, unknown>;
  /** HF config.json (id2label, hidden_size, max_position_embeddings); optional. */
  config?: string | URL | Record<string, unknown>;
}

/**
 * The weight file of each dtype in a Hugging Face model directory, named as transformers.js names
 * them (`dtype: 'fp32'` → onnx/model.onnx, `'q8'` → onnx/model_quantized.onnx, the int8 dynamic
 * quantization that optimum and transformers.js publish).
 */
export const MODEL_DTYPE_FILES = { fp32: 'onnx/model.onnx', q8: 'onnx/model_quantized.onnx' } as const;
export type ModelDtype = keyof typeof MODEL_DTYPE_FILES;

export { DEFAULT_LANGUAGE_MODEL };

/**
 * The dtype loaded when none is asked for: 'q8' on both EPs. The package ships only the int8 weights
 * of its models (a third of the bytes to download and cache), so the default must be the file that is
 * there; 'fp32' (onnx/model.onnx) loads when asked for, from a model folder that has it.
 */
export function defaultDtypeFor(_ep: BertExecutionProvider): ModelDtype {
  return 'q8';
}

export function requireDtype(value: unknown): ModelDtype {
  if (typeof value === 'string' && Object.hasOwn(MODEL_DTYPE_FILES, value)) return value as ModelDtype;
  throw new InvalidInputError(`dtype is ${JSON.stringify(value)}`, `dtype must be ${Object.keys(MODEL_DTYPE_FILES).map((d) => `'${d}'`).join(' or ')}`);
}

/** The default model's files with the weight file of `dtype`, found where `env` says (src/models/locate.ts). */
export function defaultModelSource(dtype: ModelDtype): LanguageModelSource {
  const file = (name: string) => modelUrl(DEFAULT_LANGUAGE_MODEL, name);
  return { model: file(MODEL_DTYPE_FILES[requireDtype(dtype)]), tokenizer: file('tokenizer.json'), tokenizerConfig: file('tokenizer_config.json'), config: file('config.json') };
}

/** The files of a model directory in the Hugging Face layout, with the weight file of `dtype`. */
export function modelDirectorySource(directory: string | URL, dtype: ModelDtype): LanguageModelSource {
  if (typeof directory !== 'string' && !(directory instanceof URL)) throw new InvalidInputError(`model is ${typeof directory}`, 'pass the model directory as a URL or a path');
  const text = String(directory);
  if (text.length === 0) throw new InvalidInputError('model is empty', 'pass the model directory as a URL or a path');
  const base = text.endsWith('/') ? text : `${text}/`;
  return {
    model: `${base}${MODEL_DTYPE_FILES[requireDtype(dtype)]}`,
    tokenizer: `${base}tokenizer.json`,
    tokenizerConfig: `${base}tokenizer_config.json`,
    config: `${base}config.json`,
  };
}

/** How a caller names a model: a directory in the HF layout (+ dtype), or each file (`source`). */
export interface ModelChoice {
  /** A model directory in the Hugging Face layout (URL, or path in Node). Default: aura-bert-spam. */
  model?: string | URL;
  /** Which weight file of the directory; default by path (defaultDtypeFor). */
  dtype?: ModelDtype;
  /** Each file named, instead of a directory (e.g. the generated aura-bert-tiny test fixture). */
  source?: LanguageModelSource;
}

/** The files to load for `choice` on `ep`, and the dtype where a directory was named. */
export function resolveModelChoice(choice: ModelChoice, ep: BertExecutionProvider): { source: LanguageModelSource; dtype?: ModelDtype } {
  if (choice.source !== undefined) {
    if (choice.model !== undefined || choice.dtype !== undefined) {
      throw new InvalidInputError('both source and model/dtype were given', 'name the files (source) or a model directory and its dtype (model, dtype), not both');
    }
    return { source: choice.source };
  }
  const dtype = choice.dtype === undefined ? defaultDtypeFor(ep) : requireDtype(choice.dtype);
  return { source: choice.model === undefined ? defaultModelSource(dtype) : modelDirectorySource(choice.model, dtype), dtype };
}

/** Names the model a choice loads (for plan caches): the same string for the same files. */
export function modelChoiceSignature(choice: ModelChoice): string {
  if (choice.source) {
    const model = choice.source.model;
    return `bert:${model instanceof Uint8Array ? `bytes:${model.byteLength}` : String(model)}`;
  }
  return `bert:${String(choice.model ?? DEFAULT_LANGUAGE_MODEL)}:${choice.dtype ?? 'default-dtype'}`;
}
