import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BertTokenizer } from '../../../src/services/language/tokenizer';

export const MODEL_DIR = resolve(import.meta.dirname, '../../../public/models/aura-bert-tiny');

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
