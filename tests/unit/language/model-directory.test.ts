import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../../../src/errors';
import { LanguageService } from '../../../src/services/language/language-service';
import { ModelLoadError } from '../../../src/services/language/errors';
import { defaultDtypeFor, MODEL_DTYPE_FILES, modelDirectorySource, resolveModelChoice } from '../../../src/services/language/model-directory';
import { validateModelFile } from '../../../src/models/validate';
import { labelsFromConfig } from '../../../src/services/language/class-head';
import type { ModelLoadProgress } from '../../../src/services/language/model-source';
import { MODEL_DIR, TINY_SOURCE } from './fixtures';
import { writeHfModelDirectory } from './hf-layout';

const SMALL = { warmUp: false, cache: false as const, buckets: { sequenceLengths: [16], batchSizes: [1] } };

describe('a model directory in the Hugging Face layout (config.json, tokenizer files, onnx/model{,_quantized}.onnx)', () => {
  const model = writeHfModelDirectory();
  afterAll(() => rmSync(model.dir, { recursive: true, force: true }));

  it("dtype names the file as transformers.js does; the default is 'q8' on both EPs (the package ships int8 weights only)", () => {
    expect(MODEL_DTYPE_FILES).toEqual({ fp32: 'onnx/model.onnx', q8: 'onnx/model_quantized.onnx' });
    expect(defaultDtypeFor('wasm')).toBe('q8');
    expect(defaultDtypeFor('webgpu')).toBe('q8');
    expect(modelDirectorySource('https://x.test/m', 'q8')).toEqual({
      model: 'https://x.test/m/onnx/model_quantized.onnx',
      tokenizer: 'https://x.test/m/tokenizer.json',
      tokenizerConfig: 'https://x.test/m/tokenizer_config.json',
      config: 'https://x.test/m/config.json',
    });
    expect(resolveModelChoice({ model: 'm/' }, 'webgpu')).toMatchObject({ dtype: 'q8', source: { model: 'm/onnx/model_quantized.onnx' } });
    expect(resolveModelChoice({ model: 'm/', dtype: 'fp32' }, 'webgpu')).toMatchObject({ dtype: 'fp32', source: { model: 'm/onnx/model.onnx' } });
    expect(resolveModelChoice({}, 'wasm').source.model).toMatch(/public\/models\/aura-bert-spam\/onnx\/model_quantized\.onnx$/);
  });

  it('the cpu path loads onnx/model_quantized.onnx by default and onnx/model.onnx with dtype fp32; labels come from id2label', async () => {
    const loaded = async (dtype?: 'fp32' | 'q8') => {
      const files: string[] = [];
      const onProgress = (e: ModelLoadProgress) => e.done && files.push(e.source);
      const service = await LanguageService.create({ backend: 'cpu', model: model.dir, dtype, onProgress, ...SMALL });
      const result = (await service.classify(['win a free prize now'])).results[0];
      await service.destroy();
      return { service, files, result };
    };
    const q8 = await loaded();
    const fp32 = await loaded('fp32');
    expect(q8.service.dtype).toBe('q8');
    expect(q8.files).toContain(join(model.dir, 'onnx', 'model_quantized.onnx'));
    expect(q8.files).not.toContain(join(model.dir, 'onnx', 'model.onnx'));
    expect(fp32.service.dtype).toBe('fp32');
    expect(fp32.files).toContain(join(model.dir, 'onnx', 'model.onnx'));
    // Two files with different weights: different logits.
    expect(Array.from(fp32.result.logits)).not.toEqual(Array.from(q8.result.logits));
    for (const { result } of [q8, fp32]) {
      expect(['ham', 'spam']).toContain(result.label);
      expect(result.label).toBe(['ham', 'spam'][result.index]);
    }
    expect(q8.service.config.id2label).toEqual({ 0: 'ham', 1: 'spam' });
  });

  it('bad options are typed errors: an unknown dtype, or source together with model/dtype', async () => {
    await expect(LanguageService.create({ backend: 'cpu', model: model.dir, dtype: 'fp16' as 'fp32', ...SMALL })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(LanguageService.create({ backend: 'cpu', source: TINY_SOURCE, dtype: 'fp32', ...SMALL })).rejects.toThrow(/not both/);
  });

  it('a missing, empty, HTML or truncated onnx file is a ModelLoadError that says which, before onnxruntime-web runs', async () => {
    const broken = writeHfModelDirectory();
    try {
      const file = join(broken.dir, 'onnx', 'model_quantized.onnx');
      const attempt = () => LanguageService.create({ backend: 'cpu', model: broken.dir, ...SMALL });
      rmSync(file);
      await expect(attempt()).rejects.toThrow(ModelLoadError);
      writeFileSync(file, new Uint8Array(0));
      await expect(attempt()).rejects.toThrow(/is empty/);
      writeFileSync(file, '<!doctype html><html><body>not found</body></html>');
      await expect(attempt()).rejects.toThrow(/an HTML page, not the model file/);
      writeFileSync(file, broken.q8.subarray(0, Math.floor(broken.q8.length / 2)));
      await expect(attempt()).rejects.toThrow(/not a complete ONNX model/);
    } finally {
      rmSync(broken.dir, { recursive: true, force: true });
    }
  });

  it('validateModelFile accepts whole ONNX models and rejects every cut of one (at boundary sizes)', () => {
    const checkOnnxBytes = (bytes: Uint8Array, source: string) => validateModelFile(`${source}.onnx`, bytes);
    const bytes = new Uint8Array(readFileSync(join(MODEL_DIR, 'model.onnx')));
    expect(() => checkOnnxBytes(bytes, 'tiny')).not.toThrow();
    expect(() => checkOnnxBytes(model.fp32, 'fp32')).not.toThrow();
    for (const cut of [1, 2, 10, 100, 4096, bytes.length >> 1, bytes.length - 100, bytes.length - 1]) {
      expect(() => checkOnnxBytes(bytes.subarray(0, cut), `cut at ${cut}`), `cut at ${cut}`).toThrow(ModelLoadError);
    }
    expect(() => checkOnnxBytes(new TextEncoder().encode('version https://git-lfs.github.com/spec/v1\n'), 'lfs')).toThrow(/Git LFS pointer/);
  });

  it('id2label is read in index order, and a broken one is a ModelLoadError', () => {
    expect(labelsFromConfig({ id2label: { 1: 'spam', 0: 'ham' } })).toEqual(['ham', 'spam']);
    expect(labelsFromConfig({})).toEqual([]);
    for (const id2label of [[], { 0: 'ham', 2: 'spam' }, { 0: 'ham', x: 'spam' }, { 0: 'ham', 1: 3 }, { 0: '' }, 'ham']) {
      expect(() => labelsFromConfig({ id2label }), JSON.stringify(id2label)).toThrow(ModelLoadError);
    }
  });
});
