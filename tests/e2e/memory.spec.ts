import { mkdtemp, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBlobServer, type BlobServer } from '../../src/edge/blob-server';
import { test, expect, E2E_ORIGIN, type AuraWindow } from './fixtures';

// The remote tier's blob server runs in this (Node) test process, on a free port; it allows the
// page's origin (CORS) so the page at localhost:<e2e port> may GET blobs, and PUT them with the token.
let server: BlobServer;
test.beforeAll(async () => {
  server = await startBlobServer({ dir: await mkdtemp(join(tmpdir(), 'aura-e2e-blobs-')), allowOrigins: [E2E_ORIGIN], token: 'e2e' });
});
test.afterAll(() => server.close());

test('real IndexedDB: GPU search equals exact CPU top-k, and everything survives a page reload', async ({ auraPage }) => {
  const name = `e2e-reload-${Date.now()}`;
  const before = await auraPage.evaluate(async (name) => {
    const { MemoryService, acquireGpu, vectorTopKCpu } = (window as unknown as AuraWindow).aura;
    const gpu = await acquireGpu();
    const dim = 8;
    const n = 300;
    const m = await MemoryService.open({ name, dimension: dim, backend: 'gpu', gpu, chunkRows: 128, persist: true });
    const all = new Float32Array(n * dim);
    // Small integers, so f32 scores are exact on both paths and ties are real ties.
    for (let i = 0; i < all.length; i++) all[i] = ((i * 7919) % 7) - 3;
    await m.storeMany(Array.from({ length: n }, (_, i) => ({ key: `v${i}`, data: { i }, vector: all.subarray(i * dim, (i + 1) * dim) })));
    await m.store({ key: 'circle', data: 'a noisy circle', shape: { series: Array.from({ length: 80 }, (_, t) => Math.sin((2 * Math.PI * t) / 64) + 0.01 * Math.sin(t * 12.9898)), dimension: 2, delay: 16 } });
    const query = all.slice(5 * dim, 6 * dim);
    const info = await m.queryWithInfo(query, 10, { metric: 'dot' });
    const cpu = vectorTopKCpu(all, n, dim, query, 10, 'dot');
    const stats = await m.stats();
    await m.close();
    gpu.destroy();
    return { gpuKeys: info.results.map((r) => r.key), path: info.path, cpuKeys: [...cpu.indices].map((i) => `v${i}`), storage: stats.storage };
  }, name);
  expect(before.path).toBe('gpu');
  expect(before.gpuKeys).toEqual(before.cpuKeys);
  expect(before.storage?.quota).toBeGreaterThan(0); // navigator.storage.estimate() answered

  await auraPage.reload();
  await auraPage.waitForFunction(() => (window as unknown as { auraReady?: boolean }).auraReady === true);

  const after = await auraPage.evaluate(async (name) => {
    const { MemoryService } = (window as unknown as AuraWindow).aura;
    const m = await MemoryService.open({ name, dimension: 8, backend: 'cpu' });
    const keys = m.keys().length;
    const v7 = await m.retrieve('v7');
    const shape = await m.queryShape({ series: Array.from({ length: 80 }, (_, t) => Math.sin((2 * Math.PI * t) / 64)), dimension: 2, delay: 16 }, 1);
    await m.close();
    return { keys, v7: { data: v7.data, tierBefore: v7.timing.source }, shapeKey: shape.results[0].key, bars: shape.diagram.h0.length };
  }, name);
  expect(after.keys).toBe(301);
  expect(after.v7).toEqual({ data: { i: 7 }, tierBefore: 'L2' });
  expect(after.shapeKey).toBe('circle');
  expect(after.bars).toBe(64);
});

