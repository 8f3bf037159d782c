/**
 * The page bench/first-start.ts opens. `?mode=start`: createAura with its defaults and one text
 * request, timed from the navigation's start (performance.now() counts from it), then the background
 * measurement awaited. `?mode=bert[&threads=N]`: BERT batch-32 throughput on the WASM EP.
 */
import { createAura, env } from '../src/index';
import { bertBatchThroughput } from './first-start-bert';

interface Mark {
  atMs: number;
  stage: string;
  message: string;
}

const params = new URLSearchParams(location.search);
const out = window as unknown as { firstStart?: unknown; firstStartError?: string };

async function start() {
  const marks: Mark[] = [];
  const aura = await createAura({
    onProgress: (e) => {
      if (marks.at(-1)?.message !== e.message) marks.push({ atMs: performance.now(), stage: e.stage, message: e.message });
    },
  });
  const readyMs = performance.now();
  const response = await aura.infer({ text: 'Congratulations, you won a free cruise: reply now to claim your prize' });
  const answerMs = performance.now();
  const plan = aura.plan;
  const measured = await aura.measured;
  const measuredMs = performance.now();
  await aura.destroy();
  return { answerMs, readyMs, measuredMs, answer: response.answer?.text ?? '', plan, measured, marks, crossOriginIsolated, adapter: aura.adapter };
}

async function bert() {
  const threads = params.get('threads');
  if (threads) env.wasmThreads = Number(threads);
  return bertBatchThroughput(Number(params.get('runs') ?? 10));
}

(params.get('mode') === 'bert' ? bert() : start()).then(
  (result) => (out.firstStart = result),
  (error: unknown) => (out.firstStartError = String((error as Error)?.stack ?? error)),
);
