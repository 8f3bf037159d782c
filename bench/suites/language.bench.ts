import type { BenchContext, BenchSuite } from '../types';
import { LanguageService } from '../../src/services/language/language-service';
import { loadOrt, webGpuEpAvailable } from '../../src/services/language/ort-runtime';
import { quantile } from '../stats';

/** Sentences of 20–30 word pieces, so every run uses the 32-token bucket. */
const SENTENCES = [
  'The quick brown fox jumps over the lazy dog while the cat plays in the web browser page.',
  'Spiking neuron networks learn fast when energy and memory are counted for each query.',
  'A router sends the text embedding to the best service, and the model makes a new vector.',
  'Hello world: this sentence is here to make the language model work a little, please help.',
];

function texts(n: number): string[] {
  return Array.from({ length: n }, (_, i) => SENTENCES[i % SENTENCES.length]);
}

/** Nearest-rank quantile. */
async function timed<T>(body: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await body();
  return { ms: performance.now() - start, value };
}

/**
 * Language service latency and batching, per execution provider: cold (the first call of each
 * batch shape on a session that was not warmed up: shader compilation on WebGPU) and warm p50/p95
 * at batch 1, 8 and 32, each call ending with the embeddings read back as rows; then the dynamic
 * batcher's throughput (32 concurrent one-text requests) against one request per run, as
 * transformers.js pipelines run them. WebGPU EP in the browser only; WASM EP in both hosts.
 */
export const suite: BenchSuite = {
  name: 'language',
  hosts: ['browser', 'node'],
  async run(ctx) {
    const eps: Array<'gpu' | 'cpu'> = webGpuEpAvailable() ? ['gpu', 'cpu'] : ['cpu'];
    for (const backend of eps) await runBackend(ctx, backend);
  },
};

async function runBackend(ctx: BenchContext, backend: 'gpu' | 'cpu'): Promise<void> {
  const ep = backend === 'gpu' ? 'webgpu' : 'wasm';
  const small = ctx.size === 'small';
  // Fewer warm repetitions on SwiftShader's WebGPU (a batch-32 run takes seconds there).
  const reps = (batch: number) => (backend === 'gpu' && small ? Math.max(2, Math.round(8 / Math.sqrt(batch))) : small ? 10 : 50);
  const { ms: createMs, value: service } = await timed(() =>
    LanguageService.create({ backend, warmUp: false, cache: false, maxBatch: 32, maxWaitMs: 0, buckets: { sequenceLengths: [32], batchSizes: [1, 8, 32] } }),
  );
  try {
    const threads = (await loadOrt({ build: 'wasm' })).env.wasm.numThreads ?? 1;
    const adapter = service.gpu ? `${service.gpu.adapter.vendor} ${service.gpu.adapter.architecture}${service.gpu.adapter.isFallback ? ' (fallback)' : ''}` : `CPU (WASM, ${threads} thread${threads === 1 ? '' : 's'})`;
    ctx.log(`${ep} EP on ${adapter}: model aura-bert-tiny (2 layers, hidden ${service.hiddenSize}), 32-token bucket; session created in ${createMs.toFixed(0)} ms`);
    const embedRows = async (batch: string[]) => {
      const e = await service.embed(batch, { rows: true });
      e.tensor?.dispose();
      return e;
    };
    for (const batch of [1, 8, 32]) {
      const input = texts(batch);
      const cold = await timed(() => embedRows(input));
      const warm: number[] = [];
      for (let i = 0; i < reps(batch); i++) warm.push((await timed(() => embedRows(input))).ms);
      const p50 = quantile(warm, 0.5);
      const p95 = quantile(warm, 0.95);
      ctx.log(`${ep} batch ${batch}: cold ${cold.ms.toFixed(1)} ms; warm p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (${warm.length} runs), ${((batch * 1000) / p50).toFixed(0)} texts/s`);
      ctx.record(`${ep}.batch${batch}`, { coldMs: cold.ms, warmP50Ms: p50, warmP95Ms: p95, runs: warm.length, path: cold.value.path });
    }

    // 32 one-text requests: one run each (awaited in turn) vs all at once through the batcher.
    const requests = texts(32);
    const oneByOne = await timed(async () => {
      for (const t of requests) await embedRows([t]);
    });
    const runsBefore = service.embedBatchSizes.length;
    const batched = await timed(() => Promise.all(requests.map((t) => embedRows([t]))));
    const runs = service.embedBatchSizes.length - runsBefore;
    const perRun = (32 * 1000) / oneByOne.ms;
    const perBatch = (32 * 1000) / batched.ms;
    ctx.log(`${ep} throughput, 32 requests: one per run ${perRun.toFixed(1)} req/s; dynamic batcher ${perBatch.toFixed(1)} req/s in ${runs} run(s) (${(perBatch / perRun).toFixed(1)}×)`);
    ctx.record(`${ep}.throughput`, { oneRequestPerRunPerSecond: perRun, batchedPerSecond: perBatch, batchedRuns: runs, speedup: perBatch / perRun });
  } finally {
    await service.destroy();
  }
}
