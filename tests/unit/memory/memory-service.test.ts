import 'fake-indexeddb/auto';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlobServer, type BlobServer } from '../../../src/edge/blob-server';
import { InvalidInputError } from '../../../src/errors';
import {
  BlobIntegrityError,
  MemoryBudgetError,
  MemoryNotFoundError,
  MemoryQuotaError,
  MemoryService,
  RemoteUnavailableError,
  type MemoryEvent,
} from '../../../src/services/memory/index';
import { testGpu } from '../../helpers/gpu';
import { IdbTier } from '../../../src/services/memory/idb-tier';
import { DEFAULT_SHAPE_OPTIONS } from '../../../src/services/memory/shape';
import { SHAPE_SIGNATURE_VERSION, shapeSignatureLength } from '../../../src/services/memory/shape-signature';

let counter = 0;
const uniqueName = () => `unit-${process.pid}-${counter++}`;
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

let server: BlobServer;
beforeAll(async () => {
  server = await startBlobServer({ dir: await mkdtemp(join(tmpdir(), 'aura-blobs-')), token: 'unit' });
});
afterAll(() => server.close());

describe('MemoryService: store, retrieve, tiers', () => {
  it('round-trips bytes, floats, text and JSON with tier and access count', async () => {
    const m = await MemoryService.open({ name: uniqueName(), dimension: 3, backend: 'cpu' });
    await m.storeMany([
      { key: 'b', data: bytes(5, 7) },
      { key: 'f', data: new Float32Array([1.5, -2]) },
      { key: 't', data: 'héllo' },
      { key: 'j', data: { a: [1, 2], b: null } },
    ]);
    expect(await m.retrieve('b')).toMatchObject({ data: bytes(5, 7), tier: 'L1', accessCount: 1 });
    expect((await m.retrieve('f')).data).toEqual(new Float32Array([1.5, -2]));
    expect((await m.retrieve('t')).data).toBe('héllo');
    const j = await m.retrieve('j');
    expect(j.data).toEqual({ a: [1, 2], b: null });
    expect((await m.retrieve('j')).accessCount).toBe(2);
    await expect(m.retrieve('nope')).rejects.toBeInstanceOf(MemoryNotFoundError);
    await m.close();
  });

  it('a batch is ONE IndexedDB transaction, for writes and for reads', async () => {
    const m = await MemoryService.open({ name: uniqueName(), dimension: 2, backend: 'cpu', l1BudgetBytes: 1 });
    const proto = (globalThis as unknown as { IDBDatabase: { prototype: { transaction: (...a: unknown[]) => unknown } } }).IDBDatabase.prototype;
    const original = proto.transaction;
    let transactions = 0;
    proto.transaction = function (this: unknown, ...args: unknown[]) {
      transactions++;
      return original.apply(this, args);
    };
    try {
      const keys = Array.from({ length: 50 }, (_, i) => `item-${i}`);
      await m.storeMany(keys.map((key, i) => ({ key, data: { i }, vector: [i, 1] })));
      expect(transactions).toBe(1);
      transactions = 0;
      const got = await m.retrieveMany(keys);
      expect(transactions).toBe(1);
      expect(got.map((r) => (r.data as { i: number }).i)).toEqual(keys.map((_, i) => i));
      expect(got.every((r) => r.timing.source === 'L2')).toBe(true);
    } finally {
      proto.transaction = original;
    }
    await m.close();
  });

  it('the L1 budget demotes to L2 and an access promotes back to L1', async () => {
    // 1,000-byte L1, 300-byte values: three fit. LRU makes the movement easy to state.
    const m = await MemoryService.open({ name: uniqueName(), dimension: 2, backend: 'cpu', policy: 'lru', l1BudgetBytes: 1000 });
    const events: MemoryEvent[] = [];
    m.on((e) => events.push(e));
    for (const key of ['a', 'b', 'c', 'd']) await m.store({ key, data: bytes(300, 1) });
    expect(m.tierOf('a')).toBe('L2'); // demoted by the budget
    expect(['b', 'c', 'd'].map((k) => m.tierOf(k))).toEqual(['L1', 'L1', 'L1']);
    const r = await m.retrieve('a');
    expect(r.timing.source).toBe('L2');
    expect(r.tier).toBe('L1'); // promoted on access
    expect(m.tierOf('b')).toBe('L2'); // and b made room
    expect(events).toContainEqual({ type: 'demote', key: 'a', from: 'L1', to: 'L2' });
    expect(events).toContainEqual({ type: 'promote', key: 'a', from: 'L2', to: 'L1' });
    await m.close();
  });

  it('W-TinyLFU keeps a frequently used item in L1 through a scan; LRU loses it', async () => {
    const run = async (policy: 'lru' | 'w-tinylfu') => {
      const m = await MemoryService.open({ name: uniqueName(), dimension: 2, backend: 'cpu', policy, l1BudgetBytes: 2000 });
      for (const key of ['hot1', 'hot2']) await m.store({ key, data: bytes(100, 2) });
      for (let r = 0; r < 5; r++) for (const key of ['hot1', 'hot2']) await m.retrieve(key);
      await m.storeMany(Array.from({ length: 40 }, (_, i) => ({ key: `scan-${i}`, data: bytes(100, 3) })));
      const tiers = ['hot1', 'hot2'].map((k) => m.tierOf(k));
      await m.close();
      return tiers;
    };
    expect(await run('w-tinylfu')).toEqual(['L1', 'L1']);
    expect(await run('lru')).toEqual(['L2', 'L2']);
  });

  it('everything stored is there after reopening (a reload), vectors and signatures included', async () => {
    const name = uniqueName();
    const m = await MemoryService.open({ name, dimension: 3, backend: 'cpu' });
    await m.storeMany([
      { key: 'x', data: 'one', vector: [1, 0, 0], shape: { points: [[0], [1], [5]] } },
      { key: 'y', data: 'two', vector: [0, 1, 0] },
    ]);
    await m.retrieve('x');
    await m.close();
    const again = await MemoryService.open({ name, dimension: 3, backend: 'cpu' });
    expect(again.keys().sort()).toEqual(['x', 'y']);
    expect(again.tierOf('x')).toBe('L2');
    expect(await again.retrieve('x')).toMatchObject({ data: 'one', tier: 'L1', accessCount: 2 });
    expect(await again.query([0, 1, 0], 1)).toEqual([{ key: 'y', score: 1 }]);
    expect((await again.queryShape({ points: [[0], [1], [5]] }, 1)).results).toEqual([{ key: 'x', distance: 0 }]);
    await again.close();
  });
});

