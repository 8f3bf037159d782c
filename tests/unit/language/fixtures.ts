import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BertTokenizer } from '../../../src/services/language/tokenizer';

/** The generated random BERT (2 layers, hidden 128, 3 labels): a test fixture, not the default model. */
export const MODEL_DIR = resolve(import.meta.dirname, '../../../public/models/aura-bert-tiny');

/** aura-bert-tiny's files, named one by one (its model.onnx is not in the HF onnx/ layout). */
export const TINY_SOURCE = {
  model: resolve(MODEL_DIR, 'model.onnx'),
  tokenizer: resolve(MODEL_DIR, 'tokenizer.json'),
  tokenizerConfig: resolve(MODEL_DIR, 'tokenizer_config.json'),
  config: resolve(MODEL_DIR, 'config.json'),
};

export function readModelJson(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(resolve(MODEL_DIR, name), 'utf8')) as Record<string, unknown>;
}

/** The default model's tokenizer, optionally with its normalizer settings changed. */
export function defaultTokenizer(normalizer: Record<string, unknown> = {}): BertTokenizer {
  const json = readModelJson('tokenizer.json');
  json.normalizer = { ...(json.normalizer as object), ...normalizer };
  return new BertTokenizer(json, readModelJson('tokenizer_config.json'));
}

/** Id of each token as the committed vocab.txt lists it (line number = id). */
export function vocabIds(tokens: string[]): number[] {
  const vocab = readFileSync(resolve(MODEL_DIR, 'vocab.txt'), 'utf8').split('\n');
  return tokens.map((t) => {
    const id = vocab.indexOf(t);
    if (id < 0) throw new Error(`${t} is not in vocab.txt`);
    return id;
  });
}
