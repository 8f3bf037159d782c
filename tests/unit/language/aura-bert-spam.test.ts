import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InferenceSession } from 'onnxruntime-web';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BertTokenizer } from '../../../src/services/language/tokenizer';
import { loadOrt, type Ort } from '../../../src/services/language/ort-runtime';
import { bertMeanPoolCpu } from '../../../src/kernels/bert-pooling';
import { maxAbsDiff } from '../../helpers/gpu';

// Parity of the trained model (public/models/aura-bert-spam) with the training side: fixtures.json was
// written by training/language/train.py (PyTorch, float32) for 20 messages.
const MODEL_DIR = resolve(import.meta.dirname, '../../../public/models/aura-bert-spam');
const FIXTURES = resolve(import.meta.dirname, '../../fixtures/aura-bert-spam/fixtures.json');

/** ONNX (WASM EP) vs PyTorch, both float32 but different kernels and summation orders. */
const LOGIT_TOLERANCE = 1e-3;
const EMBEDDING_TOLERANCE = 1e-3;

interface FixtureMessage {
  name: string;
  label: 'ham' | 'spam';
  text: string;
  truncated: boolean;
  input_ids: number[];
  attention_mask: number[];
  token_type_ids: number[];
  logits: number[];
  embedding: number[];
}

const fixtures = JSON.parse(readFileSync(FIXTURES, 'utf8')) as { max_length: number; tail_tokens?: number; hidden_size: number; messages: FixtureMessage[] };
const readJson = (name: string): unknown => JSON.parse(readFileSync(resolve(MODEL_DIR, name), 'utf8'));

describe('aura-bert-spam tokenizer: the runtime gives the training side ids', () => {
  const tokenizer = new BertTokenizer(readJson('tokenizer.json'), readJson('tokenizer_config.json'));

  it('has 20 fixture messages, among them a truncated one and non-ASCII text', () => {
    expect(fixtures.messages).toHaveLength(20);
    expect(fixtures.messages.some((m) => m.truncated)).toBe(true);
    expect(fixtures.messages.some((m) => /[^\x00-\x7f]/.test(m.text))).toBe(true);
    expect(tokenizer.maxLength).toBe(fixtures.max_length);
    expect(tokenizer.tailTokens).toBe(fixtures.tail_tokens ?? 0);
  });

  for (const m of fixtures.messages) {
    it(`ids, mask and truncation equal for ${m.name}`, () => {
      const enc = tokenizer.encode(m.text);
      expect(enc.ids).toEqual(m.input_ids);
      expect(enc.attentionMask).toEqual(m.attention_mask);
      expect(enc.tokenTypeIds).toEqual(m.token_type_ids);
      expect(enc.truncated).toBe(m.truncated);
    });
  }
});

describe('aura-bert-spam ONNX through onnxruntime-web (WASM EP) in Node', () => {
  let ort: Ort;
  let f32: InferenceSession;
  let int8: InferenceSession;
  beforeAll(async () => {
    ort = await loadOrt();
    f32 = await ort.InferenceSession.create(readFileSync(resolve(MODEL_DIR, 'onnx/model.onnx')), { executionProviders: ['wasm'] });
    int8 = await ort.InferenceSession.create(readFileSync(resolve(MODEL_DIR, 'onnx/model_quantized.onnx')), { executionProviders: ['wasm'] });
  });
  afterAll(async () => {
    await f32?.release();
    await int8?.release();
  });

  const run = async (session: InferenceSession, m: FixtureMessage) => {
    const dims = [1, m.input_ids.length];
    const feeds = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(m.input_ids.map(BigInt)), dims),
      attention_mask: new ort.Tensor('int64', BigInt64Array.from(m.attention_mask.map(BigInt)), dims),
      token_type_ids: new ort.Tensor('int64', BigInt64Array.from(m.token_type_ids.map(BigInt)), dims),
    };
    const out = await session.run(feeds);
    const hidden = out.last_hidden_state.data as Float32Array;
    const embedding = bertMeanPoolCpu(hidden, feeds.attention_mask.data as BigInt64Array, { batch: 1, seq: dims[1], hidden: fixtures.hidden_size });
    return { logits: Array.from(out.logits.data as Float32Array), embedding, dims: out.last_hidden_state.dims };
  };

  it('declares the inputs and outputs the runtime reads, in both files', () => {
    for (const s of [f32, int8]) {
      expect([...s.inputNames].sort()).toEqual(['attention_mask', 'input_ids', 'token_type_ids']);
      expect([...s.outputNames].sort()).toEqual(['last_hidden_state', 'logits']);
    }
  });

  it(`f32 logits and mean-pooled embeddings within ${LOGIT_TOLERANCE} of the training side for all 20 messages`, async () => {
    let worstLogit = 0;
    let worstEmbedding = 0;
    for (const m of fixtures.messages) {
      const r = await run(f32, m);
      expect(r.dims).toEqual([1, m.input_ids.length, fixtures.hidden_size]);
      worstLogit = Math.max(worstLogit, maxAbsDiff(r.logits, m.logits));
      worstEmbedding = Math.max(worstEmbedding, maxAbsDiff(r.embedding, m.embedding));
    }
    console.log(`aura-bert-spam WASM EP: worst logit diff ${worstLogit.toExponential(2)}, worst embedding diff ${worstEmbedding.toExponential(2)}`);
    expect(worstLogit).toBeLessThanOrEqual(LOGIT_TOLERANCE);
    expect(worstEmbedding).toBeLessThanOrEqual(EMBEDDING_TOLERANCE);
  });

  it('int8 (DynamicQuantizeLinear + MatMulInteger) runs and classifies the fixtures as f32 does', async () => {
    let same = 0;
    for (const m of fixtures.messages) {
      const q = await run(int8, m);
      expect(q.logits.every(Number.isFinite)).toBe(true);
      if (Math.sign(q.logits[1] - q.logits[0]) === Math.sign(m.logits[1] - m.logits[0])) same++;
    }
    expect(same).toBe(fixtures.messages.length);
  });
});
