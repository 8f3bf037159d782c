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
  server = await startBlobServer({ dir: await mkdtemp(join(tmpdir(), 'aura-blobs-')), token: 'unit', allowOrigins: ['http://localhost:5173'] });
});
afterAll(() => server.close());

describe('blob server', () => {
  const auth = { authorization: 'Bearer unit' };

  it('stores a blob under its SHA-256, refuses a body that does not match its name, answers CORS preflight for allowed origins only', async () => {
    const body = new TextEncoder().encode('content-addressed');
    const hash = await sha256Hex(body);
    expect((await fetch(`${server.url}/blobs/${hash}`, { method: 'PUT', body, headers: auth })).status).toBe(201);
    const got = await fetch(`${server.url}/blobs/${hash}`, { headers: { origin: 'http://localhost:5173' } });
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(body);
    expect(got.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const elsewhere = await fetch(`${server.url}/blobs/${hash}`, { headers: { origin: 'http://evil.example' } });
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
    const wrong = await fetch(`${server.url}/blobs/${'0'.repeat(64)}`, { method: 'PUT', body, headers: auth });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error).toMatchObject({ code: 'HASH_MISMATCH', message: expect.stringMatching(/hashes to/) });
    const missing = await fetch(`${server.url}/blobs/${'1'.repeat(64)}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json');
    const preflight = await fetch(`${server.url}/blobs/${hash}`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/PUT/);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/);
  });

  it('PUT needs the token set at start, is bounded in size, and a wrong method is 405 with Allow; every error is JSON', async () => {
    const body = new TextEncoder().encode('needs a token');
    const hash = await sha256Hex(body);
    const anonymous = await fetch(`${server.url}/blobs/${hash}`, { method: 'PUT', body });
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('UNAUTHORIZED');
    const forged = await fetch(`${server.url}/blobs/${hash}`, { method: 'PUT', body, headers: { authorization: 'Bearer guess' } });
    expect(forged.status).toBe(401);
    const del = await fetch(`${server.url}/blobs/${hash}`, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, PUT, OPTIONS');
    expect((await del.json()).error.code).toBe('METHOD_NOT_ALLOWED');
    const small = await startBlobServer({ dir: await mkdtemp(join(tmpdir(), 'aura-blobs-')), token: 'unit', maxBlobBytes: 8 });
    const big = await fetch(`${small.url}/blobs/${hash}`, { method: 'PUT', body, headers: auth });
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe('TOO_LARGE');
    await small.close();
    const readOnly = await startBlobServer({ dir: await mkdtemp(join(tmpdir(), 'aura-blobs-')) });
    const off = await fetch(`${readOnly.url}/blobs/${hash}`, { method: 'PUT', body, headers: auth });
    expect(off.status).toBe(403);
    expect((await off.json()).error.code).toBe('UPLOADS_DISABLED');
    await readOnly.close();
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
    const remote = new RemoteTier({ baseUrl: server.url, token: 'unit', retries: 3, backoffMs: 1, fetch: flaky });
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
