import type { BenchContext, BenchSuite } from '../types';
import { LanguageService } from '../../src/services/language/language-service';
import { createTransformersPeer, type PeerDevice, type TransformersPeer } from '../peer/transformers-peer';
import { PEER_TEXTS, peerRequests } from '../peer/texts';
import { quantile } from '../stats';

const CONCURRENCY = 32;
const MODEL = 'aura-bert-spam';
/** Finer sequence buckets than the default [16, 32, 256]: a 90-token text runs at 128, not 256. */
const FINE_BUCKETS = { sequenceLengths: [16, 32, 64, 128, 256], batchSizes: [1, 8, 32] };

/** One way to answer a text: AURA's language service or the transformers.js pipeline. */
interface Runner {
  name: string;
  classify(text: string): Promise<{ label: string; score: number }>;
  dispose(): Promise<void>;
}

/**
 * AURA against transformers.js v4 on the same trained model (public/models/aura-bert-spam, f32 weights,
 * onnx/model.onnx) and the same e-mails: whether they agree, batch-1 latency (one request at a time)
 * and throughput at 32 concurrent requests. transformers.js runs as its users run it, one pipeline
 * call per request; AURA's language service batches concurrent calls. Node: the peer on
 * onnxruntime-node (its default; AURA_PEER_DEVICE=wasm puts it on onnxruntime-web's WASM EP, as AURA);
 * Chromium: the peer on WASM and on WebGPU, AURA on the path `auto` picks.
 */
export const suite: BenchSuite = {
  name: 'peer',
  hosts: ['node', 'browser'],
  async run(ctx) {
    const small = ctx.size === 'small';
    const aura = await auraRunner(ctx, 'fp32', undefined);
    const peers: PeerDevice[] = ctx.host === 'node' ? [nodePeerDevice()] : ['wasm', 'webgpu'];
    try {
      for (const device of peers) {
        const slowGpu = device === 'webgpu' && ctx.gpu.adapter.isFallback;
        const peer = await peerRunner(ctx, device);
        try {
          await agreement(ctx, aura, peer);
          // SwiftShader's WebGPU: one 200-token run takes seconds, a wave of 32 minutes; batch-1 once only.
          const rounds = slowGpu ? 1 : small ? 3 : 20;
          const auraFigures = await measure(ctx, aura, rounds, slowGpu ? 0 : rounds);
          const peerFigures = await measure(ctx, peer, rounds, slowGpu ? 0 : rounds);
          const latencyRatio = auraFigures.p50 / peerFigures.p50;
          const throughputRatio = auraFigures.perSecond / peerFigures.perSecond;
          const throughput = Number.isFinite(throughputRatio) ? `${throughputRatio.toFixed(2)}×` : 'not measured';
          ctx.log(`AURA vs ${peer.name}: throughput at ${CONCURRENCY} concurrent ${throughput} (target ≥ 1.5×), batch-1 p50 latency ${latencyRatio.toFixed(2)}× (target ≤ 1.1×)`);
          ctx.record(`vs.${device}`, { aura: auraFigures, peer: peerFigures, throughputRatio, latencyRatio, runtime: peer.name });
        } finally {
          await peer.dispose();
        }
      }
    } finally {
      await aura.dispose();
    }
    // AURA's own variants, for context: its default int8 weights, and finer sequence buckets.
    for (const [dtype, buckets] of [['q8', undefined], ['fp32', FINE_BUCKETS]] as const) {
      const variant = await auraRunner(ctx, dtype, buckets);
      try {
        await measure(ctx, variant, small ? 3 : 20, small ? 3 : 20);
      } finally {
        await variant.dispose();
      }
    }
  },
};

/** The repository's model folders (f32 weights included): a path in Node, the dev server's /models/ in Chromium. */
function modelRoot(ctx: BenchContext): string {
  return ctx.host === 'node' ? `${process.cwd()}/public/models/` : '/models/';
}

function nodePeerDevice(): PeerDevice {
  const wanted = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.AURA_PEER_DEVICE ?? 'cpu';
  if (wanted !== 'cpu' && wanted !== 'wasm') throw new Error(`AURA_PEER_DEVICE must be cpu or wasm, not ${wanted}`);
  return wanted;
}

