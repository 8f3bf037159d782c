import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { env, envSnapshot } from '../../../src/env';
import { modelUrl } from '../../../src/models/locate';
import { DEFAULT_LANGUAGE_MODEL, DEFAULT_LANGUAGE_MODEL_FILE } from '../../../src/models/defaults';
import { defaultLanguageModelSource } from '../../../src/services/language/language-service';
import { InvalidInputError } from '../../../src/errors';

const defaults = { ...env };
afterEach(() => Object.assign(env, defaults));

describe('modelUrl: where a model file is, as env says', () => {
  it('by default, the file shipped in the package (public/models/<name>/<file>), which exists', () => {
    const url = modelUrl(DEFAULT_LANGUAGE_MODEL, DEFAULT_LANGUAGE_MODEL_FILE);
    expect(fileURLToPath(url)).toBe(resolve(import.meta.dirname, '../../../public/models', DEFAULT_LANGUAGE_MODEL, DEFAULT_LANGUAGE_MODEL_FILE));
    expect(existsSync(new URL(url))).toBe(true);
    expect(modelUrl('some-model', 'onnx/model_quantized.onnx')).toMatch(/\/public\/models\/some-model\/onnx\/model_quantized\.onnx$/);
  });

  it('under env.modelBase: a URL (with or without the trailing slash) or a file path', () => {
    env.modelBase = 'https://cdn.example/models';
    expect(modelUrl('m', 'config.json')).toBe('https://cdn.example/models/m/config.json');
    env.modelBase = new URL('https://cdn.example/a/');
    expect(modelUrl('m', 'onnx/model.onnx')).toBe('https://cdn.example/a/m/onnx/model.onnx');
    env.modelBase = './my-models/';
    expect(fileURLToPath(modelUrl('m', 'tokenizer.json'))).toBe(resolve('my-models/m/tokenizer.json'));
  });

  it('the default language source follows env.modelBase', () => {
    env.modelBase = 'https://cdn.example/models/';
    expect(defaultLanguageModelSource()).toEqual({
      model: `https://cdn.example/models/${DEFAULT_LANGUAGE_MODEL}/${DEFAULT_LANGUAGE_MODEL_FILE}`,
      tokenizer: `https://cdn.example/models/${DEFAULT_LANGUAGE_MODEL}/tokenizer.json`,
      tokenizerConfig: `https://cdn.example/models/${DEFAULT_LANGUAGE_MODEL}/tokenizer_config.json`,
      config: `https://cdn.example/models/${DEFAULT_LANGUAGE_MODEL}/config.json`,
    });
  });

  it('refuses names and files that would leave the model folder', () => {
    for (const [name, file] of [['..', 'x.json'], ['m', '../x.json'], ['a/b', 'x.json'], ['m', 'a/b/c.onnx'], ['m', ''], ['', 'x'], ['m', '/etc/passwd']]) {
      expect(() => modelUrl(name, file), `${name} ${file}`).toThrow(InvalidInputError);
    }
    expect(() => modelUrl('m', 'weights/x.bin')).toThrow(InvalidInputError); // only the folder and onnx/
  });

  it('envSnapshot is plain data for a worker', () => {
    env.modelBase = new URL('https://cdn.example/m/');
    env.cache = 'cache-api';
    expect(structuredClone(envSnapshot())).toEqual({ modelBase: 'https://cdn.example/m/', localOnly: false, wasmPaths: undefined, cache: 'cache-api', cacheName: 'aura-models' });
  });
});