describe('shape signatures across versions', () => {
  it('a version-1 signature (H0 only, 64 numbers) in IndexedDB never breaks a query: left out until stored again', async () => {
    const name = uniqueName();
    const old = await IdbTier.open(name);
    const record = { key: 'old', kind: 'text' as const, sizeBytes: 1, hash: 'h', accessCount: 0, inL2: true, inRemote: false, createdAt: 1, signature: new Float32Array(64).fill(0.1) };
    await old.writeBatch({ puts: [{ record, value: { kind: 'text', bytes: new TextEncoder().encode('o') } }] });
    old.close();
    const m = await MemoryService.open({ name, dimension: 2, backend: 'cpu' });
    expect(m.staleSignatures).toEqual(['old']);
    await m.store({ key: 'new', data: 'n', shape: { points: [[0, 0], [1, 0], [1, 1], [0, 1]] } });
    expect((await m.queryShape({ points: [[0, 0], [2, 0], [2, 2], [0, 2]] }, 5)).results.map((r) => r.key)).toEqual(['new']);
    await m.store({ key: 'old', data: 'o', shape: { points: [[0, 0], [1, 0]] } }); // stored again: current version
    expect(m.staleSignatures).toEqual([]);
    expect((await m.queryShape({ points: [[0, 0], [1, 0]] }, 1)).results).toEqual([{ key: 'old', distance: 0 }]);
    await m.close();
  });

  it('a signature made with other options is recomputed from the stored cloud at open and written back', async () => {
    const name = uniqueName();
    const square = { points: [[0, 0], [1, 0], [1, 1], [0, 1]] };
    const first = await MemoryService.open({ name, dimension: 2, backend: 'cpu', shape: { levels: 2, samples: 4 } });
    await first.store({ key: 'sq', data: 's', shape: square });
    await first.close();
    const second = await MemoryService.open({ name, dimension: 2, backend: 'cpu' });
    expect(second.staleSignatures).toEqual([]);
    expect((await second.queryShape(square, 1)).results).toEqual([{ key: 'sq', distance: 0 }]);
    await second.close();
    const records = await (await IdbTier.open(name)).loadIndex();
    expect(records[0].signature).toHaveLength(shapeSignatureLength(DEFAULT_SHAPE_OPTIONS));
  });
});

