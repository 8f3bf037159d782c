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
 * Chromium: the peer on WASM and on WebGPU, AURA on the path `auto` picks. The two take turns call by
 * call, so a shared machine's load falls on both alike.
 */
export const suite: BenchSuite = {
  name: 'peer',
  hosts: ['node', 'browser'],
  async run(ctx) {
    const small = ctx.size === 'small';
    const peers: PeerDevice[] = ctx.host === 'node' ? [nodePeerDevice()] : ['wasm', 'webgpu'];
    for (const device of peers) {
      const slowGpu = device === 'webgpu' && ctx.gpu.adapter.isFallback;
      const peer = await peerRunner(ctx, device);
      try {
        // AURA as compared (the same f32 file), then for context its default int8 weights and finer buckets.
        const variants = slowGpu ? VARIANTS.slice(0, 1) : VARIANTS;
        for (const [index, [dtype, buckets]] of variants.entries()) {
          const aura = await auraRunner(ctx, dtype, buckets);
          try {
            if (index === 0) await agreement(ctx, aura, peer);
            // SwiftShader's WebGPU: one 200-token run takes seconds, a wave of 32 minutes; batch-1 once only.
            const rounds = slowGpu ? 1 : small ? 3 : 20;
            const { ours, theirs } = await measurePair(ctx, aura, peer, rounds, slowGpu ? 0 : rounds);
            const latencyRatio = ours.p50 / theirs.p50;
            const throughputRatio = ours.perSecond / theirs.perSecond;
            const throughput = Number.isFinite(throughputRatio) ? `${throughputRatio.toFixed(2)}×` : 'not measured';
            ctx.log(`${aura.name} vs ${peer.name}: throughput at ${CONCURRENCY} concurrent ${throughput} (target ≥ 1.5×), batch-1 p50 latency ${latencyRatio.toFixed(2)}× (target ≤ 1.1×)`);
            ctx.record(`vs.${device}.${aura.name}`, { aura: ours, peer: theirs, throughputRatio, latencyRatio, runtime: peer.name });
          } finally {
            await aura.dispose();
          }
        }
      } finally {
        await peer.dispose();
      }
    }
  },
};

/** AURA's variants: the compared one (f32, default buckets), its default int8 weights, finer buckets. */
const VARIANTS: Array<['fp32' | 'q8', typeof FINE_BUCKETS | undefined]> = [
  ['fp32', undefined],
  ['q8', undefined],
  ['fp32', FINE_BUCKETS],
];

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

/**
 * Batch-1 latency (each text in turn, `rounds` times) and 32 concurrent requests (`waveCount` waves;
 * 0: not measured), AURA and the peer taking turns call by call and wave by wave, so that both see the
 * same load on a shared machine. In Node also the process's CPU time per request in the waves.
 */
async function measurePair(ctx: BenchContext, ours: Runner, theirs: Runner, rounds: number, waveCount: number) {
  const runners = [ours, theirs];
  const latencies: number[][] = [[], []];
  const waves: number[][] = [[], []];
  const cpuMs = [0, 0];
  for (let r = 0; r < rounds; r++) {
    for (const t of PEER_TEXTS) {
      for (const [i, runner] of runners.entries()) {
        const start = performance.now();
        await runner.classify(t.text);
        latencies[i].push(performance.now() - start);
      }
    }
  }
  const requests = peerRequests(CONCURRENCY);
  const cpu = (globalThis as { process?: { cpuUsage?: (since?: NodeJS.CpuUsage) => NodeJS.CpuUsage } }).process?.cpuUsage;
  for (let r = 0; r < waveCount; r++) {
    for (const [i, runner] of runners.entries()) {
      const cpuStart = cpu?.();
      const start = performance.now();
      await Promise.all(requests.map((t) => runner.classify(t)));
      waves[i].push(performance.now() - start);
      if (cpu && cpuStart) {
        const used = cpu(cpuStart);
        cpuMs[i] += (used.user + used.system) / 1000;
      }
    }
  }
  const [a, b] = runners.map((runner, i) => {
    const p50 = quantile(latencies[i], 0.5);
    const p95 = quantile(latencies[i], 0.95);
    const wave = waves[i].length > 0 ? quantile(waves[i], 0.5) : NaN;
    const perSecond = (CONCURRENCY * 1000) / wave;
    const cpuPerRequest = cpu && waves[i].length > 0 ? cpuMs[i] / (waves[i].length * CONCURRENCY) : NaN;
    const concurrent = waves[i].length > 0 ? `${perSecond.toFixed(1)} req/s (median of ${waves[i].length} waves, ${wave.toFixed(0)} ms each${Number.isFinite(cpuPerRequest) ? `, ${cpuPerRequest.toFixed(1)} ms CPU per request` : ''})` : 'not measured';
    ctx.log(`${runner.name}: batch-1 p50 ${p50.toFixed(1)} ms (p95 ${p95.toFixed(1)}, ${latencies[i].length} calls); ${CONCURRENCY} concurrent ${concurrent}`);
    return { p50, p95, perSecond, waveMs: wave, cpuMsPerRequest: cpuPerRequest, calls: latencies[i].length, waves: waves[i].length };
  });
  return { ours: a, theirs: b };
}
