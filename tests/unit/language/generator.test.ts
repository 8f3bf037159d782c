import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { generateBert, DEFAULT_BERT_CONFIG } from '../../../src/services/language/bert-generator';
import { defaultTokenizer, MODEL_DIR, readModelJson } from './fixtures';
import { bertReferenceForward } from './bert-reference';

ort.env.wasm.numThreads = 1;

describe('the BERT generator', () => {
  const model = generateBert(DEFAULT_BERT_CONFIG);

  it('is deterministic, and the committed default model is exactly its output', () => {
    const again = generateBert(DEFAULT_BERT_CONFIG);
    expect(Buffer.from(again.onnx).equals(Buffer.from(model.onnx))).toBe(true);
    expect(Buffer.from(model.onnx).equals(readFileSync(resolve(MODEL_DIR, 'model.onnx')))).toBe(true);
    expect(readFileSync(resolve(MODEL_DIR, 'vocab.txt'), 'utf8')).toBe(model.vocab.join('\n') + '\n');
    expect(readModelJson('tokenizer.json')).toEqual(model.tokenizerJson);
    expect(readModelJson('config.json')).toEqual(model.config);
    expect(model.onnx.byteLength).toBeLessThan(10e6);
  });

  it('a different seed gives different weights', () => {
    const other = generateBert({ ...DEFAULT_BERT_CONFIG, seed: 1 });
    expect(Buffer.from(other.onnx).equals(Buffer.from(model.onnx))).toBe(false);
  });

  it('onnxruntime-web (WASM EP) runs it, and its outputs equal a plain-TS BertModel forward pass', async () => {
    const session = await ort.InferenceSession.create(model.onnx, { executionProviders: ['wasm'] });
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(session.outputNames).toEqual(['last_hidden_state', 'pooler_output', 'logits']);
    const ids = defaultTokenizer().encode('The quick brown fox, 你好!').ids;
    const S = ids.length;
    const feeds = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, S]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(S).fill(1n), [1, S]),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(S), [1, S]),
    };
    const out = await session.run(feeds);
    const H = DEFAULT_BERT_CONFIG.hiddenSize;
    expect(out.last_hidden_state.dims).toEqual([1, S, H]);
    expect(out.logits.dims).toEqual([1, DEFAULT_BERT_CONFIG.numLabels]);
    const ref = bertReferenceForward(model.onnx, ids, { hidden: H, heads: DEFAULT_BERT_CONFIG.numAttentionHeads, layers: DEFAULT_BERT_CONFIG.numHiddenLayers, eps: DEFAULT_BERT_CONFIG.layerNormEps });
    const hidden = out.last_hidden_state.data as Float32Array;
    let maxDiff = 0;
    for (let i = 0; i < hidden.length; i++) maxDiff = Math.max(maxDiff, Math.abs(hidden[i] - ref.lastHidden[i]));
    // f32 matrix products against f64: 1e-4 on values of order 1.
    expect(maxDiff).toBeLessThan(1e-4);
    const pooled = out.pooler_output.data as Float32Array;
    for (let i = 0; i < H; i++) expect(Math.abs(pooled[i] - ref.pooled[i])).toBeLessThan(1e-4);
    await session.release();
  });
});
