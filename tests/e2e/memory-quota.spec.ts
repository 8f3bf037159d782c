import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBlobServer, type BlobServer } from '../../src/edge/blob-server';
import { test, expect, E2E_ORIGIN, type AuraWindow } from './fixtures';

/**
 * A real quota, not a simulated one: Chromium's own storage quota for the page's origin is set to
 * 4 MiB over CDP (Storage.overrideQuotaForOrigin), and 8 MiB of incompressible values are stored in
 * batches. Every refused batch must be recovered by moving values that have remote copies to L3
 * (delete first, then write), no acknowledged item may be lost, and everything survives a reload.
 */
const QUOTA = 4 * 1024 * 1024;
let server: BlobServer;
test.beforeAll(async () => {
  const port = process.env.AURA_E2E_PORT ? Number(process.env.AURA_E2E_PORT) + 3 : 0;
  server = await startBlobServer({ dir: await mkdtemp(join(tmpdir(), 'aura-e2e-quota-')), port, allowOrigins: [E2E_ORIGIN], token: 'quota-test' });
});
test.afterAll(() => server.close());

/** Runs in the page: deterministic incompressible bytes for a key, and their SHA-256. */
const pageHelpers = `
  window.quotaBytes = (key, n) => {
    let x = 2166136261;
    for (const c of key) x = Math.imul(x ^ c.charCodeAt(0), 16777619);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; out[i] = x & 255; }
    return out;
  };
  window.quotaHash = async (bytes) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
`;

test('under a real 4 MiB quota: every refused batch with remote copies is recovered, 0 acknowledged items lost, across a reload', async ({ auraPage }) => {
  const origin = new URL(auraPage.url()).origin;
  const cdp = await auraPage.context().newCDPSession(auraPage);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: QUOTA });
  await auraPage.addScriptTag({ content: pageHelpers });
  const name = `e2e-quota-${Date.now()}`;
  const remote = { baseUrl: server.url, token: 'quota-test', timeoutMs: 20_000 };

  const run = await auraPage.evaluate(
    async ({ name, remote, quota }) => {
      const w = window as unknown as AuraWindow & { quotaBytes(key: string, n: number): Uint8Array };
      const estimate = await navigator.storage.estimate();
      const m = await w.aura.MemoryService.open({ name, dimension: 2, backend: 'cpu', l1BudgetBytes: 1, remote });
      const events: Array<{ type: string; keys?: string[]; evicted?: string[]; recovered?: boolean }> = [];
      m.on((e) => events.push(e));
      const acknowledged: string[] = [];
      const refused: Array<{ keys: string[]; code: string }> = [];
      for (let b = 0; b < 16; b++) {
        const keys = [0, 1, 2, 3].map((i) => `item-${b}-${i}`);
        try {
          await m.storeMany(keys.map((key) => ({ key, data: w.quotaBytes(key, 128 * 1024) })));
          acknowledged.push(...keys);
        } catch (e) {
          refused.push({ keys: (e as { keys: string[] }).keys, code: (e as { code: string }).code });
        }
        await m.settleUploads(); // their remote copies, so a later refusal can demote them
      }
      const stats = await m.stats();
      await m.close();
      return { quotaSeen: estimate.quota, acknowledged, refused, quotaEvents: events.filter((e) => e.type === 'quota'), l2Items: stats.l2.items, onlyRemote: stats.l3.onlyRemote, usage: stats.storage?.usage, overQuotaBytes: 16 * 4 * 128 * 1024 - quota };
    },
    { name, remote, quota: QUOTA },
  );
  // (navigator.storage.estimate() still reports the disk's quota; the override is enforced on writes.)
  // The quota refused batches (a real QuotaExceededError from Chromium), and each refusal was recovered.
  expect(run.quotaEvents.length).toBeGreaterThan(0);
  expect(run.quotaEvents.every((e) => e.recovered)).toBe(true);
  expect(run.refused).toEqual([]);
  expect(run.acknowledged).toHaveLength(64);
  expect(run.onlyRemote).toBeGreaterThan(0);

  // Every acknowledged item is there with its bytes, after a reload too.
  await auraPage.reload();
  await auraPage.waitForFunction(() => (window as unknown as { auraReady?: boolean }).auraReady === true);
  await auraPage.addScriptTag({ content: pageHelpers });
  const check = await auraPage.evaluate(
    async ({ name, remote, keys }) => {
      const w = window as unknown as AuraWindow & { quotaBytes(key: string, n: number): Uint8Array; quotaHash(b: Uint8Array): Promise<string> };
      const m = await w.aura.MemoryService.open({ name, dimension: 2, backend: 'cpu', l1BudgetBytes: 1, remote });
      const wrong: string[] = [];
      const tiers: Record<string, number> = {};
      for (const key of keys) {
        const r = await m.retrieve(key).catch((e: Error) => ({ data: null, tier: `error ${e.message}`, timing: { source: 'none' } }));
        tiers[r.timing.source] = (tiers[r.timing.source] ?? 0) + 1;
        const ok = r.data instanceof Uint8Array && (await w.quotaHash(r.data)) === (await w.quotaHash(w.quotaBytes(key, 128 * 1024)));
        if (!ok) wrong.push(`${key}: ${r.tier}`);
      }
      await m.close();
      return { wrong, tiers, count: keys.length };
    },
    { name, remote, keys: run.acknowledged },
  );
  expect(check.wrong).toEqual([]);
  expect(check.count).toBe(64);
  console.log(`quota ${QUOTA} B: ${run.quotaEvents.length} refused batches, all recovered; ${run.onlyRemote} items moved to L3; after reload served from ${JSON.stringify(check.tiers)}`);
});