describe('shape signatures across versions: version 3', () => {
  it("a version-3 record (568 numbers, a cloud with three views) is recomputed at open without its old views", async () => {
    const name = uniqueName();
    const old = await IdbTier.open(name);
    const main = { points: Float32Array.from([0, 0, 1, 0, 1, 1, 0, 1]), n: 4, dim: 2 };
    const view = { points: Float32Array.from([0, 1, 3]), n: 3, dim: 1 };
    const shapeCloud = { ...main, views: [view, view, view] }; // version 3: half delay, phase portrait, values
    const record = { key: 'v3', kind: 'text' as const, sizeBytes: 1, hash: 'h', accessCount: 0, inL2: true, inRemote: false, createdAt: 1, signature: new Float32Array(568), signatureVersion: 3, shapeCloud };
    await old.writeBatch({ puts: [{ record, value: { kind: 'text', bytes: new TextEncoder().encode('o') } }] });
    old.close();
    const m = await MemoryService.open({ name, dimension: 2, backend: 'cpu' });
    expect(m.staleSignatures).toEqual([]);
    // Its old views are not this version's: it ranks as the { points } cloud it holds.
    expect((await m.queryShape({ points: [[0, 0], [1, 0], [1, 1], [0, 1]] }, 1)).results).toEqual([{ key: 'v3', distance: 0 }]);
    await m.close();
    const records = await (await IdbTier.open(name)).loadIndex();
    expect(records[0].signature).toHaveLength(shapeSignatureLength(DEFAULT_SHAPE_OPTIONS));
    expect(records[0].signatureVersion).toBe(SHAPE_SIGNATURE_VERSION);
  });
});

describe('remote tier (L3)', () => {
  it('the L2 budget demotes to L3; a read verifies the blob and promotes it back', async () => {
    const m = await MemoryService.open({ name: uniqueName(), dimension: 2, backend: 'cpu', policy: 'lru', l1BudgetBytes: 1, l2BudgetBytes: 1000, remote: { token: 'unit', baseUrl: server.url } });
    for (const key of ['a', 'b', 'c', 'd']) {
      await m.store({ key, data: bytes(300, key.charCodeAt(0)) });
      await m.settleUploads(); // the L3 copy is uploaded after the write is acknowledged
    }
    expect(m.tierOf('a')).toBe('L3');
    expect((await m.stats()).l2.items).toBe(3);
    const r = await m.retrieve('a');
    expect(r.timing.source).toBe('L3');
    expect(r.data).toEqual(bytes(300, 97));
    expect(r.tier).toBe('L2');
    expect(m.tierOf('b')).toBe('L3');
    await m.close();
  });

  it('a corrupted remote blob is rejected and reported', async () => {
    const m = await MemoryService.open({ name: uniqueName(), dimension: 2, backend: 'cpu', l1BudgetBytes: 1, l2BudgetBytes: 100, remote: { token: 'unit', baseUrl: server.url } });
    await m.store({ key: 'victim', data: bytes(150, 42) }); // larger than L2's budget: only remote keeps it
    await m.settleUploads();
    expect(m.tierOf('victim')).toBe('L3');
    const files = (await readdir(server.dir)).filter((f) => /^[0-9a-f]{64}$/.test(f));
    const hash = (await import('../../../src/services/memory/codec')).sha256Hex(bytes(150, 42));
    expect(files).toContain(await hash);
    await writeFile(join(server.dir, await hash), bytes(150, 43));
    const error = await m.retrieve('victim').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlobIntegrityError);
    expect((error as Error).message).toMatch(/rejected/);
    await m.close();
  });

  it('offline: an L3-only item gives a clear error; items held in L1/L2 are still served', async () => {
    const own = await startBlobServer({ dir: await mkdtemp(join(tmpdir(), 'aura-blobs-')), token: 'unit' });
    const m = await MemoryService.open({ name: uniqueName(), dimension: 2, backend: 'cpu', policy: 'lru', l1BudgetBytes: 1, l2BudgetBytes: 400, remote: { token: 'unit', baseUrl: own.url, retries: 2, backoffMs: 5 } });
    await m.store({ key: 'old', data: bytes(300, 1) });
    await m.settleUploads();
    await m.store({ key: 'new', data: bytes(300, 2) });
    await m.settleUploads();
    expect([m.tierOf('old'), m.tierOf('new')]).toEqual(['L3', 'L2']);
    await own.close();
    await expect(m.retrieve('old')).rejects.toBeInstanceOf(RemoteUnavailableError);
    expect((await m.retrieve('new')).data).toEqual(bytes(300, 2));
    await m.close();
  });
});

