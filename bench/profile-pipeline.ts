/**
 * `vite-node bench/profile-pipeline.ts [-- --rounds N]`: the pipeline suite's throughput comparison
 * alone (48 concurrent requests of the mixed set, batched vs one request per run, same process),
 * with the time each stage took per request, for profiling the batched path (e.g. under node --cpu-prof).
 */
import { createAura, type AuraOptions } from '../src/runtime/create-aura';
import type { AuraRequest } from '../src/core/request';

const SERVICES: AuraOptions['services'] = ['language', 'neuromorphic', 'lnn', 'memory'];
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;

function mixedRequests(n: number): AuraRequest[] {
  const texts = ['what is the weather in lisbon', 'remember that the server restarts at noon', 'classify this support ticket', 'all tabs should agree on the next leader'];
  return Array.from({ length: n }, (_, i) =>
    i % 2 === 0 ? { text: `${texts[i % texts.length]} ${i}` } : { series: Array.from({ length: 48 }, (_, t) => Math.sin((t + i) / 5)) },
  );
}

const requests = mixedRequests(48);
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const modes = ([
  ['batched', { maxBatch: 32, maxWaitMs: 2 }],
  ['one-per-run', { maxBatch: 1, maxWaitMs: 0 }],
] as const).filter(([label]) => !only || label === only);
const auras = new Map<string, Awaited<ReturnType<typeof createAura>>>();
for (const [label, batching] of modes) {
  auras.set(label, await createAura({ planStore: false, measure: false, batching, services: SERVICES, language: { maxBatch: batching.maxBatch } }));
  await auras.get(label)!.infer(requests[0]);
}
// --profile FILE: a V8 CPU profile of the timed rounds only (not the start-up), for Chrome DevTools.
const profileTo = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1] : undefined;
const inspector = profileTo ? new (await import('node:inspector/promises')).Session() : undefined;
if (inspector) {
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
  await inspector.post('Profiler.start');
}
const best: Record<string, number> = {};
const cpuBest: Record<string, number> = {};
for (let round = 0; round < rounds; round++) {
  for (const [label] of modes) {
    const aura = auras.get(label)!;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const responses = await Promise.all(requests.map((r) => aura.infer(r)));
    const ms = performance.now() - t0;
    const used = process.cpuUsage(cpu0);
    // CPU time is what the work costs on a loaded machine; wall time says what a quiet one would see only when the process had a core to itself.
    const cpuMs = (used.user + used.system) / 1000;
    cpuBest[label] = Math.min(cpuBest[label] ?? Infinity, cpuMs);
    const perSecond = requests.length / (ms / 1000);
    best[label] = Math.max(best[label] ?? 0, perSecond);
    // Wall time per stage summed over the requests (a stage shared by a batch counts once per request).
    const stages: Record<string, number> = {};
    for (const r of responses) for (const [s, t] of Object.entries(r.timings.perStage)) stages[s] = (stages[s] ?? 0) + t.wallMs;
    const sizes = [...new Set(responses.map((r) => r.batchSize))].join(',');
    console.log(`${label.padEnd(12)} ${perSecond.toFixed(0).padStart(6)} req/s  ${ms.toFixed(1)} ms wall, ${cpuMs.toFixed(1)} ms CPU  batch sizes ${sizes}  Σ stage ms: ${Object.entries(stages).map(([s, v]) => `${s} ${v.toFixed(0)}`).join(', ')}`);
  }
}
if (inspector) {
  const { profile } = await inspector.post('Profiler.stop');
  (await import('node:fs')).writeFileSync(profileTo!, JSON.stringify(profile));
}
if (modes.length === 2) console.log(`best: batched ${best.batched.toFixed(0)} req/s, one-per-run ${best['one-per-run'].toFixed(0)} req/s, ratio ${(best.batched / best['one-per-run']).toFixed(2)}×; least CPU per round: batched ${cpuBest.batched.toFixed(0)} ms, one-per-run ${cpuBest['one-per-run'].toFixed(0)} ms, ratio ${(cpuBest['one-per-run'] / cpuBest.batched).toFixed(2)}×`);
for (const aura of auras.values()) await aura.destroy();
process.exit();
