import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlobServer } from '../../../src/edge/blob-server';
import { sha256Hex } from '../../../src/services/memory/codec';
import { BlobIntegrityError, MemoryNotFoundError, RemoteTier, RemoteUnavailableError } from '../../../src/services/memory/index';
import { startNginx } from '../../../scripts/scale/nginx-process';

/** A content-addressed store the remote tier (L3) can use, started for one describe block. */
interface Store {
  url: string;
  dir: string;
  /** The store checks a PUT's hash itself (the reader checks every GET in any case). */
  checksPut: boolean;
  close(): Promise<void>;
}

const TOKEN = 'l3-test-token';
const stores: Array<[string, (root: string, port: number) => Promise<Store>]> = [
  [
    "the edge node's own /blobs",
    async (root) => {
      const server = await startBlobServer({ dir: join(root, 'blobs'), token: TOKEN });
      return { url: server.url, dir: server.dir, checksPut: true, close: () => server.close() };
    },
  ],
  [
    'nginx, PUT checked by njs',
    async (root, port) => {
      const nginx = await startNginx({ prefix: root, blobStore: { listen: `127.0.0.1:${port}`, root: join(root, 'blobs'), token: TOKEN, verify: 'njs' } });
      return { url: `http://127.0.0.1:${port}`, dir: join(root, 'blobs'), checksPut: true, close: () => nginx.stop() };
    },
  ],
  [
    'nginx, plain WebDAV PUT',
    async (root, port) => {
      const nginx = await startNginx({ prefix: root, blobStore: { listen: `127.0.0.1:${port}`, root: join(root, 'blobs'), token: TOKEN, verify: 'dav' } });
      return { url: `http://127.0.0.1:${port}`, dir: join(root, 'blobs'), checksPut: false, close: () => nginx.stop() };
    },
  ],
];

describe.each(stores.map(([name, start], i) => ({ name, start, port: 41740 + i })))('L3 on $name', ({ start, port }) => {
  let store: Store;
  let root: string;
  let tier: RemoteTier;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'aura-l3-'));
    store = await start(root, port);
    tier = new RemoteTier({ baseUrl: store.url, token: TOKEN, retries: 1, backoffMs: 10, timeoutMs: 5000 });
  });
  afterAll(async () => {
    await store?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('stores by SHA-256 and reads back the same bytes, 1 byte to 2 MB, with immutable cache headers', async () => {
    for (const size of [1, 4096, 2_000_000]) {
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 7 + size) & 255;
      const hash = await tier.put(bytes);
      expect(hash).toBe(await sha256Hex(bytes));
      // Buffer.equals: a deep toEqual over 2 M elements takes a minute on a loaded machine.
      expect(Buffer.from(await tier.get(hash, `item-${size}`)).equals(Buffer.from(bytes))).toBe(true);
    }
    const hash = await tier.put(new TextEncoder().encode('cache me'));
    const response = await fetch(`${store.url}/blobs/${hash}`);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('the same blob stored twice at once is one file, whole', async () => {
    const bytes = new TextEncoder().encode('twice'.repeat(10_000));
    const once = new RemoteTier({ baseUrl: store.url, token: TOKEN, retries: 0 }); // a failed upload is not hidden by a retry
    const hashes = await Promise.all(Array.from({ length: 8 }, () => once.put(bytes)));
    expect(new Set(hashes).size).toBe(1);
    expect(readFileSync(join(store.dir, hashes[0])).equals(Buffer.from(bytes))).toBe(true);
  });

  it('an absent blob is MemoryNotFoundError; an upload without the token is refused', async () => {
    await expect(tier.get('a'.repeat(64), 'missing')).rejects.toBeInstanceOf(MemoryNotFoundError);
    const anonymous = new RemoteTier({ baseUrl: store.url, retries: 0 });
    await expect(anonymous.put(new TextEncoder().encode('no token'))).rejects.toThrow(/HTTP 401/);
    const wrongToken = new RemoteTier({ baseUrl: store.url, token: 'guess', retries: 0 });
    await expect(wrongToken.put(new TextEncoder().encode('wrong token'))).rejects.toBeInstanceOf(RemoteUnavailableError);
  });

  it('a body under another name is refused at PUT where the store checks, and never returned by a GET anywhere', async () => {
    const bytes = new TextEncoder().encode('honest bytes');
    const wrongName = await sha256Hex(new TextEncoder().encode('other bytes'));
    const put = await fetch(`${store.url}/blobs/${wrongName}`, { method: 'PUT', body: bytes, headers: { authorization: `Bearer ${TOKEN}` } });
    if (store.checksPut) {
      expect(put.status).toBe(400);
      expect((await put.json()).error.code).toBe('HASH_MISMATCH');
      await expect(tier.get(wrongName, 'forged')).rejects.toBeInstanceOf(MemoryNotFoundError);
    } else {
      expect(put.status).toBe(201); // WebDAV stores what it is given
      await expect(tier.get(wrongName, 'forged')).rejects.toBeInstanceOf(BlobIntegrityError);
    }
    // A blob changed on the store's disk is caught by the reader too.
    const good = await tier.put(new TextEncoder().encode('will rot'));
    writeFileSync(join(store.dir, good), 'rotten');
    await expect(tier.get(good, 'rotted')).rejects.toBeInstanceOf(BlobIntegrityError);
  });
});
