/**
 * `npm run bench -- [--size small|full] [--host node|browser|all] [--only a,b]`
 * Runs the suites in bench/suites on Node (Dawn) and in Chromium (Playwright), prints a report and
 * writes bench/results/<time>.json. 'small' suits this CPU machine; 'full' a real GPU.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium';
import { runFirstStart } from './first-start';
import { runSuites, type SuiteReport } from './run-suites';
import type { BenchSize } from './types';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'small' },
    host: { type: 'string', default: 'all' },
    only: { type: 'string', default: '' },
  },
  allowPositionals: true,
});
const size = values.size as BenchSize;
if (size !== 'small' && size !== 'full') throw new Error(`--size must be small or full, not ${values.size}`);
if (!['node', 'browser', 'all'].includes(values.host!)) throw new Error(`--host must be node, browser or all`);
const only = values.only ? values.only.split(',') : [];
// 'first-start' is its own run (fresh browser profiles, threads per realm), not a suite; the suites run unless --only names only it.
const firstStart = only.length === 0 || only.includes('first-start');
const suitesOnly = only.filter((name) => name !== 'first-start');
const suites = only.length === 0 || suitesOnly.length > 0;

async function inBrowser(): Promise<SuiteReport> {
  // AURA_BENCH_PORT: a port of one's own where several people share the machine.
  const port = Number(process.env.AURA_BENCH_PORT ?? 5190);
  const server = await createServer({ server: { port, strictPort: process.env.AURA_BENCH_PORT !== undefined, host: '127.0.0.1' }, logLevel: 'warn' });
  await server.listen();
  const url = server.resolvedUrls!.local[0];
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    page.on('console', (msg) => msg.type() === 'log' && console.log(msg.text()));
    await page.goto(new URL('bench/bench.html', url).href);
    await page.waitForFunction(() => (window as unknown as { benchReady?: boolean }).benchReady === true);
    return await page.evaluate(
      ([s, o]) => (window as unknown as { runBench: (s: string, o: string[]) => Promise<SuiteReport> }).runBench(s, o),
      [size, suitesOnly] as const,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

const started = new Date();
const reports: SuiteReport[] = [];
if (suites && values.host !== 'browser') reports.push(await runSuites('node', size, suitesOnly, (line) => console.log(line)));
if (suites && values.host !== 'node') reports.push(await inBrowser());
if (firstStart && values.host !== 'node') reports.push(await runFirstStart(size, (line) => console.log(line)));

mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${started.toISOString().replace(/[:.]/g, '-')}.json`;
const machine = { cpus: (await import('node:os')).cpus().length, platform: process.platform, node: process.version };
writeFileSync(file, JSON.stringify({ started: started.toISOString(), size, machine, reports }, null, 2));
writeFileSync('bench/results/latest.json', JSON.stringify({ started: started.toISOString(), size, machine, reports }, null, 2));
console.log(`results written to ${file}`);
const failures = reports.flatMap((r) => r.failures);
if (failures.length > 0) {
  console.error(`${failures.length} suite(s) failed: ${failures.map((f) => f.suite).join(', ')}`);
  process.exitCode = 1;
}
// Dawn keeps native handles open; end the process explicitly once the report is written.
process.exit();
