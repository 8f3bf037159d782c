import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlobServer, type BlobServer } from '../../../src/edge/blob-server';
import { sha256Hex } from '../../../src/services/memory/codec';
import { BlobIntegrityError, MemoryNotFoundError, RemoteTier, RemoteUnavailableError } from '../../../src/services/memory/index';
import { InvalidInputError } from '../../../src/errors';

let server: BlobServer;
beforeAll(async () => {
  server = await startBlobServer({ dir: await mkdtemp(join(tmpdir(), 'aura-blobs-')) });
});
afterAll(() => server.close());

describe('blob server', () => {
  it('stores a blob under its SHA-256, refuses a body that does not match its name, answers CORS preflight', async () => {
    const body = new TextEncoder().encode('content-addressed');
    const hash = await sha256Hex(body);
    expect((await fetch(`${server.url}/blobs/${hash}`, { method: 'PUT', body })).status).toBe(201);
    const got = await fetch(`${server.url}/blobs/${hash}`);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(body);
    expect(got.headers.get('access-control-allow-origin')).toBe('*');
    const wrong = await fetch(`${server.url}/blobs/${'0'.repeat(64)}`, { method: 'PUT', body });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toMatch(/hashes to/);
    expect((await fetch(`${server.url}/blobs/${'1'.repeat(64)}`)).status).toBe(404);
    const preflight = await fetch(`${server.url}/blobs/${hash}`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/PUT/);
  });
});

describe('RemoteTier', () => {
  it('retries 5xx with backoff and then succeeds', async () => {
    const body = new Uint8Array([1, 2, 3]);
    const hash = await sha256Hex(body);
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      calls++;
      if (calls <= 2) return new Response('busy', { status: 503 });
      return fetch(input, init);
    };
    const remote = new RemoteTier({ baseUrl: server.url, retries: 3, backoffMs: 1, fetch: flaky });
    expect(await remote.put(body)).toBe(hash);
    expect(remote.stats.retries).toBe(2);
    expect(await remote.get(hash, 'k')).toEqual(body);
  });

  it('verifies on arrival: bytes that do not hash to the name are rejected', async () => {
    const lying: typeof fetch = async () => new Response(new Uint8Array([9, 9, 9]));
    const remote = new RemoteTier({ baseUrl: server.url, fetch: lying });
    const hash = await sha256Hex(new Uint8Array([1, 2, 3]));
    await expect(remote.get(hash, 'k')).rejects.toBeInstanceOf(BlobIntegrityError);
    expect(remote.stats.integrityFailures).toBe(1);
  });

  it('offline after the retries: RemoteUnavailableError; 404: not found; bad names and URLs: typed errors', async () => {
    const offline = new RemoteTier({ baseUrl: 'http://127.0.0.1:9', retries: 1, backoffMs: 1 });
    await expect(offline.get('a'.repeat(64), 'k')).rejects.toBeInstanceOf(RemoteUnavailableError);
    const remote = new RemoteTier({ baseUrl: server.url });
    await expect(remote.get('b'.repeat(64), 'missing')).rejects.toBeInstanceOf(MemoryNotFoundError);
    await expect(remote.get('not-a-hash', 'k')).rejects.toBeInstanceOf(InvalidInputError);
    expect(() => new RemoteTier({ baseUrl: 'ftp://x' })).toThrow(InvalidInputError);
  });
});
