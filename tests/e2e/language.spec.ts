import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test, expect, type AuraWindow } from './fixtures';

// Four texts: the batch fills the 4-row bucket, so no run needs a shape the warm-up did not compile.
const TEXTS = ['hello world', 'The quick brown fox jumps over the lazy dog.', '你好, café!', 'spiking neurons'];

/**
 * WebGPU EP (SwiftShader) vs WASM EP, in one page. Tolerance: 1e-4 absolute on unit-length rows —
 * the two EPs sum the same f32 products in different orders (measured max ≈ 1e-6 here).
 */
const EP_TOLERANCE = 1e-4;

test('language: WebGPU EP and WASM EP agree; batched equals one-by-one; GPU pooling equals CPU pooling', async ({ auraPage }) => {
  test.setTimeout(170_000);
  const result = await auraPage.evaluate(async (texts) => {
    const { LanguageService, bertMeanPoolCpu } = (window as unknown as AuraWindow).aura;
    const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      let m = 0;
      for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
      return m;
    };
    // One small bucket keeps SwiftShader's shader compilation (the first run of a shape) short;
    // a single text is then padded to 4 rows, 3 of them fully masked.
    const buckets = { sequenceLengths: [16], batchSizes: [4] };
    const marks: string[] = [];
    let t0 = performance.now();
    const mark = (what: string) => {
      marks.push(`${what} ${Math.round(performance.now() - t0)}ms`);
      t0 = performance.now();
    };
    // The generated aura-bert-tiny (a test fixture, named file by file): small enough for SwiftShader.
    const tiny = '/models/aura-bert-tiny/';
    const source = { model: `${tiny}model.onnx`, tokenizer: `${tiny}tokenizer.json`, tokenizerConfig: `${tiny}tokenizer_config.json`, config: `${tiny}config.json` };
    const gpu = await LanguageService.create({ backend: 'gpu', source, buckets, maxBatch: 4, maxWaitMs: 20, cache: false });
    mark('gpu create+warm-up');
    const cpu = await LanguageService.create({ backend: 'cpu', source, buckets, maxBatch: 4, cache: false });
    mark('cpu create');
    // After warm-up no real run compiles a pipeline or shader on the shared device (ORT's WebGPU EP
    // and the pooling kernel): counted by wrapping the device's create calls up to the raw run below.
    const compileDevice = gpu.gpu!.device as unknown as Record<string, (...args: unknown[]) => unknown>;
    const compileCalls = ['createComputePipeline', 'createComputePipelineAsync', 'createShaderModule'];
    const originals = compileCalls.map((name) => compileDevice[name]);
    let compiles = 0;
    compileCalls.forEach((name, i) => {
      compileDevice[name] = (...args: unknown[]) => {
        compiles++;
        return originals[i].apply(compileDevice, args);
      };
    });
    // The first real run embeds and classifies at once: the output set the warm-up fetched.
    const g = await gpu.embed(texts, { rows: true, classify: true });
    const c = await cpu.embed(texts);
    const cpuClassified = await cpu.classify(texts);
    mark('embed+classify both');
    const epDiff = Math.max(...texts.map((_, i) => maxDiff(g.rows![i], c.rows![i])));
    const embedClassDiff = Math.max(...texts.map((_, i) => maxDiff(g.classes[i].probabilities, cpuClassified.results[i].probabilities)));
    const embedClassLabels = [g.classes.map((r) => r.label), cpuClassified.results.map((r) => r.label)];

    // Batched (concurrent calls through the batcher) vs one call per text.
    const single: Float32Array[] = [];
    for (const t of texts) {
      const e = await gpu.embed([t], { rows: true });
      single.push(e.rows![0]);
      e.tensor!.dispose();
    }
    const runsBefore = gpu.embedBatchSizes.length;
    const together = await Promise.all(texts.map((t) => gpu.embed([t], { rows: true })));
    const batchedRuns = gpu.embedBatchSizes.slice(runsBefore);
    mark('single + batched');
    const batchDiff = Math.max(...together.map((e, i) => maxDiff(e.rows![0], single[i])));
    together.forEach((e) => e.tensor!.dispose());

    // The GPU tensor is on onnxruntime-web's device (adopted), and pooling it equals CPU pooling of
    // the same session's hidden states read back.
    compileCalls.forEach((name, i) => (compileDevice[name] = originals[i]));
    const batch = gpu.tokenizer.encodeBatch(texts, { padTo: 16 });
    const outputs = await gpu.session.run(batch, ['last_hidden_state']);
    const hidden = outputs.last_hidden_state;
    const location = hidden.location;
    const states = (await hidden.getData(true)) as Float32Array;
    const cpuPooled = bertMeanPoolCpu(states, batch.attentionMask, { batch: texts.length, seq: 16, hidden: gpu.hiddenSize });
    const poolDiff = Math.max(...texts.map((_, i) => maxDiff(g.rows![i], cpuPooled.subarray(i * gpu.hiddenSize, (i + 1) * gpu.hiddenSize))));

    mark('raw run');
    // Every GPU buffer the service makes on the shared device (pooling outputs, masks, uniforms,
    // the caller's tensors, read-backs) is destroyed: counted by wrapping createBuffer/destroy, the
    // live count stays flat over repeated runs. (ORT's own WebGPU EP allocates inside its wasm
    // bindings, which this wrapper does not see; its outputs are disposed through Tensor.dispose.)
    const device = gpu.gpu!.device;
    const live = new Set<GPUBuffer>();
    let created = 0;
    const createBuffer = device.createBuffer.bind(device);
    device.createBuffer = (descriptor: GPUBufferDescriptor) => {
      const buffer = createBuffer(descriptor);
      created++;
      live.add(buffer);
      const destroy = buffer.destroy.bind(buffer);
      buffer.destroy = () => {
        live.delete(buffer);
        destroy();
      };
      return buffer;
    };
    // Mixed calls too: embed with and without classes, and a concurrent classify whose rows fill
    // a run of their own (its pooled buffer has no taker and must still be destroyed).
    const runMany = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const [e] = await Promise.all([gpu.embed([texts[i % texts.length]], { classify: i % 2 === 0 }), ...(i % 4 === 1 ? [gpu.classify(texts)] : [])]);
        e.tensor!.dispose();
      }
    };
    await runMany(3);
    const liveAfterWarm = live.size;
    await runMany(12);
    const liveAfterMore = live.size;
    device.createBuffer = createBuffer;
    mark('leak check');
    const shape = g.tensor!.shape;
    const sameDevice = g.tensor!.device === gpu.gpu!.device;
    g.tensor!.dispose();
    const classes = await gpu.classify(['hello world']);
    const cpuClasses = await cpu.classify(['hello world']);
    const classDiff = maxDiff(classes.results[0].probabilities, cpuClasses.results[0].probabilities);
    mark('classify');
    const adapter = gpu.gpu!.adapter;
    await gpu.destroy();
    await cpu.destroy();
    return { marks, compiles, embedClassDiff, embedClassLabels, created, liveAfterWarm, liveAfterMore, path: [g.path, c.path], epDiff, batchDiff, batchedRuns, poolDiff, location, shape, sameDevice, classDiff, classPath: classes.path, adapter };
  }, TEXTS);
  console.log(`language e2e: adapter ${result.adapter.architecture}; WebGPU vs WASM max|Δ| ${result.epDiff.toExponential(2)}; batched vs single ${result.batchDiff.toExponential(2)}; GPU vs CPU pooling ${result.poolDiff.toExponential(2)}; embed+classify vs WASM classify ${result.embedClassDiff.toExponential(2)}; compiles after warm-up ${result.compiles}; runs ${result.batchedRuns}; buffers created ${result.created}, live ${result.liveAfterWarm} → ${result.liveAfterMore}; ${result.marks.join(', ')}`);
  expect(result.path).toEqual(['gpu', 'cpu']);
  expect(result.compiles).toBe(0);
  expect(result.embedClassDiff).toBeLessThanOrEqual(EP_TOLERANCE);
  expect(result.embedClassLabels[0]).toEqual(result.embedClassLabels[1]);
  expect(result.created).toBeGreaterThan(12 * 3);
  expect(result.liveAfterMore).toBe(result.liveAfterWarm);
  expect(result.location).toBe('gpu-buffer');
  expect(result.sameDevice).toBe(true);
  expect(result.shape).toEqual([TEXTS.length, 128]);
  expect(result.epDiff).toBeLessThanOrEqual(EP_TOLERANCE);
  expect(result.batchDiff).toBeLessThanOrEqual(EP_TOLERANCE);
  expect(result.batchedRuns.length).toBeLessThan(TEXTS.length);
  expect(result.poolDiff).toBeLessThanOrEqual(1e-4);
  expect(result.classPath).toBe('gpu');
  expect(result.classDiff).toBeLessThanOrEqual(EP_TOLERANCE);
});

