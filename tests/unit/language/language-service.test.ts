import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as ort from 'onnxruntime-web';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GpuUnavailableError, InvalidInputError } from '../../../src/errors';
import { LanguageService, type LanguageClassResult } from '../../../src/services/language/language-service';
import { BertSession } from '../../../src/services/language/bert-session';
import { LanguageServiceClosedError, ModelCapabilityError, TokenizationError } from '../../../src/services/language/errors';
import { bertMeanPoolCpu } from '../../../src/kernels/bert-pooling';
import { generateBert, DEFAULT_BERT_CONFIG } from '../../../src/services/language/bert-generator';
import { defaultTokenizer, MODEL_DIR, readModelJson, TINY_SOURCE } from './fixtures';
import { TOLERANCE, maxAbsDiff } from '../../helpers/gpu';

const TEXTS = ['hello world', 'The quick brown fox jumps over the lazy dog.', '你好', 'a', "don't stop...now, café!"];

describe('LanguageService on the cpu path (WASM EP + CPU pooling) in Node', () => {
  let service: LanguageService;
  beforeAll(async () => {
    service = await LanguageService.create({ backend: 'cpu', source: TINY_SOURCE, maxBatch: 8, maxWaitMs: 5 });
  });
  afterAll(() => service.destroy());

  it('says which path ran and gives unit-length rows of the hidden size', async () => {
    const e = await service.embed(TEXTS);
    expect(e.path).toBe('cpu');
    expect(e.dims).toEqual([TEXTS.length, 128]);
    expect(e.tensor).toBeUndefined();
    for (const row of e.rows!) expect(Math.hypot(...row)).toBeCloseTo(1, 5);
    expect(service.warmUps.length).toBeGreaterThan(0);
  });

  it('equals mean pooling of the raw model output (the sentence-transformers recipe, done by hand)', async () => {
    const session = await ort.InferenceSession.create(readFileSync(resolve(MODEL_DIR, 'model.onnx')), { executionProviders: ['wasm'] });
    const tok = defaultTokenizer();
    const e = await service.embed(TEXTS);
    for (let i = 0; i < TEXTS.length; i++) {
      const ids = tok.encode(TEXTS[i]).ids;
      const S = ids.length;
      const mask = new BigInt64Array(S).fill(1n);
      const out = await session.run({
        input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, S]),
        attention_mask: new ort.Tensor('int64', mask, [1, S]),
        token_type_ids: new ort.Tensor('int64', new BigInt64Array(S), [1, S]),
      });
      const expected = bertMeanPoolCpu(out.last_hidden_state.data as Float32Array, mask, { batch: 1, seq: S, hidden: 128 });
      expect(maxAbsDiff(e.rows![i], expected)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
    }
    await session.release();
  });

  it('concurrent requests are batched into shared runs and equal one-by-one results', async () => {
    const single: Float32Array[] = [];
    for (const t of TEXTS) single.push((await service.embed([t])).rows![0]);
    const runsBefore = service.embedBatchSizes.length;
    const together = await Promise.all(TEXTS.map((t) => service.embed([t])));
    const runs = service.embedBatchSizes.slice(runsBefore);
    expect(runs.length).toBeLessThan(TEXTS.length);
    expect(Math.max(...runs)).toBeGreaterThan(1);
    together.forEach((e, i) => expect(maxAbsDiff(e.rows![0], single[i])).toBeLessThanOrEqual(TOLERANCE.f32Reduction));
    // One request with more rows than the largest batch bucket is split over several runs.
    const many = Array.from({ length: 19 }, (_, i) => TEXTS[i % TEXTS.length]);
    const big = await service.embed(many);
    big.rows!.forEach((row, i) => expect(maxAbsDiff(row, single[i % TEXTS.length])).toBeLessThanOrEqual(TOLERANCE.f32Reduction));
  });

  it('a batch of short and long texts runs by length (no short text padded to the longest) and keeps each text its own result', async () => {
    const words = (n: number) => Array.from({ length: n }, (_, i) => ['spam', 'ham', 'offer', 'meeting', 'free'][i % 5]).join(' ');
    // The tiny model reads 64 tokens: short texts, one of about 40 and one cut at 64.
    const texts = ['hi', words(200), 'see you soon', words(8), words(16)];
    const lengths = texts.map((t) => defaultTokenizer().encode(t, { truncation: true, maxLength: 64 }).ids.length);
    const single: Float32Array[] = [];
    for (const t of texts) single.push((await service.embed([t])).rows![0]);
    const run = vi.spyOn(BertSession.prototype, 'run');
    const together = await service.embed(texts);
    const shapes = run.mock.calls.map(([batch]) => [batch.batch, batch.sequenceLength]);
    run.mockRestore();
    // The short texts share a run padded to at most 32 tokens; the longer ones run apart, at their own lengths.
    expect(lengths.filter((n) => n <= 32).length).toBe(3);
    expect(shapes).toEqual([[3, Math.max(...lengths.filter((n) => n <= 32))], ...lengths.filter((n) => n > 32).sort((a, b) => a - b).map((n) => [1, n])]);
    together.rows!.forEach((row, i) => expect(maxAbsDiff(row, single[i])).toBeLessThanOrEqual(TOLERANCE.f32Reduction));
  });

  it('classify gives a softmax over the head with labels from config.json', async () => {
    const c = await service.classify(['hello world', 'good']);
    expect(c.path).toBe('cpu');
    expect(c.results).toHaveLength(2);
    for (const r of c.results) {
      expect(r.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(r.label).toBe(`LABEL_${r.index}`);
      expect(r.score).toBe(Math.max(...r.probabilities));
    }
  });

  describe('embed with { classify: true }: one run gives the embeddings and the classes', () => {
    afterEach(() => vi.restoreAllMocks());
    // Every field of two per-text class results agrees (probabilities/logits within a named tolerance).
    const expectSameClasses = (got: LanguageClassResult[], want: LanguageClassResult[], tolerance: number) => {
      expect(got).toHaveLength(want.length);
      got.forEach((g, i) => {
        expect([g.label, g.index]).toEqual([want[i].label, want[i].index]);
        expect(Math.abs(g.score - want[i].score)).toBeLessThanOrEqual(tolerance);
        expect(maxAbsDiff(g.logits, want[i].logits)).toBeLessThanOrEqual(tolerance);
        expect(maxAbsDiff(g.probabilities, want[i].probabilities)).toBeLessThanOrEqual(tolerance);
      });
    };

    it('equals embed() and classify() for texts of different lengths, in one session run instead of two', async () => {
      const run = vi.spyOn(service.session, 'run');
      const e = await service.embed(TEXTS);
      const c = await service.classify(TEXTS);
      expect(run).toHaveBeenCalledTimes(2);
      run.mockClear();
      const both = await service.embed(TEXTS, { classify: true });
      expect(run).toHaveBeenCalledTimes(1);
      expect(run.mock.calls[0][1]).toEqual(['last_hidden_state', 'logits']);
      expect(both.path).toBe('cpu');
      expect(both.dims).toEqual(e.dims);
      expect(both.truncated).toEqual(e.truncated);
      both.rows!.forEach((row, i) => expect(maxAbsDiff(row, e.rows![i])).toBeLessThanOrEqual(TOLERANCE.f32Reduction));
      expectSameClasses(both.classes, c.results, TOLERANCE.f32Reduction);
      // Without the option there are no classes, and the run fetches only the hidden states.
      run.mockClear();
      expect((await service.embed(['hello'])).classes).toBeUndefined();
      expect(run.mock.calls[0][1]).toEqual(['last_hidden_state']);
    });

    it('concurrent mixed calls (embed, embed+classify, classify) share runs and each gets its own answer', async () => {
      const single = new Map<string, { row: Float32Array; cls: LanguageClassResult }>();
      for (const t of TEXTS) single.set(t, { row: (await service.embed([t])).rows![0], cls: (await service.classify([t])).results[0] });
      const nine = Array.from({ length: 9 }, (_, i) => TEXTS[(i + 2) % TEXTS.length]);
      const run = vi.spyOn(service.session, 'run');
      const [d, a, b, c, e] = await Promise.all([
        // More rows than the largest batch bucket (8), first: the first run holds classify-only rows.
        service.classify(nine),
        service.embed([TEXTS[0]]),
        service.embed([TEXTS[1], TEXTS[2]], { classify: true }),
        service.classify([TEXTS[3]]),
        service.embed([TEXTS[4], TEXTS[0]], { classify: true }),
      ]);
      // 15 rows in one batch of five calls: two runs (8 + 7 rows), not one per call.
      expect(run).toHaveBeenCalledTimes(2);
      const rowsOk = (rows: Float32Array[], texts: string[]) =>
        rows.forEach((row, i) => expect(maxAbsDiff(row, single.get(texts[i])!.row)).toBeLessThanOrEqual(TOLERANCE.f32Reduction));
      const classesOk = (classes: LanguageClassResult[], texts: string[]) => expectSameClasses(classes, texts.map((t) => single.get(t)!.cls), TOLERANCE.f32Reduction);
      rowsOk(a.rows!, [TEXTS[0]]);
      expect(a.classes).toBeUndefined();
      rowsOk(b.rows!, [TEXTS[1], TEXTS[2]]);
      classesOk(b.classes, [TEXTS[1], TEXTS[2]]);
      classesOk(c.results, [TEXTS[3]]);
      classesOk(d.results, nine);
      rowsOk(e.rows!, [TEXTS[4], TEXTS[0]]);
      classesOk(e.classes, [TEXTS[4], TEXTS[0]]);
    });

    it('warm-up fetches the output set of an embed+classify run (hidden states only for a model without a head)', async () => {
      const run = vi.spyOn(BertSession.prototype, 'run');
      const buckets = { sequenceLengths: [16], batchSizes: [1] };
      const withHead = await LanguageService.create({ backend: 'cpu', source: TINY_SOURCE, buckets });
      const headless = generateBert({ ...DEFAULT_BERT_CONFIG, numLabels: 0 });
      const withoutHead = await LanguageService.create({
        backend: 'cpu',
        buckets,
        source: { model: headless.onnx, tokenizer: headless.tokenizerJson, tokenizerConfig: readModelJson('tokenizer_config.json') },
      });
      const fetchesOf = (s: LanguageService) => run.mock.contexts.flatMap((ctx, i) => (ctx === s.session ? [run.mock.calls[i][1]] : []));
      expect(fetchesOf(withHead).length).toBeGreaterThan(0);
      for (const f of fetchesOf(withHead)) expect(f).toEqual(['last_hidden_state', 'logits']);
      expect(fetchesOf(withoutHead).length).toBeGreaterThan(0);
      for (const f of fetchesOf(withoutHead)) expect(f).toEqual(['last_hidden_state']);
      await withHead.destroy();
      await withoutHead.destroy();
    });
  });

  it('empty input, non-strings and over-length input without truncation are typed errors', async () => {
    await expect(service.embed([])).rejects.toBeInstanceOf(InvalidInputError);
    await expect(service.embed(['  '])).rejects.toBeInstanceOf(InvalidInputError);
    await expect(service.embed(['ok', 7 as unknown as string])).rejects.toThrow(/texts\[1\] is number, not a string/);
    await expect(service.embed('hello' as unknown as string[])).rejects.toBeInstanceOf(InvalidInputError);
    await expect(service.embed(['hello'], { classify: 'yes' as unknown as boolean })).rejects.toThrow(/options.classify is string/);
    const long = Array(100).fill('hello').join(' ');
    await expect(service.embed([long], { truncation: false })).rejects.toBeInstanceOf(TokenizationError);
    expect((await service.embedRows(['hello']))[0]).toHaveLength(128);
    const cut = await service.embed([long]);
    expect(cut.truncated).toEqual([true]);
  });

  it("backend 'gpu' in Node is a typed error (no WebGPU EP in onnxruntime-web's Node build); 'auto' picks cpu", async () => {
    await expect(LanguageService.create({ backend: 'gpu', source: TINY_SOURCE })).rejects.toBeInstanceOf(GpuUnavailableError);
    await expect(LanguageService.create({ backend: 'tpu' as 'gpu', source: TINY_SOURCE })).rejects.toBeInstanceOf(InvalidInputError);
    const auto = await LanguageService.create({ source: TINY_SOURCE, warmUp: false, buckets: { sequenceLengths: [16], batchSizes: [1] } });
    expect(auto.path).toBe('cpu');
    expect(auto.maxLength).toBe(16);
    await auto.destroy();
  });

  it('a model without a head cannot classify; a destroyed service refuses calls', async () => {
    const headless = generateBert({ ...DEFAULT_BERT_CONFIG, numLabels: 0 });
    const s = await LanguageService.create({
      backend: 'cpu',
      warmUp: false,
      source: { model: headless.onnx, tokenizer: headless.tokenizerJson, tokenizerConfig: readModelJson('tokenizer_config.json') },
    });
    expect(s.hasClassifier).toBe(false);
    await expect(s.classify(['hello'])).rejects.toBeInstanceOf(ModelCapabilityError);
    await expect(s.embed(['hello'], { classify: true })).rejects.toBeInstanceOf(ModelCapabilityError);
    expect((await s.embed(['hello'])).dims).toEqual([1, 128]);
    await s.destroy();
    await expect(s.embed(['hello'])).rejects.toBeInstanceOf(LanguageServiceClosedError);
  });
});
