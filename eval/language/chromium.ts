import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium';
import type { ModelDtype } from '../../src/services/language/model-directory';
import { DTYPES, type ModelRun } from './model-runs';

interface PageResult {
  spamProbabilities: number[];
  ms: number;
  truncated: number;
  adapter: string;
}

/**
 * The split classified by the runtime's LanguageService on onnxruntime-web's WebGPU EP in headless
 * Chromium (Debian's, WebGPU on SwiftShader where there is no GPU), for each dtype. The page is served
 * by Vite on 127.0.0.1 (port AURA_EVAL_PORT, default 5190, or the next free one).
 */
export async function classifyInChromium(texts: readonly string[]): Promise<{ runs: ModelRun[]; adapter: string; browser: string }> {
  process.env.AURA_E2E = '1'; // no hot reload in this server
  const port = Number(process.env.AURA_EVAL_PORT ?? 5190);
  const server = await createServer({ server: { port, strictPort: false, host: '127.0.0.1' }, logLevel: 'error' });
  await server.listen();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    page.on('console', (msg) => msg.type() === 'log' && console.error(`[eval language, Chromium] ${msg.text()}`));
    // Vite transforms the runtime on first load: minutes on a busy 2-core machine.
    const timeout = 300_000;
    await page.goto(new URL('eval/language/page.html', server.resolvedUrls!.local[0]).href, { timeout });
    await page.waitForFunction(() => (window as unknown as { evalReady?: boolean }).evalReady === true, undefined, { timeout });
    const runs: ModelRun[] = [];
    let adapter = '';
    for (const dtype of DTYPES) {
      const r: PageResult = await page.evaluate(
        (a: { dtype: ModelDtype; texts: string[] }) => (window as unknown as { classifyOnWebGpu: (x: unknown) => Promise<PageResult> }).classifyOnWebGpu(a),
        { dtype, texts: [...texts] },
      );
      adapter = r.adapter;
      runs.push({ dtype, spamProbabilities: r.spamProbabilities, predictions: r.spamProbabilities.map((p) => (p > 0.5 ? 1 : 0)), truncated: r.truncated, ms: r.ms });
      console.error(`[eval language] WebGPU EP ${dtype}: ${texts.length} messages in ${(r.ms / 1000).toFixed(1)} s`);
    }
    return { runs, adapter, browser: browser.version() };
  } finally {
    await browser.close();
    await server.close();
  }
}