test('language: model files served from a URL are fetched once, then loaded from IndexedDB without a request', async ({ auraPage }) => {
  const dir = resolve(import.meta.dirname, '../../public/models/aura-bert-tiny');
  const hits = new Map<string, number>();
  await auraPage.route('**/remote-models/**', async (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop()!;
    hits.set(name, (hits.get(name) ?? 0) + 1);
    await route.fulfill({ status: 200, body: readFileSync(resolve(dir, name)), headers: { 'content-type': 'application/octet-stream' } });
  });
  // Only the files and the tokenizer: the service on top is tested from a URL in Node
  // (tests/unit/language/model-source.test.ts), and ORT's start-up is costly here.
  const result = await auraPage.evaluate(async () => {
    const { loadModelBytes, loadModelJson, indexedDbModelCache, BertTokenizer } = (window as unknown as AuraWindow).aura;
    const base = `${location.origin}/remote-models/`;
    const cache = indexedDbModelCache('aura-models-e2e');
    const froms: string[][] = [];
    const sizes: number[] = [];
    const ids: number[][] = [];
    for (let i = 0; i < 2; i++) {
      const seen: string[] = [];
      const onProgress = (e: { done: boolean; source: string; from: string }) => e.done && seen.push(`${e.source.split('/').pop()}:${e.from}`);
      const model = await loadModelBytes(`${base}model.onnx`, { cache, onProgress });
      const tokenizer = new BertTokenizer(await loadModelJson(`${base}tokenizer.json`, { cache, onProgress }), await loadModelJson(`${base}tokenizer_config.json`, { cache, onProgress }));
      sizes.push(model.byteLength);
      ids.push(tokenizer.encode('Hello, 世界!').ids);
      froms.push(seen.sort());
    }
    return { froms, sizes, ids };
  });
  expect(hits.get('model.onnx')).toBe(1);
  expect(hits.get('tokenizer.json')).toBe(1);
  expect(result.froms[0]).toContain('model.onnx:network');
  expect(result.froms[1]).toEqual(['model.onnx:cache', 'tokenizer.json:cache', 'tokenizer_config.json:cache']);
  expect(result.sizes[1]).toBe(result.sizes[0]);
  expect(result.ids[1]).toEqual(result.ids[0]);
});
