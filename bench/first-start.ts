/**
 * The first start, and the WASM EP's threads (issue 21), called from bench/run.ts:
 * - the first answer in a FRESH Chromium profile (a new user-data folder: no models, no plan cached),
 *   from the navigation's start to the answer; then a second start in that profile (plan and models
 *   cached), after the first start's background measurement saved its plan;
 * - BERT batch-32 throughput on the WASM EP with 1 thread and with the default thread count, in a
 *   cross-origin isolated page and in Node (each count in its own realm: ORT reads it once).
 * The dev server is loaded once before the fresh profiles, so its module transforms are not counted.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext } from 'playwright-core';
import { build, createServer, preview } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium';
import type { BertThroughput } from './first-start-bert';
import type { SuiteReport } from './run-suites';
import type { BenchSize } from './types';

interface StartResult {
  answerMs: number;
  readyMs: number;
  measuredMs: number;
  answer: string;
  plan: { stages: Record<string, { path: string; why: string }> };
  measured?: { measured: Record<string, { path: string; gpuMs: number; cpuMs: number }>; cancelled: boolean };
  marks: Array<{ atMs: number; stage: string; message: string }>;
  crossOriginIsolated: boolean;
  adapter: { vendor: string; architecture: string; isFallback: boolean };
}

const PORT = Number(process.env.AURA_BENCH_PORT ?? 5191);
const TARGET = { freshMs: 3000, cachedMs: 1500, threads: 2, speedup: 1.6 };

async function open<T>(context: BrowserContext, url: string, timeoutMs: number): Promise<T> {
  const page = await context.newPage();
  try {
    await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
    await page.waitForFunction(() => 'firstStart' in window || 'firstStartError' in window, undefined, { timeout: timeoutMs, polling: 100 });
    const error = await page.evaluate(() => (window as unknown as { firstStartError?: string }).firstStartError);
    if (error) throw new Error(`${url}: ${error}`);
    return (await page.evaluate(() => (window as unknown as { firstStart: unknown }).firstStart)) as T;
  } finally {
    await page.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** One BERT throughput run in a Node process of its own (ORT reads its thread count once per process). */
