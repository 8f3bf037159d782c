/**
 * The package as a web developer gets it: `npm pack`, installed from the tarball into a fresh project
 * (`npm ci --offline`, from the npm cache alone), built by that project's Vite, and run in Chromium and
 * in plain Node with Dawn. Needs `npm run build` first (npm test does it).
 */
import { expect, test, type ConsoleMessage } from '@playwright/test';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeConsumer, REPO, type Packed } from './consumer/project';
import { filesInliningWasm, filesUnder } from './consumer/scan';
import { DEFAULT_LANGUAGE_MODEL } from '../../src/models/defaults';

const run = promisify(execFile);
const MB = 1e6;
const PREVIEW_PORT = Number(process.env.AURA_E2E_PORT ?? 5174) + 1;
const preview = `http://127.0.0.1:${PREVIEW_PORT}`;

test.describe.configure({ mode: 'serial' });

let dir = '';
let packed: Packed;
let server: ChildProcess | undefined;

test.beforeAll(async () => {
  // npm ci and a Vite build: about a minute on an idle 2-core machine, much more on a shared one.
  test.setTimeout(480_000);
  ({ dir, packed } = makeConsumer());
  await run('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: dir, timeout: 180_000 });
  server = spawn('npx', ['vite', 'preview', '--port', String(PREVIEW_PORT), '--strictPort', '--host', '127.0.0.1'], { cwd: dir, stdio: 'ignore', detached: true });
  for (const start = Date.now(); ; ) {
    if (await fetch(preview).then((r) => r.ok, () => false)) break;
    if (Date.now() - start > 30_000) throw new Error(`vite preview did not answer on ${preview}`);
    await new Promise((ok) => setTimeout(ok, 250));
  }
});

test.afterAll(() => {
  if (server?.pid) process.kill(-server.pid);
  if (dir && !process.env.AURA_KEEP_CONSUMER) rmSync(dir, { recursive: true, force: true });
});

test('the package fits its size budget, ships the default models, and inlines no wasm', () => {
  expect(packed.size, 'packed tarball').toBeLessThanOrEqual(12 * MB);
  expect(packed.unpackedSize, 'unpacked').toBeLessThanOrEqual(30 * MB);
  expect(packed.files).toContain(`public/models/${DEFAULT_LANGUAGE_MODEL}/tokenizer.json`);
  expect(packed.files).toContain('dist/lib/aura.worker.js');
  expect(packed.files.filter((f) => f.endsWith('.wasm'))).toEqual([]);
  expect(filesInliningWasm(join(dir, 'node_modules/aura-webgpu'))).toEqual([]);
  const app = filesUnder(join(REPO, 'dist/app'));
  // Two onnxruntime-web wasm files since issue 21: the asyncify one for the WebGPU EP (27 MB) and the
  // plain one for the CPU path (14 MB; a page on a fallback adapter fetches only that one).
  expect(app.reduce((sum, f) => sum + f.bytes, 0), 'dist/app').toBeLessThanOrEqual(60 * MB);
  expect(filesInliningWasm(join(REPO, 'dist/app'))).toEqual([]);
  // The consumer's build holds each of onnxruntime-web's two wasm builds as a file of its own, once.
  const wasm = filesUnder(join(dir, 'dist')).filter((f) => f.path.endsWith('.wasm')).map((f) => f.path.replace(/^.*\/(.+)-[\w-]{8}\.wasm$/, '$1'));
  expect(wasm.sort()).toEqual(['ort-wasm-simd-threaded', 'ort-wasm-simd-threaded.asyncify']);
  expect(filesInliningWasm(join(dir, 'dist'))).toEqual([]);
});

test('the type declarations compile for a consumer under moduleResolution bundler, node16 and nodenext', async () => {
  test.setTimeout(300_000);
  const configs = ['tsconfig.bundler.json', 'tsconfig.node16.json', 'tsconfig.nodenext.json'];
  const results = await Promise.all(
    configs.map((config) => run('npx', ['tsc', '-p', config], { cwd: dir, timeout: 280_000 }).catch((e: { stdout: string }) => ({ stdout: e.stdout, failed: true }))),
  );
  results.forEach((result, i) => expect(result, `${configs[i]}:\n${result.stdout}`).not.toHaveProperty('failed'));
});

/** Console arguments as values, so a logged object can be read. */
async function values(message: ConsoleMessage): Promise<unknown[]> {
  return Promise.all(message.args().map((a) => a.jsonValue().catch(() => String(a))));
}

test("the README's snippet runs in Chromium from the consumer's build", async ({ page }) => {
  test.setTimeout(240_000);
  const logged: unknown[][] = [];
  const errors: string[] = [];
  page.on('console', async (m) => logged.push(await values(m)));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${preview}/`);
  await expect.poll(() => errors.length > 0 || logged.some((l) => String(l[0]).includes('# HELP')), { timeout: 220_000 }).toBe(true);
  expect(errors).toEqual([]);
  expect(logged.some((l) => l[0] === 'ready')).toBe(true);
  const answer = logged.find((l) => typeof l[0] === 'object' && l[0] !== null && 'service' in (l[0] as object));
  expect(answer?.[0]).toMatchObject({ service: expect.any(String) });
  expect(answer?.[1]).toEqual(expect.any(Number));
  // Progress (status, file, progress, stage) named the language model's files as loaded in full.
  expect(logged.some((l) => l[0] === 'done' && /^tokenizer-.*\.json$/.test(String(l[1])) && l[2] === 100 && l[3] === 'language')).toBe(true);
});

test("createAuraWorker, typed errors and env work from the consumer's build", async ({ page }) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${preview}/checks.html`);
  const handle = await page.waitForFunction(() => (window as { checks?: unknown; checksError?: string }).checks ?? (window as { checksError?: string }).checksError, undefined, { timeout: 170_000 });
  const checks = (await handle.jsonValue()) as Record<string, any>;
  expect(typeof checks, String(checks)).toBe('object');
  expect(errors).toEqual([]);
  expect(checks.worker.services.length).toBeGreaterThan(0);
  expect(checks.worker.decision.service).toEqual(expect.any(String));
  expect(checks.cacheApi).toEqual(expect.arrayContaining([expect.stringMatching(/^tokenizer-.*\.json$/), expect.stringMatching(/\.onnx$/)]));
  expect(checks.workerError).toEqual({ name: 'InvalidInputError', code: 'INVALID_INPUT' });
  expect(checks.page.decision.service).toEqual(expect.any(String));
  expect(checks.pageError).toEqual({ name: 'InvalidInputError', isInvalidInput: true, code: 'INVALID_INPUT' });
  // The preview server answers index.html for a missing file: refused as HTML, and never reported loaded.
  expect(checks.htmlModel).toMatchObject({ rejected: true, name: 'ModelFileError', isModelFileError: true, code: 'MODEL_FILE_INVALID' });
  expect(checks.htmlModel.message).toContain('HTML');
  expect(checks.htmlModelProgress.filter((m: string) => m.startsWith('loaded'))).toEqual([]);
});

test("the README's snippet runs in a plain Node script with Dawn, its models from the installed package", async () => {
  test.setTimeout(320_000);
  expect(existsSync(join(dir, `node_modules/aura-webgpu/public/models/${DEFAULT_LANGUAGE_MODEL}/tokenizer.json`))).toBe(true);
  // No XDG_RUNTIME_DIR, as on a headless server; no colours (Playwright sets FORCE_COLOR for its workers).
  const { stdout, stderr } = await run('node', ['node/readme.mjs'], { cwd: dir, timeout: 300_000, env: { ...process.env, XDG_RUNTIME_DIR: '', FORCE_COLOR: '0' } });
  expect(stdout).toMatch(/^ready undefined undefined ready$/m);
  expect(stdout).toMatch(/service: '\w+'/);
  expect(stdout).toContain('# HELP');
  expect(stdout).toMatch(/^done tokenizer\.json 100 language$/m);
  expect(stderr).not.toContain('XDG_RUNTIME_DIR');
});
