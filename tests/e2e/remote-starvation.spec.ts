import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect, E2E_ORIGIN, type AuraWindow } from './fixtures';

/**
 * In Chromium, a page has at most 6 connections per host: 10 reads that hang would hold them all
 * and every later read would wait forever. The remote tier keeps at most `maxConcurrent` calls in
 * flight and fails each at its deadline, so healthy reads behind hung ones are answered.
 */
const hung: ServerResponse[] = [];
const healthy = new Map<string, Buffer>();
let server: Server;
let url: string;

test.beforeAll(async () => {
  for (let i = 0; i < 5; i++) {
    const bytes = Buffer.from(`healthy blob ${i}`.repeat(50));
    healthy.set(createHash('sha256').update(bytes).digest('hex'), bytes);
  }
  server = createServer((req, res) => {
    res.setHeader('access-control-allow-origin', E2E_ORIGIN);
    const bytes = healthy.get((req.url ?? '').split('/').pop()!);
    if (!bytes) return void hung.push(res); // never answers
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length }).end(bytes);
  });
  const port = process.env.AURA_E2E_PORT ? Number(process.env.AURA_E2E_PORT) + 4 : 0;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.afterAll(async () => {
  hung.forEach((r) => r.destroy());
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test('10 hung reads cannot starve 5 healthy ones: the hung fail at their deadline, the healthy are answered', async ({ auraPage }) => {
  const out = await auraPage.evaluate(
    async ({ url, healthy }) => {
      const { RemoteTier } = (window as unknown as AuraWindow).aura;
      const remote = new RemoteTier({ baseUrl: url, timeoutMs: 1500, maxConcurrent: 4 });
      const t0 = performance.now();
      const hungReads = Array.from({ length: 10 }, (_, i) =>
        remote.get(i.toString(16).padStart(64, 'a'), `hung-${i}`).then(
          () => ({ ok: true, code: '', ms: performance.now() - t0 }),
          (e: { code?: string }) => ({ ok: false, code: String(e.code), ms: performance.now() - t0 }),
        ),
      );
      const healthyReads = healthy.map((hash) => remote.get(hash, hash.slice(0, 8)).then((b) => ({ ok: b.length > 0, ms: performance.now() - t0 }), () => ({ ok: false, ms: performance.now() - t0 })));
      return { hung: await Promise.all(hungReads), healthy: await Promise.all(healthyReads) };
    },
    { url, healthy: [...healthy.keys()] },
  );
  expect(out.healthy.every((r) => r.ok)).toBe(true);
  expect(out.hung.every((r) => !r.ok && r.code === 'REMOTE_TIMEOUT')).toBe(true);
  // 10 hung reads through 4 slots: three rounds of one deadline each, then the healthy ones.
  expect(Math.max(...out.healthy.map((r) => r.ms))).toBeLessThan(3 * 1500 + 2000);
});
