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
import type { AuraRequest } from '../pipeline/request';
import type { AuraOptions } from '../runtime/create-aura';

const { values } = parseArgs({
  options: {
    text: { type: 'string' },
    series: { type: 'string' },
    backend: { type: 'string', default: 'auto' },
    node: { type: 'boolean', default: false },
    measure: { type: 'boolean', default: false },
    services: { type: 'string' },
    'timeout-ms': { type: 'string' },
  },
  allowPositionals: true,
});

function fail(message: string): never {
  console.error(`infer: ${message}`);
  process.exit(2);
}

if (values.text === undefined && values.series === undefined) fail('pass --text "…" and/or --series 1,2,3');
if (!['gpu', 'cpu', 'auto'].includes(values.backend!)) fail('--backend must be gpu, cpu or auto');
const request: AuraRequest = {};
if (values.text !== undefined) request.text = values.text;
if (values.series !== undefined) request.series = values.series.split(',').map((v) => Number(v.trim()));
if (values['timeout-ms'] !== undefined) request.timeoutMs = Number(values['timeout-ms']);
const options: AuraOptions = { backend: values.backend as AuraOptions['backend'], measure: values.measure };
// --services language,memory: only these run (the router chooses among them); createAura checks the names.
if (values.services !== undefined) options.services = values.services.split(',').map((s) => s.trim()) as AuraOptions['services'];

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
