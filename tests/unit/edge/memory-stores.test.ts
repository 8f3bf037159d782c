import 'fake-indexeddb/auto';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlobServer, type BlobServer } from '../../../src/edge/blob-server';
import { lmdbStore } from '../../../src/edge/lmdb-tier';
import { MemoryQuotaError, MemoryService, type MemoryEvent, type MemoryServiceOptions } from '../../../src/services/memory/index';
import type { L2StoreOpener } from '../../../src/services/memory/l2-store';

// The memory service's guarantees, run against both L2 stores: IndexedDB (fake-indexeddb, as in the
// browser tests) and LMDB (the edge's embedded database, src/edge/lmdb-tier.ts).
const root = mkdtempSync(join(tmpdir(), 'aura-memory-stores-'));
let server: BlobServer;
beforeAll(async () => {
  server = await startBlobServer({ dir: join(root, 'blobs'), token: 'unit' });
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

let counter = 0;
const uniqueName = () => `stores-${process.pid}-${counter++}`;
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const fullAfter = (limit: number) => {
  let used = 0;
  return (_key: string, n: number) => {
    if (used + n > limit) throw new DOMException('simulated: the disk is full', 'QuotaExceededError');
    used += n;
  };
};

const stores: Array<[string, L2StoreOpener | undefined]> = [
  ['IndexedDB', undefined],
  ['LMDB', lmdbStore(join(root, 'lmdb'))],
];

describe.each(stores)('memory on %s', (_name, l2Store) => {
  const open = (options: MemoryServiceOptions) => MemoryService.open({ ...options, l2Store });

  it('round-trips bytes, floats, text and JSON, and everything is there after reopening, vectors and shapes included', async () => {
    const name = uniqueName();
    const m = await open({ name, dimension: 3, backend: 'cpu' });
    await m.storeMany([
      { key: 'b', data: bytes(5, 7) },
      { key: 'f', data: new Float32Array([1.5, -2]) },
      { key: 't', data: 'héllo', vector: [0, 1, 0] },
      { key: 'j', data: { a: [1, 2], b: null }, vector: [1, 0, 0], shape: { points: [[0], [1], [5]] } },
    ]);
    expect(await m.retrieve('b')).toMatchObject({ data: bytes(5, 7), tier: 'L1', accessCount: 1 });
    await m.close();
    const again = await open({ name, dimension: 3, backend: 'cpu' });
    expect(again.keys().sort()).toEqual(['b', 'f', 'j', 't']);
    expect(again.tierOf('b')).toBe('L2');
    expect(await again.retrieve('b')).toMatchObject({ data: bytes(5, 7), tier: 'L1', accessCount: 2 });
    expect((await again.retrieve('f')).data).toEqual(new Float32Array([1.5, -2]));
    expect((await again.retrieve('t')).data).toBe('héllo');
    expect((await again.retrieve('j')).data).toEqual({ a: [1, 2], b: null });
    expect(await again.query([0, 1, 0], 1)).toEqual([{ key: 't', score: 1 }]);
    expect((await again.queryShape({ points: [[0], [1], [5]] }, 1)).results).toEqual([{ key: 'j', distance: 0 }]);
    await again.close();
  });

  it('a full disk rolls the batch back whole; earlier items intact; a typed error says so', async () => {
    const name = uniqueName();
    const m = await open({ name, dimension: 2, backend: 'cpu', writeGuard: fullAfter(1000) });
    await m.storeMany([{ key: 'kept-1', data: bytes(400, 1) }, { key: 'kept-2', data: bytes(400, 2) }]);
    const error = await m.storeMany([{ key: 'n1', data: bytes(100, 3) }, { key: 'n2', data: bytes(400, 4) }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemoryQuotaError);
    expect((error as MemoryQuotaError).keys).toEqual(['n1', 'n2']);
    expect((error as Error).message).toMatch(/rolled back/);
    await m.close();
    const again = await open({ name, dimension: 2, backend: 'cpu' });
    expect(again.keys().sort()).toEqual(['kept-1', 'kept-2']); // n1 was written before the failure, and rolled back
    expect((await again.retrieve('kept-2')).data).toEqual(bytes(400, 2));
    await again.close();
  });

  it('the L2 budget demotes to L3 and a read promotes back; a full disk with a remote evicts by the policy and the batch succeeds', async () => {
    const m = await open({ name: uniqueName(), dimension: 2, backend: 'cpu', policy: 'lru', l1BudgetBytes: 1, l2BudgetBytes: 1000, remote: { token: 'unit', baseUrl: server.url } });
    for (const key of ['a', 'b', 'c', 'd']) {
      await m.store({ key, data: bytes(300, key.charCodeAt(0)) });
      await m.settleUploads();
    }
    expect(m.tierOf('a')).toBe('L3');
    const r = await m.retrieve('a');
    expect(r.timing.source).toBe('L3');
    expect(r.data).toEqual(bytes(300, 97));
    await m.close();

    let full = false;
    const q = await open({ name: uniqueName(), dimension: 2, backend: 'cpu', remote: { token: 'unit', baseUrl: server.url } });
    await q.storeMany([{ key: 'p', data: bytes(300, 1) }, { key: 'q', data: bytes(300, 2) }]);
    await q.settleUploads();
    full = true;
    const events: MemoryEvent[] = [];
    q.on((e) => events.push(e));
    (q as unknown as { l2: { writeGuard?: unknown } }).l2.writeGuard = () => {
      if (full) {
        full = false;
        throw new DOMException('simulated: the disk is full', 'QuotaExceededError');
      }
    };
    const [stored] = await q.storeMany([{ key: 'r', data: bytes(300, 3) }]);
    expect(stored.tier).toBe('L1');
    expect(events.find((e) => e.type === 'quota')).toMatchObject({ type: 'quota', keys: ['r'], recovered: true });
    for (const [key, fill] of [['p', 1], ['q', 2], ['r', 3]] as const) expect((await q.retrieve(key)).data).toEqual(bytes(300, fill));
    await q.close();
  });
});

describe('LMDB: nothing acknowledged is lost across a kill', () => {
  it('a writer SIGKILLed mid-stream: every batch it acknowledged is there, whole, after reopening', async () => {
    const dir = join(root, 'killed');
    const name = 'killed';
    const child = spawn(join(import.meta.dirname, '../../../node_modules/.bin/vite-node'), ['tests/helpers/lmdb-writer.ts', '--', dir, name], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const acked = () => [...out.matchAll(/^ack (\d+)$/gm)].map((m) => Number(m[1]));
    const started = Date.now();
    while (acked().length < 20) {
      if (child.exitCode !== null || Date.now() - started > 90_000) throw new Error(`the writer stopped early:\n${out}\n${err}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    await exited;
    const last = Math.max(...acked());
    const memory = await MemoryService.open({ name, dimension: 2, backend: 'cpu', l2Store: lmdbStore(dir) });
    try {
      const keys = new Set(memory.keys());
      for (let i = 0; i <= last; i++) for (const j of [0, 1, 2]) expect(keys.has(`k-${i}-${j}`), `k-${i}-${j}`).toBe(true);
      // A batch is whole or absent: never part of one.
      for (let i = 0; i <= last + 1; i++) expect([0, 3]).toContain([0, 1, 2].filter((j) => keys.has(`k-${i}-${j}`)).length);
      expect((await memory.retrieve(`k-${last}-2`)).data).toEqual(bytes(2048, (last + 2) & 255));
      expect(await memory.query([last, 1], 1)).toHaveLength(1);
    } finally {
      await memory.close();
    }
  });
});