test('tiers in the browser: policy moves items L1 → L2 → L3 and back; a corrupted blob is rejected; a full disk loses nothing', async ({ auraPage }) => {
  const name = `e2e-tiers-${Date.now()}`;
  const moved = await auraPage.evaluate(async ({ name, url }) => {
    const { MemoryService } = (window as unknown as AuraWindow).aura;
    const m = await MemoryService.open({ name, dimension: 2, backend: 'cpu', policy: 'w-tinylfu', l1BudgetBytes: 700, l2BudgetBytes: 1000, remote: { baseUrl: url, token: 'e2e' } });
    const fill = (n: number, v: number) => new Uint8Array(n).fill(v);
    for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) {
      await m.store({ key, data: fill(300, i) });
      await m.settleUploads(); // the L3 copy is uploaded after the write is acknowledged
    }
    const tiers = Object.fromEntries(m.keys().map((k) => [k, m.tierOf(k)]));
    const l3Key = m.keys().find((k) => m.tierOf(k) === 'L3')!;
    const back = await m.retrieve(l3Key);
    const s = await m.stats();
    await m.close();
    return { tiers, l3Key, backFrom: back.timing.source, backTo: back.tier, ok: back.data instanceof Uint8Array && back.data.length === 300, l3: s.l3 };
  }, { name, url: server.url });
  expect(Object.values(moved.tiers)).toContain('L1');
  expect(Object.values(moved.tiers)).toContain('L2');
  expect(Object.values(moved.tiers)).toContain('L3');
  expect(moved.backFrom).toBe('L3');
  expect(moved.backTo).not.toBe('L3');
  expect(moved.ok).toBe(true);

  // Corrupt a blob on the server: the page must reject it.
  const original = new Uint8Array(200).fill(9);
  const hash = createHash('sha256').update(original).digest('hex');
  const rejected = await auraPage.evaluate(async ({ name, url }) => {
    const { MemoryService } = (window as unknown as AuraWindow).aura;
    const m = await MemoryService.open({ name: `${name}-corrupt`, dimension: 2, backend: 'cpu', l1BudgetBytes: 1, l2BudgetBytes: 100, remote: { baseUrl: url, token: 'e2e' } });
    await m.store({ key: 'x', data: new Uint8Array(200).fill(9) });
    await m.settleUploads();
    await m.close();
    return m.tierOf('x');
  }, { name, url: server.url });
  expect(rejected).toBe('L3');
  await writeFile(join(server.dir, hash), new Uint8Array(200).fill(8));
  const error = await auraPage.evaluate(async ({ name, url }) => {
    const { MemoryService } = (window as unknown as AuraWindow).aura;
    const m = await MemoryService.open({ name: `${name}-corrupt`, dimension: 2, backend: 'cpu', l1BudgetBytes: 1, l2BudgetBytes: 100, remote: { baseUrl: url, token: 'e2e' } });
    const e = await m.retrieve('x').catch((e: { name: string; code: string; message: string }) => ({ name: e.name, code: e.code, message: e.message }));
    await m.close();
    return e;
  }, { name, url: server.url });
  expect(error).toMatchObject({ name: 'BlobIntegrityError', code: 'BLOB_INTEGRITY' });

  // Quota: the guard throws QuotaExceededError inside the real IndexedDB transaction.
  const quota = await auraPage.evaluate(async (name) => {
    const { MemoryService } = (window as unknown as AuraWindow).aura;
    let used = 0;
    const writeGuard = (_key: string, n: number) => {
      if (used + n > 1000) throw new DOMException('simulated full disk', 'QuotaExceededError');
      used += n;
    };
    const m = await MemoryService.open({ name: `${name}-quota`, dimension: 2, backend: 'cpu', writeGuard });
    await m.storeMany([{ key: 'kept-1', data: 'x'.repeat(400) }, { key: 'kept-2', data: 'y'.repeat(400) }]);
    const e = await m.storeMany([{ key: 'lost-1', data: 'z'.repeat(100) }, { key: 'lost-2', data: 'w'.repeat(400) }]).catch((e: { name: string; keys: string[] }) => ({ name: e.name, keys: e.keys }));
    await m.close();
    return e;
  }, name);
  expect(quota).toEqual({ name: 'MemoryQuotaError', keys: ['lost-1', 'lost-2'] });

  await auraPage.reload();
  await auraPage.waitForFunction(() => (window as unknown as { auraReady?: boolean }).auraReady === true);
  const survived = await auraPage.evaluate(async (name) => {
    const { MemoryService } = (window as unknown as AuraWindow).aura;
    const m = await MemoryService.open({ name: `${name}-quota`, dimension: 2, backend: 'cpu' });
    const keys = m.keys().sort();
    const kept = (await m.retrieve('kept-2')).data;
    await m.close();
    return { keys, kept };
  }, name);
  expect(survived).toEqual({ keys: ['kept-1', 'kept-2'], kept: 'y'.repeat(400) });
});

