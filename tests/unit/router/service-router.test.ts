import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceRouter } from '../../../src/services/router/service-router';
import { evaluateRouter, featureMatrix, parseLabelledRequests } from '../../../src/services/router/dataset';
import { defaultRouterFallbackWeights, defaultRouterWeights } from '../../../src/services/router/default-weights';
import { embedLabelledRequests } from '../../../src/services/router/text-embeddings';
import { LanguageService } from '../../../src/services/language/language-service';
import { parseRouterWeights } from '../../../src/services/router/model';
import { NoServiceAvailableError, RouterWeightsError } from '../../../src/services/router/errors';
import { InvalidInputError } from '../../../src/errors';
import { type Breaker, type RequestRouter } from '../../../src/services/service-stage';
import { SERVICE_NAMES } from '../../../src/core/names';
import { TOLERANCE, maxAbsDiff, testGpu } from '../../helpers/gpu';
import { STORAGE, bufferFrom } from '../../../src/gpu/buffers';
import { tensorRow, type GpuTensor } from '../../../src/gpu/tensor';

const examples = parseLabelledRequests(readFileSync(new URL('../../../data/router/requests.jsonl', import.meta.url), 'utf8'));
const test = examples.filter((e) => e.split === 'test');
const weights = parseRouterWeights(defaultRouterWeights());
const hashed = parseRouterWeights(defaultRouterFallbackWeights());
/** An 8 × 8 digit (a 0 of sklearn's digits, pixel values 0–16). */
const digit = [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0, 0, 8, 8, 0, 0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6, 13, 10, 0, 0, 0];
/** A daily series like the births the forecaster knows: weekdays high, weekends low. */
const sensor = Array.from({ length: 56 }, (_, i) => [10900, 11800, 11500, 11300, 11200, 8900, 8300][i % 7] + 40 * Math.sin(i));