describe('quota: a full disk loses nothing', () => {
  const fullAfter = (limit: number) => {
    let used = 0;
    return (_key: string, n: number) => {
      if (used + n > limit) throw new DOMException('simulated: the disk is full', 'QuotaExceededError');
      used += n;
    };
  };

  it('without a remote: the batch is rolled back whole, earlier items intact, a typed error says so', async () => {
    const name = uniqueName();
    const m = await MemoryService.open({ name, dimension: 2, backend: 'cpu', writeGuard: fullAfter(1000) });
    await m.storeMany([{ key: 'kept-1', data: bytes(400, 1) }, { key: 'kept-2', data: bytes(400, 2) }]);
    const error = await m.storeMany([{ key: 'n1', data: bytes(100, 3) }, { key: 'n2', data: bytes(400, 4) }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemoryQuotaError);
    expect((error as MemoryQuotaError).keys).toEqual(['n1', 'n2']);
    expect((error as Error).message).toMatch(/rolled back/);
    expect(m.has('n1')).toBe(false);
    await m.close();
    const again = await MemoryService.open({ name, dimension: 2, backend: 'cpu' });
    expect(again.keys().sort()).toEqual(['kept-1', 'kept-2']); // n1 was written before the failure, and rolled back
    expect((await again.retrieve('kept-2')).data).toEqual(bytes(400, 2));
    await again.close();
  });

  it('with a remote: the error triggers eviction by the policy and the batch then succeeds', async () => {
    let full = true;
    const guard = (_k: string, _n: number) => {
      if (full) {
        full = false;
        throw new DOMException('simulated: the disk is full', 'QuotaExceededError');
      }
    };
    const m = await MemoryService.open({ name: uniqueName(), dimension: 2, backend: 'cpu', remote: { token: 'unit', baseUrl: server.url } });
    await m.storeMany([{ key: 'p', data: bytes(300, 1) }, { key: 'q', data: bytes(300, 2) }]);
    await m.settleUploads();
    full = true;
    const events: MemoryEvent[] = [];
    m.on((e) => events.push(e));
    (m as unknown as { l2: { writeGuard?: unknown } }).l2.writeGuard = guard;
    const [r] = await m.storeMany([{ key: 'r', data: bytes(300, 3) }]);
    expect(r.tier).toBe('L1');
    const quota = events.find((e) => e.type === 'quota');
    expect(quota).toMatchObject({ type: 'quota', keys: ['r'], recovered: true });
    expect((quota as { evicted: string[] }).evicted.length).toBeGreaterThan(0);
    for (const key of ['p', 'q', 'r']) expect((await m.retrieve(key)).data).toEqual(bytes(300, key === 'p' ? 1 : key === 'q' ? 2 : 3));
    await m.close();
  });
});

describe('vector and shape queries on both backends', () => {
  for (const backend of ['cpu', 'gpu'] as const) {
    it(`${backend}: top-k by cosine, dot and l2, minSimilarity, ties to the earlier slot`, async () => {
      const gpu = backend === 'gpu' ? await testGpu() : undefined;
      const m = await MemoryService.open({ name: uniqueName(), dimension: 3, backend, gpu, chunkRows: 2 });
      await m.storeMany([
        { key: 'east', data: 1, vector: [1, 0, 0] },
        { key: 'north', data: 2, vector: [0, 1, 0] },
        { key: 'east2', data: 3, vector: [2, 0, 0] },
        { key: 'ne', data: 4, vector: [1, 1, 0] },
        { key: 'up', data: 5, vector: [0, 0, 1] },
      ]);
      const info = await m.queryWithInfo([1, 0, 0], 3);
      expect(info.path).toBe(backend);
      expect(info.results.map((r) => r.key)).toEqual(['east', 'east2', 'ne']);
      expect(info.results[2].score).toBeCloseTo(Math.SQRT1_2, 6);
      expect((await m.query([1, 0, 0], 2, { metric: 'dot' })).map((r) => r.key)).toEqual(['east2', 'east']);
      expect(await m.query([1, 0, 0], 2, { metric: 'l2' })).toEqual([{ key: 'east', score: 0 }, { key: 'east2', score: -1 }]);
      expect((await m.query([1, 0, 0], 5, { minSimilarity: 0.5 })).map((r) => r.key)).toEqual(['east', 'east2', 'ne']);
      await m.delete(['east']); // the last row moves into the hole
      expect((await m.query([0, 0, 1], 1))[0].key).toBe('up');
      await m.close();
    });

    it(`${backend}: queryShape finds the stored shape with the same topology`, async () => {
      const gpu = backend === 'gpu' ? await testGpu() : undefined;
      const m = await MemoryService.open({ name: uniqueName(), dimension: 2, backend, gpu });
      const cluster = (cx: number) => [[cx, 0], [cx, 0.5], [cx + 0.5, 0]];
      await m.storeMany([
        { key: 'two-clusters', data: 'a', shape: { points: [...cluster(0), ...cluster(1.5)] } },
        { key: 'one-cluster', data: 'b', shape: { points: [...cluster(0), ...cluster(0.5)] } },
        { key: 'line', data: 'c', shape: { series: [0, 0.3, 0.6, 0.9, 1.2, 1.5, 1.8], dimension: 1 } },
      ]);
      const { results, diagram } = await m.queryShape({ points: [...cluster(5), ...cluster(6.4)] }, 2);
      expect(results[0].key).toBe('two-clusters');
      expect(diagram.h0.at(-1)!.death).toBe(Infinity);
      expect(diagram.h0).toHaveLength(6);
      await m.close();
    });
  }
});

describe('device loss', () => {
  it('with a runtime, a query after the device is lost runs on the new device with the same results', async () => {
    const { GpuRuntime } = await import('../../../src/gpu/runtime');
    const runtime = new GpuRuntime();
    const m = await MemoryService.open({ name: uniqueName(), dimension: 3, backend: 'gpu', runtime, chunkRows: 2 });
    await m.storeMany([
      { key: 'a', data: 1, vector: [1, 0, 0] },
      { key: 'b', data: 2, vector: [0.9, 0.1, 0] },
      { key: 'c', data: 3, vector: [0, 1, 0] },
    ]);
    const before = await m.query([1, 0, 0], 2);
    const first = await runtime.context();
    first.device.destroy();
    await first.device.lost;
    const after = await m.queryWithInfo([1, 0, 0], 2);
    expect(after.path).toBe('gpu');
    expect(await runtime.context()).not.toBe(first);
    expect(after.results).toEqual(before);
    await m.close();
    await runtime.destroy();
  });
});

describe('bad input gives typed errors', () => {
  it('bad keys, wrong-dimension vectors, NaN, oversized values, bad k', async () => {
    const m = await MemoryService.open({ name: uniqueName(), dimension: 3, backend: 'cpu', maxValueBytes: 100 });
    await expect(m.store({ key: '', data: 1 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(m.store({ key: 42 as unknown as string, data: 1 })).rejects.toThrow(/non-empty string/);
    await expect(m.store({ key: 'a\u0000b', data: 1 })).rejects.toThrow(/control character/);
    await expect(m.store({ key: 'x'.repeat(600), data: 1 })).rejects.toThrow(/at most 512/);
    await expect(m.store({ key: 'v', data: 1, vector: [1, 2] })).rejects.toThrow(/2 dimensions.*3 dimensions/);
    await expect(m.store({ key: 'v', data: 1, vector: [1, NaN, 2] })).rejects.toThrow(/NaN/);
    await expect(m.store({ key: 'big', data: bytes(101, 0) })).rejects.toThrow(/at most 100 bytes/);
    await expect(m.store({ key: 'u', data: undefined as unknown as string })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(m.query([1, 2, 3], 0)).rejects.toThrow(/k must be/);
    await expect(m.query([1, 2, Infinity], 1)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(m.query([1, 2, 3], 1, { metric: 'manhattan' as 'l2' })).rejects.toThrow(/metric/);
    await expect(m.storeMany([{ key: 'd', data: 1 }, { key: 'd', data: 2 }])).rejects.toThrow(/twice/);
    expect(m.keys()).toEqual([]); // nothing of a rejected batch was stored
    await m.close();
    const tight = await MemoryService.open({ name: uniqueName(), dimension: 3, backend: 'cpu', vectorBudgetBytes: 24 });
    await tight.storeMany([{ key: 'a', data: 1, vector: [1, 2, 3] }, { key: 'b', data: 1, vector: [1, 2, 3] }]);
    await expect(tight.store({ key: 'c', data: 1, vector: [1, 2, 3] })).rejects.toBeInstanceOf(MemoryBudgetError);
    expect(tight.has('c')).toBe(false); // checked before anything was written
    await tight.close();
  });
});
