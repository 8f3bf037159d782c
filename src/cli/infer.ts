/**
 * `npm run infer -- --text "…"` or `-- --series 1,2,3` runs one request and prints the
 * UnifiedResponse as JSON. By default in headless Chromium (WebGPU on the machine's adapter, or
 * SwiftShader); `--node` runs it in Node with Dawn instead. `--backend gpu|cpu|auto` sets every stage.
 * For one request `auto` chooses by the adapter (CPU paths on a software adapter); `--measure` times
 * both paths of every stage first, as a long-running runtime does. `--services language,lnn` runs only
 * those services (the router chooses among them).
 */
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium';
import type { AuraRequest } from '../core/request';
import type { AuraOptions } from '../runtime/create-aura';

const USAGE = `usage: npm run infer -- (--text "…" | --series 1,2,3 | both) [--backend gpu|cpu|auto] [--node] [--measure] [--services a,b] [--timeout-ms N]`;

/** A usage message and exit code 2: never a stack trace for a mistyped command line. */
function fail(message: string): never {
  console.error(`infer: ${message}\n${USAGE}`);
  process.exit(2);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      text: { type: 'string' },
      series: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      node: { type: 'boolean', default: false },
      measure: { type: 'boolean', default: false },
      services: { type: 'string' },
      'timeout-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
    strict: true,
  });
}
try {
  parsed = parse();
} catch (error) {
  fail((error as Error).message);
}
const { values } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

if (values.text === undefined && values.series === undefined) fail('pass --text "…" and/or --series 1,2,3');
if (!['gpu', 'cpu', 'auto'].includes(values.backend!)) fail('--backend must be gpu, cpu or auto');
const request: AuraRequest = {};
if (values.text !== undefined) {
  if (values.text.trim() === '') fail('--text is empty');
  request.text = values.text;
}
if (values.series !== undefined) {
  const parts = values.series.split(',').map((v) => v.trim());
  // Number('') is 0: an empty value or an empty item would silently become a zero.
  if (parts.some((p) => p === '' || !Number.isFinite(Number(p)))) fail(`--series must be finite numbers separated by commas, got ${JSON.stringify(values.series)}`);
  request.series = parts.map(Number);
}
if (values['timeout-ms'] !== undefined) {
  const ms = Number(values['timeout-ms']);
  if (values['timeout-ms'].trim() === '' || !Number.isInteger(ms) || ms <= 0) fail(`--timeout-ms must be a positive whole number, got ${JSON.stringify(values['timeout-ms'])}`);
  request.timeoutMs = ms;
}
const options: AuraOptions = { backend: values.backend as AuraOptions['backend'], measure: values.measure };
// --services language,memory: only these run (the router chooses among them); createAura checks the names.
if (values.services !== undefined) {
  const names = values.services.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) fail(`--services must be service names separated by commas, got ${JSON.stringify(values.services)}`);
  options.services = names as AuraOptions['services'];
}

async function inNode() {
  const { createAura } = await import('../runtime/create-aura');
  const aura = await createAura({ ...options, planStore: false });
  try {
    return { response: await aura.infer(request), plan: aura.plan, adapter: aura.adapter, host: 'node (Dawn)' };
  } finally {
    await aura.destroy();
  }
}

async function inChromium() {
  process.env.AURA_E2E = '1'; // no hot reload in the server this command starts
  // AURA_INFER_PORT: where this command's own dev server listens (default 5191, or the next free port).
  const server = await createServer({ server: { port: Number(process.env.AURA_INFER_PORT ?? 5191), strictPort: false, host: '127.0.0.1' }, logLevel: 'error' });
  await server.listen();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(new URL('src/cli/page.html', server.resolvedUrls!.local[0]).href);
    await page.waitForFunction(() => (window as unknown as { cliReady?: boolean }).cliReady === true);
    const args: { request: unknown; options: unknown } = { request: { ...request, series: request.series ? Array.from(request.series) : undefined }, options };
    const result: unknown = await page.evaluate(
      (a: { request: unknown; options: unknown }) => (window as unknown as { runInfer: (r: unknown, o: unknown) => Promise<unknown> }).runInfer(a.request, a.options),
      args,
    );
    return { ...(result as object), host: 'chromium' };
  } finally {
    await browser.close();
    await server.close();
  }
}

try {
  const result = values.node ? await inNode() : await inChromium();
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
} catch (error) {
  const e = error as { name?: string; code?: string; message?: string; hint?: string };
  console.error(JSON.stringify({ error: { name: e.name, code: e.code, message: e.message, hint: e.hint } }, null, 2));
  process.exit(1);
}