describe('trained default weights', () => {
  // The default model uses the Language service's embedding (the default language model on its CPU/WASM path).
  let language: LanguageService;
  let embeddings: Map<string, Float32Array>;
  beforeAll(async () => {
    language = await LanguageService.create({ backend: 'cpu', cache: false });
    embeddings = await embedLabelledRequests(language, test);
  }, 900_000);
  afterAll(() => language?.destroy());

  it('held-out accuracy is at least 90% with the BERT embedding, recomputed from the committed weights', () => {
    expect(weights.layout.embeddingSize).toBe(language.hiddenSize);
    const result = evaluateRouter(weights, test, featureMatrix(test, weights.layout, embeddings));
    expect(test.length).toBeGreaterThanOrEqual(100);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.9);
    // The default int8 model quantises activations per run and runs group texts by length, so an
    // embedding moves slightly with the texts run beside it: a recomputation may flip one borderline request.
    expect(Math.abs(result.accuracy - (weights.training.testAccuracy as number))).toBeLessThanOrEqual(1 / test.length + 1e-6); // the stored figure has 7 digits
  });

  it('held-out accuracy is at least 90% for the fallback without an embedding', () => {
    expect(hashed.layout.embeddingSize).toBe(0);
    const result = evaluateRouter(hashed, test, featureMatrix(test, hashed.layout));
    expect(result.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(result.accuracy).toBeCloseTo(hashed.training.testAccuracy as number, 6);
  });

  it('the ServiceRouter (CPU gating) picks the evaluation’s top service for the whole test split in one batch, with and without embeddings', async () => {
    const router = new ServiceRouter({ backend: 'cpu' });
    const withEmbedding = await router.route(test.map((e) => ({ request: { text: e.text, series: e.series }, embedding: embeddings.get(e.id) })));
    const without = await router.route(test.map((e) => ({ request: { text: e.text, series: e.series } })));
    expect(withEmbedding.path).toBe('cpu');
    // A request no expert fits is right when nothing is selected.
    const accuracy = (ds: typeof without.decisions) => ds.filter((d, i) => (d.selected[0]?.service ?? 'none') === (test[i].services[0] ?? 'none')).length / test.length;
    expect(accuracy(withEmbedding.decisions)).toBeCloseTo(evaluateRouter(weights, test, featureMatrix(test, weights.layout, embeddings)).accuracy, 6);
    expect(accuracy(without.decisions)).toBeCloseTo(evaluateRouter(hashed, test, featureMatrix(test, hashed.layout)).accuracy, 6);
    const textIndex = test.findIndex((e) => e.text !== undefined);
    expect(withEmbedding.decisions[textIndex].features).toBe('embedding');
    expect(without.decisions[textIndex].features).toBe('no-embedding');
    expect(without.decisions[textIndex].reason).toMatch(/no embedding/);
    // An embedding from a model of another hidden size is not misread: the fallback scores the text.
    const other = await router.routeOne({ text: test[textIndex].text, series: test[textIndex].series, embedding: new Float32Array(384).fill(0.05) });
    expect(other.features).toBe('no-embedding');
    expect(other.selected).toEqual(without.decisions[textIndex].selected);
    expect(other.reason).toContain(`the embedding has 384 values, the weights were trained on ${weights.layout.embeddingSize}`);
  });

  it('embeddings resident on the GPU are used in place and decide as the same rows on the CPU', async () => {
    const gpu = await testGpu();
    const withText = test.filter((e) => e.text !== undefined).slice(0, 40);
    const H = weights.layout.embeddingSize;
    const batch = new Float32Array(withText.length * H);
    withText.forEach((e, i) => batch.set(embeddings.get(e.id)!, i * H));
    const tensor: GpuTensor = { kind: 'gpu', buffer: bufferFrom(gpu.device, batch, STORAGE, 'test embeddings'), device: gpu.device, byteOffset: 0, dtype: 'float32', shape: [withText.length, H] };
    try {
      // A series-only request in the same batch has no embedding row.
      const requests = [...withText.map((e) => ({ text: e.text, series: e.series })), { series: sensor }];
      const resident = await new ServiceRouter({ backend: 'gpu', gpu }).route(requests.map((request, i) => ({ request, embedding: i < withText.length ? tensorRow(tensor, i) : undefined })));
      const cpu = await new ServiceRouter({ backend: 'cpu' }).route(requests.map((request, i) => ({ request, embedding: i < withText.length ? embeddings.get(withText[i].id) : undefined })));
      resident.decisions.forEach((d, i) => {
        const c = cpu.decisions[i];
        expect(d.features).toBe(c.features);
        expect(d.selected.map((s) => s.service), withText[i]?.id).toEqual(c.selected.map((s) => s.service));
        // The embedding's part is summed in f32 on the GPU, in f64 on the CPU.
        expect(maxAbsDiff(d.selected.map((s) => s.weight), c.selected.map((s) => s.weight))).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
        expect(Math.abs(d.confidence - c.confidence)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
        // The evidence names the same features (the embedding as one, with the GPU's share added).
        const names = (r: string) => r.replace(/[+-]?\d+\.\d+/g, '#');
        expect(names(d.reason)).toBe(names(c.reason).replace(', cpu)', ', gpu)'));
      });
      expect(resident.decisions.some((d) => d.reason.includes('BERT embedding'))).toBe(true);
    } finally {
      tensor.buffer.destroy();
    }
  });
});

describe('ServiceRouter', () => {
  it('routes 64 pixel values to neuromorphic and a daily series to lnn; a general question to no expert', async () => {
    const router = new ServiceRouter({ backend: 'cpu' });
    const general = await router.routeOne({ text: 'What is the capital of Australia?' });
    expect(general.selected).toEqual([]);
    expect(general.reason).toMatch(/^no expert fits/);
    expect((await router.routeOne({ series: digit })).selected[0].service).toBe('neuromorphic');
    expect((await router.routeOne({ series: sensor })).selected[0].service).toBe('lnn');
    const d = await router.routeOne({ text: 'Remember that the gate code is 4521.' });
    expect(d.selected[0].service).toBe('memory');
    expect(d.confidence).toBeGreaterThan(0);
    expect(d.confidence).toBeLessThanOrEqual(1);
    expect(d.selected.reduce((a, s) => a + s.weight, 0)).toBeCloseTo(1, 6);
    expect(d.reason).toMatch(/memory/);
    expect(Number.isFinite(d.auxLoss.loadBalancing) && Number.isFinite(d.auxLoss.zLoss)).toBe(true);
  });

  it('GPU and CPU backends make the same decisions', async () => {
    const gpu = await testGpu();
    const items = test.slice(0, 40).map((e) => ({ request: { text: e.text, series: e.series } }));
    const a = await new ServiceRouter({ backend: 'gpu', gpu }).route(items);
    const b = await new ServiceRouter({ backend: 'cpu' }).route(items);
    expect(a.path).toBe('gpu');
    a.decisions.forEach((d, i) => {
      expect(d.selected.map((s) => s.service)).toEqual(b.decisions[i].selected.map((s) => s.service));
      expect(maxAbsDiff(d.selected.map((s) => s.weight), b.decisions[i].selected.map((s) => s.weight))).toBeLessThanOrEqual(TOLERANCE.f32Elementwise);
    });
    expect(Math.abs(a.decisions[0].auxLoss.loadBalancing - b.decisions[0].auxLoss.loadBalancing)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
  });

  it('a batch gives the same decisions as one request at a time', async () => {
    const router = new ServiceRouter({ backend: 'cpu' });
    const items = test.slice(0, 10).map((e) => ({ request: { text: e.text, series: e.series } }));
    const batch = await router.route(items);
    for (let i = 0; i < items.length; i++) {
      const one = await router.routeOne(items[i].request);
      expect(one.selected).toEqual(batch.decisions[i].selected);
    }
  });

  it('load lowers a service’s score: a busy service loses the request and the reason says so', async () => {
    const router = new ServiceRouter({ backend: 'cpu', loadPenalty: 1 });
    const request = { series: sensor };
    const before = await router.routeOne(request);
    expect(before.selected[0].service).toBe('lnn');
    router.setLoad('lnn', 1000);
    const after = await router.routeOne(request);
    expect(after.selected[0].service).not.toBe('lnn');
    expect(after.probabilities.lnn!).toBeLessThan(before.probabilities.lnn!);
    expect(after.reason).toMatch(/lnn logit .* lowered by 1000\.00 for load 1000/);
    expect(() => router.setLoad('lnn', -1)).toThrow(InvalidInputError);
  });

  it('an open breaker excludes its service until half-open; no service at all is a typed error', async () => {
    let now = 0;
    const router = new ServiceRouter({ backend: 'cpu', breaker: { failureThreshold: 2, resetAfterMs: 1000, now: () => now } });
    const request = { text: 'Do all replicas agree on the firmware update?' };
    expect((await router.routeOne(request)).selected[0].service).toBe('consensus');
    router.breaker('consensus').recordFailure();
    router.breaker('consensus').recordFailure();
    const open = await router.routeOne(request);
    expect(open.selected.map((s) => s.service)).not.toContain('consensus');
    expect(open.excluded).toContainEqual({ service: 'consensus', reason: 'circuit breaker open' });
    expect(open.reason).toMatch(/consensus excluded: circuit breaker open/);
    now = 1000;
    expect((await router.routeOne(request)).selected[0].service).toBe('consensus');
    await expect(router.routeOne(request, [])).rejects.toBeInstanceOf(NoServiceAvailableError);
    const only = await router.routeOne(request, ['memory']);
    expect(only.selected).toEqual([{ service: 'memory', weight: 1 }]);
  });

  it('is the pipeline’s RequestRouter, its breakers are the pipeline’s Breaker, and one candidate works on the GPU', async () => {
    const router = new ServiceRouter({ backend: 'gpu', gpu: await testGpu() });
    const asPipelineRouter: RequestRouter = router;
    const asPipelineBreaker: Breaker = router.breaker('lnn');
    expect(asPipelineBreaker.state).toBe('closed');
    const { decisions, path } = await asPipelineRouter.route([{ request: { id: 'a', text: 'Remember that the gate code is 4521.', timeoutMs: 1000 } }], ['memory']);
    expect(path).toBe('gpu');
    expect(decisions[0].selected).toEqual([{ service: 'memory', weight: 1 }]);
  });

  it('rejects bad input and bad weights with typed errors', async () => {
    const router = new ServiceRouter({ backend: 'cpu' });
    await expect(router.routeOne({ text: 42 as unknown as string })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(router.routeOne({ series: 'abc' as unknown as number[] })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(router.route([])).rejects.toBeInstanceOf(InvalidInputError);
    await expect(router.routeOne({})).rejects.toBeInstanceOf(InvalidInputError);
    await expect(router.routeOne({ series: [1, Infinity] })).rejects.toBeInstanceOf(InvalidInputError);
    expect(() => new ServiceRouter({ backend: 'gpu' })).toThrow(InvalidInputError);
    expect(() => new ServiceRouter({ backend: 'cpu', weights: { format: 'x' } })).toThrow(RouterWeightsError);
    expect(() => new ServiceRouter({ backend: 'cpu', weights: { ...weights, bias: [1] } })).toThrow(RouterWeightsError);
    expect(() => new ServiceRouter({ backend: 'cpu', k: SERVICE_NAMES.length + 1 })).toThrow(InvalidInputError);
  });
});
