import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateModelFile } from '../../../src/models/validate';
import { ModelFileError, ModelLoadError } from '../../../src/errors';
import { modelUrl } from '../../../src/models/locate';
import { DEFAULT_LANGUAGE_MODEL, DEFAULT_LANGUAGE_MODEL_FILE } from '../../../src/models/defaults';

// The default language model as shipped.
const shipped = (file: string) => new Uint8Array(readFileSync(fileURLToPath(modelUrl(DEFAULT_LANGUAGE_MODEL, file))));
const onnx = shipped(DEFAULT_LANGUAGE_MODEL_FILE);
const tokenizer = shipped('tokenizer.json');
const text = (s: string) => new TextEncoder().encode(s);

function rejection(source: string, bytes: Uint8Array, facts = {}): ModelFileError {
  try {
    validateModelFile(source, bytes, facts);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error).toBeInstanceOf(ModelLoadError);
    return error as ModelFileError;
  }
  throw new Error(`${source} was accepted`);
}

describe('validateModelFile: the file asked for, or a typed error before it reaches the runtime', () => {
  it('accepts the shipped model and tokenizer as they are', () => {
    expect(() => validateModelFile('x/model.onnx', onnx)).not.toThrow();
    expect(() => validateModelFile('x/tokenizer.json', tokenizer, { announcedBytes: tokenizer.byteLength, contentType: 'application/json' })).not.toThrow();
  });

  it('refuses an HTML page served for a missing file (a SPA fallback), by its bytes or its content type', () => {
    const page = text('<!doctype html>\n<html><head><script type="module" src="/main.js"></script></head></html>');
    for (const file of ['tokenizer.json', 'model.onnx', 'vocab.txt']) {
      const error = rejection(`http://h/models/${file}`, page);
      expect(error.code).toBe('MODEL_FILE_INVALID');
      expect(error.name).toBe('ModelFileError');
      expect(error.message).toContain('HTML');
    }
    expect(rejection('http://h/config.json', text('{"a":1}'), { contentType: 'text/html; charset=utf-8' }).message).toContain('HTML');
    expect(rejection('http://h/m.onnx', text('  \n<html>'))).toBeInstanceOf(ModelFileError);
  });

  it('refuses fewer bytes than announced, and an empty file', () => {
    expect(rejection('http://h/model.onnx', onnx.subarray(0, 1000), { announcedBytes: onnx.byteLength }).message).toContain(`1000 bytes of the ${onnx.byteLength}`);
    expect(rejection('http://h/model.onnx', new Uint8Array(0)).message).toContain('empty');
  });

  it('refuses JSON and ONNX files cut short even without a Content-Length', () => {
    expect(rejection('t/tokenizer.json', tokenizer.subarray(0, tokenizer.byteLength - 10)).message).toContain('not valid JSON');
    // Cut anywhere inside: the last top-level field runs past the end, or graph/opsets are missing.
    for (const at of [1, 30, 1000, onnx.byteLength >> 1, onnx.byteLength - 1]) {
      expect(rejection('m/model.onnx', onnx.subarray(0, at)).message).toContain('not a complete ONNX model');
    }
  });

  it('leaves files of other kinds to their readers, and takes the file name without query or fragment', () => {
    expect(() => validateModelFile('m/vocab.txt', text('[PAD]\n[UNK]\n'))).not.toThrow();
    expect(rejection('m/model.onnx?v=2#x', text('not protobuf at all')).message).toContain('ONNX');
  });
});