async function auraRunner(ctx: BenchContext, dtype: 'fp32' | 'q8', buckets: typeof FINE_BUCKETS | undefined): Promise<Runner> {
  const start = performance.now();
  // maxWaitMs 0 as createAura's language descriptor sets it: concurrent calls of one tick share a run.
  const model = `${modelRoot(ctx)}${MODEL}`;
  const service = await LanguageService.create({ model, backend: ctx.host === 'node' ? 'cpu' : 'auto', dtype, cache: false, maxWaitMs: 0, maxBatch: CONCURRENCY, buckets });
  const name = `AURA ${service.path === 'gpu' ? 'WebGPU' : 'WASM'} EP ${dtype}${buckets ? ` buckets ${buckets.sequenceLengths.join('/')}` : ''}`;
  ctx.log(`${name}: loaded and warmed up in ${(performance.now() - start).toFixed(0)} ms`);
  return {
    name,
    async classify(text) {
      const { results } = await service.classify([text]);
      return { label: results[0].label, score: results[0].score };
    },
    dispose: () => service.destroy(),
  };
}

async function peerRunner(ctx: BenchContext, device: PeerDevice): Promise<Runner & { peer: TransformersPeer }> {
  const start = performance.now();
  const peer = await createTransformersPeer({
    device,
    dtype: 'fp32',
    model: MODEL,
    modelRoot: modelRoot(ctx),
    wasmPrefix: '/node_modules/@huggingface/transformers/node_modules/onnxruntime-web/dist/',
  });
  // First call of each text: session and shader warm-up, as AURA's create() warms its buckets.
  for (const t of PEER_TEXTS) await peer.classify(t.text);
  const name = `transformers.js ${device} (${peer.runtime})`;
  ctx.log(`${name}: loaded and warmed up in ${(performance.now() - start).toFixed(0)} ms`);
  return { name, peer, classify: (text) => peer.classify(text), dispose: () => peer.dispose() };
}

/** Same label on every text, and the largest difference of the top label's probability. */
async function agreement(ctx: BenchContext, aura: Runner, peer: Runner): Promise<void> {
  let sameLabel = 0;
  let maxScoreDiff = 0;
  for (const t of PEER_TEXTS) {
    const [a, p] = [await aura.classify(t.text), await peer.classify(t.text)];
    if (a.label === p.label) sameLabel++;
    if (a.label === p.label) maxScoreDiff = Math.max(maxScoreDiff, Math.abs(a.score - p.score));
  }
  ctx.log(`agreement on ${PEER_TEXTS.length} whole e-mails (30–238 word pieces): same label ${sameLabel}/${PEER_TEXTS.length}, largest probability difference ${maxScoreDiff.toExponential(1)}`);
  ctx.record(`agreement.${peer.name}`, { texts: PEER_TEXTS.length, sameLabel, maxScoreDiff });
}

/** Batch-1 latency (each text in turn, `rounds` times) and 32 concurrent requests (`waves` times; 0: not measured). */
async function measure(ctx: BenchContext, runner: Runner, rounds: number, waveCount: number) {
  const latencies: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const t of PEER_TEXTS) {
      const start = performance.now();
      await runner.classify(t.text);
      latencies.push(performance.now() - start);
    }
  }
  const requests = peerRequests(CONCURRENCY);
  const waves: number[] = [];
  for (let r = 0; r < waveCount; r++) {
    const start = performance.now();
    await Promise.all(requests.map((t) => runner.classify(t)));
    waves.push(performance.now() - start);
  }
  const p50 = quantile(latencies, 0.5);
  const wave = waves.length > 0 ? quantile(waves, 0.5) : NaN;
  const perSecond = (CONCURRENCY * 1000) / wave;
  const concurrent = waves.length > 0 ? `${perSecond.toFixed(1)} req/s (median of ${waves.length} waves, ${wave.toFixed(0)} ms each)` : 'not measured';
  ctx.log(`${runner.name}: batch-1 p50 ${p50.toFixed(1)} ms (p95 ${quantile(latencies, 0.95).toFixed(1)}, ${latencies.length} calls); ${CONCURRENCY} concurrent ${concurrent}`);
  ctx.record(`runner.${runner.name}`, { p50, p95: quantile(latencies, 0.95), perSecond, waveMs: wave, calls: latencies.length, waves: waves.length });
  return { p50, perSecond };
}
