import 'fake-indexeddb/auto';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handleBlobRequest } from '../../../src/edge/blob-server';
import { MemoryService, type MemoryEvent } from '../../../src/services/memory/index';

/**
 * Writes land in IndexedDB first; the L3 upload is queued and retried, and the queue is durable
 * (an item's record says it has no remote copy yet, and the queue is rebuilt from the index at open).
 * A blob server that takes an upload and never answers cannot hold store() up.
 */
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
let counter = 0;
const uniqueName = () => `uploads-${process.pid}-${counter++}`;

/** A blob server on loopback whose uploads hang while `hang` is true (its reads always work). */
async function switchableServer() {
  const dir = await mkdtemp(join(tmpdir(), 'aura-blobs-'));
  const state = { hang: true, puts: 0 };
  const hung: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'PUT') state.puts++;
    if (req.method === 'PUT' && state.hang) return void hung.push(res);
    void handleBlobRequest({ dir, token: 'unit' }, req, res);
  });
  const port = process.env.AURA_E2E_PORT ? Number(process.env.AURA_E2E_PORT) + 2 : 0;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    async close() {
      hung.forEach((r) => r.destroy());
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('the L3 upload queue', () => {
  it('store() is acknowledged from IndexedDB while L3 hangs; the upload is retried, survives a reload, and lands once L3 answers', async () => {
    const blobs = await switchableServer();
    const name = uniqueName();
    const remote = { baseUrl: blobs.url, token: 'unit', timeoutMs: 300, retries: 0 };
    try {
      // The uploads hang for a minute: store() must not wait for them.
      const m = await MemoryService.open({ name, dimension: 2, backend: 'cpu', remote: { ...remote, timeoutMs: 60_000 }, uploadRetryMs: 20 });
      const [stored] = await m.storeMany([{ key: 'a', data: bytes(200, 1) }, { key: 'b', data: 'two' }]);
      expect(stored.tier).toBe('L1');
      expect((await m.stats()).uploads).toMatchObject({ pending: 2 });
      for (let i = 0; i < 100 && blobs.state.puts < 2; i++) await new Promise((r) => setTimeout(r, 10));
      expect(blobs.state.puts).toBe(2); // both uploads reached the server, which holds them
      await m.close();

      // A reload: the acknowledged items are in L2, and their uploads are still owed.
      const again = await MemoryService.open({ name, dimension: 2, backend: 'cpu', remote, uploadRetryMs: 20 });
      const events: MemoryEvent[] = [];
      again.on((e) => events.push(e));
      expect(again.tierOf('a')).toBe('L2');
      expect((await again.retrieve('a')).data).toEqual(bytes(200, 1));
      await again.settleUploads();
      expect(events.filter((e) => e.type === 'remote-error' && /within 300 ms/.test(e.message)).length).toBeGreaterThanOrEqual(2);
      expect((await again.stats()).uploads).toMatchObject({ pending: 2 });
      await again.close();

      // L3 answers again: the next open owes them still, tries them at once, and records them.
      blobs.state.hang = false;
      const healthy = { ...remote, timeoutMs: 10_000 };
      const third = await MemoryService.open({ name, dimension: 2, backend: 'cpu', remote: healthy, uploadRetryMs: 20 });
      await third.settleUploads();
      expect((await third.stats()).uploads).toMatchObject({ pending: 0 });
      await third.close();
      const fourth = await MemoryService.open({ name, dimension: 2, backend: 'cpu', remote: healthy });
      expect((await fourth.stats()).uploads).toMatchObject({ pending: 0 });
      expect(fourth.tierOf('b')).toBe('L2');
      await fourth.close();
    } finally {
      await blobs.close();
    }
  });
});