/** TOLERANCE.f32Reduction of tests/helpers/gpu.ts: the resident query's norm is summed on the GPU, in another order. */
const F32_REDUCTION = 1e-4;

test("a GPU-resident query in Chromium: handoff 'gpu', the same top-k as the array, NaN and a destroyed buffer are typed errors", async ({ auraPage }) => {
  const name = `e2e-resident-${Date.now()}`;
  const outcome = await auraPage.evaluate(async (name) => {
    const { MemoryService, acquireGpu } = (window as unknown as AuraWindow).aura;
    const gpu = await acquireGpu();
    const dim = 6;
    const m = await MemoryService.open({ name, dimension: dim, backend: 'gpu', gpu, chunkRows: 4 });
    const stored = Float32Array.from({ length: 10 * dim }, (_, i) => ((i * 7919) % 13) - 6);
    await m.storeMany(Array.from({ length: 10 }, (_, i) => ({ key: `v${i}`, data: i, vector: stored.subarray(i * dim, (i + 1) * dim) })));
    // Three query rows in one buffer; row 1 starts at byte 24, not at a 256-byte boundary.
    const batch = Float32Array.from({ length: 3 * dim }, (_, i) => ((i * 31) % 11) - 5);
    const upload = (values: Float32Array<ArrayBuffer>) => {
      const buffer = gpu.device.createBuffer({ size: values.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      gpu.device.queue.writeBuffer(buffer, 0, values);
      return buffer;
    };
    const row = (buffer: GPUBuffer) => ({ kind: 'gpu' as const, buffer, device: gpu.device, byteOffset: dim * 4, dtype: 'float32' as const, shape: [dim] });
    const buffer = upload(batch);
    const resident = await m.queryWithInfo(row(buffer), 5, { metric: 'cosine' });
    const array = await m.queryWithInfo(batch.slice(dim, 2 * dim), 5, { metric: 'cosine' });
    const poisoned = batch.slice();
    poisoned[dim + 2] = NaN;
    const nanBuffer = upload(poisoned);
    const nanError = await m.query(row(nanBuffer), 3).then(() => null, (e: Error) => ({ name: e.name, message: e.message }));
    buffer.destroy();
    const destroyedError = await m.query(row(buffer), 3).then(() => null, (e: Error) => ({ name: e.name, message: e.message }));
    const keysAfter = m.keys().length;
    nanBuffer.destroy();
    await m.close();
    gpu.destroy();
    return { resident, array, nanError, destroyedError, keysAfter };
  }, name);
  expect(outcome.resident.handoff).toBe('gpu');
  expect(outcome.array.handoff).toBe('cpu→gpu');
  expect(outcome.resident.results.map((r) => r.key)).toEqual(outcome.array.results.map((r) => r.key));
  outcome.resident.results.forEach((r, i) => expect(Math.abs(r.score - outcome.array.results[i].score)).toBeLessThanOrEqual(F32_REDUCTION));
  expect(outcome.nanError).toMatchObject({ name: 'InvalidInputError', message: expect.stringMatching(/NaN or infinite/) });
  expect(outcome.destroyedError).toMatchObject({ name: 'MemoryQueryTensorError', message: expect.stringMatching(/could not be read/) });
  expect(outcome.keysAfter).toBe(10);
});
