import { createAura, PLANNED_STAGES, type Aura, type AuraOptions } from '../../src/runtime/create-aura';
import type { AuraRequest } from '../../src/core/request';
import type { BenchContext, BenchSuite } from '../types';
import { quantile } from '../stats';

/**
 * The whole request path. First the backend plans (issue: per-stage backend choice): the plan `auto`
 * measures, all-GPU and all-CPU, each timed on the same requests in this run; then, under `auto`,
 * latency at concurrency 1, 8 and 64 and throughput with and without dynamic batching.
 */
// Consensus is measured by its own suite: its agreement round would dominate every figure here.
const SERVICES: AuraOptions['services'] = ['language', 'neuromorphic', 'lnn', 'memory'];
/** Passes over the request set per throughput mode (one pass varies too much on a shared machine). */
const THROUGHPUT_PASSES = 7;

export const suite: BenchSuite = {
  name: 'pipeline',
  hosts: ['node', 'browser'],
  async run(ctx) {
    const requests = mixedRequests(ctx.size === 'full' ? 256 : 48);
    // In Node onnxruntime-web has no WebGPU EP: there BERT stays on WASM in every plan.
    const gpuPlan: AuraOptions['backend'] = ctx.host === 'node' ? { language: 'cpu', neuromorphic: 'gpu', lnn: 'gpu', memory: 'gpu', router: 'gpu' } : 'gpu';
    const plans: Array<[string, AuraOptions['backend']]> = [['auto', 'auto'], ['all-gpu', gpuPlan], ['all-cpu', 'cpu']];
    const p50: Record<string, number> = {};
    for (const [name, backend] of plans) {
      const aura = await createAura({ backend, planStore: false, services: SERVICES });
      try {
        if (name === 'auto') printPlan(ctx, aura);
        const sample = requests.slice(0, ctx.size === 'full' ? 64 : 24);
        await latencies(aura, sample, 1); // warm: compilation, JIT and first-touch costs are not the steady state
        const times = await latencies(aura, sample, 1);
        p50[name] = quantile(times, 0.5);
        ctx.log(`plan ${name}: ${describePlan(aura)} → p50 ${p50[name].toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms (concurrency 1); embedding rows moved between GPU and CPU: ${crossings(aura)} over ${2 * sample.length} requests`);
      } finally {
        await aura.destroy();
      }
    }
    const best = Math.min(p50['all-gpu'], p50['all-cpu']);
    ctx.log(`auto p50 is ${(p50.auto / best).toFixed(2)}× the best forced plan and ${(p50.auto / p50['all-gpu']).toFixed(2)}× the all-GPU plan`);
    ctx.record('planP50Ms', p50);

    const aura = await createAura({ planStore: false, services: SERVICES });
    try {
      for (const concurrency of [1, 8, 64]) {
        const times = await latencies(aura, requests, concurrency);
        const line = `concurrency ${concurrency}: p50 ${quantile(times, 0.5).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms, p99 ${quantile(times, 0.99).toFixed(1)} ms`;
        ctx.log(line);
        ctx.record(`latency.c${concurrency}`, { p50: quantile(times, 0.5), p95: quantile(times, 0.95), p99: quantile(times, 0.99) });
      }
    } finally {
      await aura.destroy();
    }
    // Unbatched means BERT too runs one text per call, as transformers.js pipelines do. Batched, the
    // requests wait once, at the front batcher: the language service keeps the runtime's default of no
    // wait of its own (a second 2 ms wait there left the CPU idle before every BERT run). Both runtimes
    // run in turns, several passes each, so that a machine's load weighs on both alike.
    const modes = [['batched (max 32, wait 2 ms)', { maxBatch: 32, maxWaitMs: 2 }], ['one request per run', { maxBatch: 1, maxWaitMs: 0 }]] as const;
    const runtimes: Aura[] = [];
    try {
      for (const [, batching] of modes) {
        runtimes.push(await createAura({ planStore: false, batching, services: SERVICES, language: { maxBatch: batching.maxBatch } }));
        await Promise.all(requests.map((r) => runtimes[runtimes.length - 1].infer(r)));
      }
      const rates: number[][] = modes.map(() => []);
      for (let pass = 0; pass < THROUGHPUT_PASSES; pass++) {
        for (const [m, runtime] of runtimes.entries()) {
          const t0 = performance.now();
          await Promise.all(requests.map((r) => runtime.infer(r)));
          rates[m].push(requests.length / ((performance.now() - t0) / 1000));
        }
      }
      const median = rates.map((r) => quantile(r, 0.5));
      modes.forEach(([label, batching], m) => {
        ctx.log(`throughput ${label}: ${median[m].toFixed(1)} requests/s (${requests.length} concurrent; median of ${THROUGHPUT_PASSES} passes, range ${Math.min(...rates[m]).toFixed(0)}–${Math.max(...rates[m]).toFixed(0)})`);
        ctx.record(`throughput.${batching.maxBatch}`, median[m]);
      });
      ctx.log(`batched ÷ one request per run: ${(median[0] / median[1]).toFixed(2)}×`);
      ctx.record('throughput.batchedOverOnePerRun', median[0] / median[1]);
    } finally {
      for (const runtime of runtimes) await runtime.destroy();
    }
  },
};

function mixedRequests(n: number): AuraRequest[] {
  const texts = ['what is the weather in lisbon', 'remember that the server restarts at noon', 'classify this support ticket', 'all tabs should agree on the next leader'];
  return Array.from({ length: n }, (_, i) =>
    i % 2 === 0 ? { text: `${texts[i % texts.length]} ${i}` } : { series: Array.from({ length: 48 }, (_, t) => Math.sin((t + i) / 5)) },
  );
}

async function latencies(aura: Aura, requests: AuraRequest[], concurrency: number): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const request = requests[next++];
        const t0 = performance.now();
        await aura.infer(request);
        times.push(performance.now() - t0);
      }
    }),
  );
  return times;
}

function describePlan(aura: Aura): string {
  return PLANNED_STAGES.filter((s) => aura.plan.stages[s]).map((s) => `${s}=${aura.plan.stages[s].path}`).join(' ');
}

/** Embedding rows that crossed between GPU and CPU where the plan switched path (the pipeline's counter). */
function crossings(aura: Aura): number {
  const lines = aura.metrics().split('\n').filter((l) => l.startsWith('aura_tensor_crossings_total{'));
  return lines.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** The plan `auto` chose, with each stage's measured time on both paths side by side. */
function printPlan(ctx: BenchContext, aura: Aura): void {
  ctx.log('stage        path  why       GPU ms     CPU ms');
  for (const [stage, p] of Object.entries(aura.plan.stages)) {
    const ms = (v?: number) => (v === undefined ? '—' : v.toFixed(2)).padStart(9);
    ctx.log(`${stage.padEnd(12)} ${p.path.padEnd(5)} ${p.why.padEnd(9)} ${ms(p.gpuMs)}  ${ms(p.cpuMs)}`);
  }
  ctx.record('autoPlan', aura.plan);
}