async function nodeBert(threads: number | undefined, runs: number): Promise<BertThroughput> {
  const args = ['vite-node', 'bench/first-start-bert-node.ts', '--', String(runs), ...(threads ? [String(threads)] : [])];
  const { stdout } = await promisify(execFile)('npx', args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as BertThroughput;
}

/**
 * The page as a user gets it: built by `vite build` (the repository's app config: models copied as
 * the code names them) and served by `vite preview` with the config's isolation headers. With
 * AURA_FIRST_START_SERVE=dev the dev server serves it unbundled instead.
 */
async function servePage(log: (line: string) => void): Promise<{ resolvedUrls: { local: string[] } | null; close(): Promise<void> }> {
  const server = { port: PORT, strictPort: false, host: '127.0.0.1' };
  if (process.env.AURA_FIRST_START_SERVE === 'dev') {
    const dev = await createServer({ server, logLevel: 'warn' });
    await dev.listen();
    log('first start: page served by the Vite dev server (unbundled modules)');
    return dev;
  }
  const outDir = mkdtempSync(join(tmpdir(), 'aura-first-start-build-'));
  const t0 = performance.now();
  await build({ logLevel: 'warn', build: { outDir, emptyOutDir: true, rollupOptions: { input: 'bench/first-start.html' } } });
  log(`first start: page built by vite build in ${s(performance.now() - t0)}, served by vite preview`);
  const served = await preview({ preview: server, build: { outDir }, logLevel: 'warn' });
  return {
    resolvedUrls: served.resolvedUrls,
    close: async () => {
      await served.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

export async function runFirstStart(size: BenchSize, print: (line: string) => void): Promise<SuiteReport> {
  const lines: string[] = [];
  const log = (line: string) => (lines.push(line), print(line));
  const results: Record<string, unknown> = {};
  const failures: SuiteReport['failures'] = [];
  const repeats = Number(process.env.AURA_FIRST_START_REPEATS ?? (size === 'small' ? 3 : 5));
  const runs = size === 'small' ? 10 : 30;
  const server = await servePage(log);
  const base = new URL('bench/first-start.html', server.resolvedUrls!.local[0]).href;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  let adapter = '';
  try {
    // Loads the page once: the dev server's transforms (AURA_FIRST_START_SERVE=dev) are then not part of a profile's first start.
    const warm = await browser.newContext();
    await open<StartResult>(warm, `${base}?mode=start`, 300_000).finally(() => warm.close());

    const fresh: number[] = [];
    const cached: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'aura-first-start-profile-'));
      const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      try {
        const first = await open<StartResult>(context, `${base}?mode=start`, 300_000);
        const second = await open<StartResult>(context, `${base}?mode=start`, 300_000);
        adapter = `${first.adapter.vendor} ${first.adapter.architecture}${first.adapter.isFallback ? ' (fallback)' : ''}`;
        fresh.push(first.answerMs);
        cached.push(second.answerMs);
        const plan = (r: StartResult) => Object.entries(r.plan.stages).map(([k, v]) => `${k} ${v.path}/${v.why}`).join(', ');
        const measured = Object.entries(first.measured?.measured ?? {}).map(([k, v]) => `${k} gpu ${v.gpuMs.toFixed(1)} / cpu ${v.cpuMs.toFixed(1)} ms → ${v.path}`).join('; ');
        log(`first start #${i + 1}: fresh profile ${s(first.answerMs)} to the first answer (ready ${s(first.readyMs)}; plan ${plan(first)}); background measurement done at ${s(first.measuredMs)}: ${measured || 'nothing measured'}`);
        log(`  cached profile ${s(second.answerMs)} (ready ${s(second.readyMs)}; plan ${plan(second)}); isolated: ${first.crossOriginIsolated}`);
        // The steps of the start, without each file's percentages.
        const steps = (r: StartResult) => r.marks.filter((m) => !/^loading .*\((network|cache)\)$/.test(m.message)).map((m) => `${(m.atMs / 1000).toFixed(2)} ${m.stage}: ${m.message.slice(0, 60)}`).join(' | ');
        log(`  fresh steps: ${steps(first)}`);
        log(`  cached steps: ${steps(second)}`);
        results[`start${i + 1}`] = { fresh: first, cached: second };
      } finally {
        await context.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const freshMs = median(fresh);
    const cachedMs = median(cached);
    log(`first answer, median of ${repeats}: fresh profile ${s(freshMs)} (target ≤ ${s(TARGET.freshMs)}: ${freshMs <= TARGET.freshMs ? 'met' : 'NOT met'}), cached plan ${s(cachedMs)} (target ≤ ${s(TARGET.cachedMs)}: ${cachedMs <= TARGET.cachedMs ? 'met' : 'NOT met'})`);
    results.firstAnswer = { freshMs, cachedMs, fresh, cached, repeats };

    const context = await browser.newContext();
    try {
      const one = await open<BertThroughput>(context, `${base}?mode=bert&threads=1&runs=${runs}`, 300_000);
      const many = await open<BertThroughput>(context, `${base}?mode=bert&runs=${runs}`, 300_000);
      reportThreads(log, 'Chromium', one, many);
      results.bertThreads = { chromium: { one, many } };
    } finally {
      await context.close();
    }
  } catch (error) {
    failures.push({ suite: 'first-start', error: String((error as Error)?.stack ?? error) });
    log(`first-start FAILED: ${String(error)}`);
  } finally {
    await browser.close();
    await server.close();
  }
  try {
    const one = await nodeBert(1, runs);
    const many = await nodeBert(undefined, runs);
    reportThreads(log, 'Node', one, many);
    results.bertThreadsNode = { one, many };
  } catch (error) {
    failures.push({ suite: 'first-start (Node threads)', error: String((error as Error)?.stack ?? error) });
    log(`first-start Node threads FAILED: ${String(error)}`);
  }
  return { host: 'browser', adapter, bandwidthGBps: 0, cpuBandwidthGBps: 0, lines, results, failures };
}

function reportThreads(log: (line: string) => void, host: string, one: BertThroughput, many: BertThroughput): void {
  const speedup = many.textsPerSecond / one.textsPerSecond;
  log(
    `${host} WASM EP, ${one.model}, batch ${one.batch}: 1 thread ${one.textsPerSecond.toFixed(0)} texts/s (p50 ${one.p50Ms.toFixed(1)} ms); ` +
      `${many.threads} threads ${many.textsPerSecond.toFixed(0)} texts/s (p50 ${many.p50Ms.toFixed(1)} ms): ${speedup.toFixed(2)}×; crossOriginIsolated ${String(many.crossOriginIsolated)} ` +
      `(targets: ≥ ${TARGET.threads} threads ${many.threads >= TARGET.threads ? 'met' : 'NOT met'}, ≥ ${TARGET.speedup}× ${speedup >= TARGET.speedup ? 'met' : 'NOT met'})`,
  );
}
