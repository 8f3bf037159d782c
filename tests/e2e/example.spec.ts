import { test, expect } from '@playwright/test';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const PORT = Number(process.env.AURA_E2E_PORT ?? 5174) + 2;
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };

/** A plain static server over the repository: no transforms, no module resolution, 404 for what is missing. */
let server: Server;
test.beforeAll(async () => {
  server = createServer((req, res) => {
    const path = normalize(join(ROOT, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    const file = path.startsWith(ROOT) ? statSync(path, { throwIfNoEntry: false }) : undefined;
    if (!file?.isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'content-length': file.size });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(PORT, '127.0.0.1', ok));
});
test.afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

// The built library (dist/lib, from `npm run build`, which `npm test` runs first) in plain HTML with an import map.
test('a plain HTML page on a static server embeds the built ES module through an import map and runs a request', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${PORT}/examples/embed.html`);
  await expect(page.locator('#out')).toContainText('ready on google swiftshader', { timeout: 90_000 });
  await page.locator('#run').click();
  await expect(page.locator('#out')).toContainText('"decision"');
  const shown = JSON.parse(await page.locator('#out').textContent() as string);
  expect(['lnn', 'neuromorphic']).toContain(shown.decision.service);
  expect(shown.energyPj).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});
