import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuraError } from '../../../src/errors';
import { BlobIntegrityError, RemoteTier } from '../../../src/services/memory/index';

/**
 * The remote tier against a real loopback HTTP server that misbehaves on purpose: corrupted bodies,
 * responses that hang (before the headers, or halfway through the body) and bodies cut short,
 * interleaved with healthy reads. Nothing corrupt may be accepted, every failure must be a typed
 * AuraError, every healthy read answered, every hung read failed within its deadline.
 */
type Behaviour = 'healthy' | 'corrupt' | 'hang-headers' | 'hang-body' | 'truncated';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const blob = (i: number, tag: string) => new TextEncoder().encode(`${tag} blob ${i} `.repeat(20 + (i % 7)));

const blobs = new Map<string, { bytes: Uint8Array; behaviour: Behaviour }>();
/** When each request for a hash reached the server (ms, performance.now()). */
const arrivals = new Map<string, number[]>();
const hung = new Set<ServerResponse>();
let server: Server;
let baseUrl: string;
/** The deadline; the check allows 250 ms beyond it for timers on a loaded 2-core machine. */
const TIMEOUT_MS = 1000;

function add(behaviour: Behaviour, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const bytes = blob(i, behaviour);
    const hash = sha(bytes);
    blobs.set(hash, { bytes, behaviour });
    return hash;
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const hash = (req.url ?? '').split('/').pop()!;
    arrivals.set(hash, [...(arrivals.get(hash) ?? []), performance.now()]);
    const item = blobs.get(hash);
    if (!item) return void res.writeHead(404).end();
    const { bytes, behaviour } = item;
    const head = { 'content-type': 'application/octet-stream', 'content-length': bytes.length };
    switch (behaviour) {
      case 'healthy':
        return void res.writeHead(200, head).end(bytes);
      case 'corrupt': {
        const bad = bytes.slice();
        bad[bad.length >> 1] ^= 0xff;
        return void res.writeHead(200, head).end(bad);
      }
      case 'hang-headers':
        hung.add(res);
        return;
      case 'hang-body':
        hung.add(res);
        res.writeHead(200, head);
        res.write(bytes.subarray(0, bytes.length >> 1));
        return;
      case 'truncated':
        res.writeHead(200, head);
        res.write(bytes.subarray(0, bytes.length >> 1));
        setTimeout(() => res.destroy(), 5);
        return;
    }
  });
  const port = process.env.AURA_E2E_PORT ? Number(process.env.AURA_E2E_PORT) + 1 : 0;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hung) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('RemoteTier against a hostile server', () => {
  it('100 corrupt + 10 hanging + 10 truncated among 50 healthy reads: 0 corrupt accepted, 0 untyped errors, every healthy read answered, every hung read failed within its deadline', async () => {
    const healthy = add('healthy', 50);
    const plan: Array<{ hash: string; behaviour: Behaviour }> = [
      ...add('corrupt', 100).map((hash) => ({ hash, behaviour: 'corrupt' as const })),
      ...add('hang-headers', 5).map((hash) => ({ hash, behaviour: 'hang-headers' as const })),
      ...add('hang-body', 5).map((hash) => ({ hash, behaviour: 'hang-body' as const })),
      ...add('truncated', 10).map((hash) => ({ hash, behaviour: 'truncated' as const })),
    ];
    // Interleave: a healthy read after every few hostile ones, the hung ones first so they hold slots.
    const order = [...plan.filter((p) => p.behaviour.startsWith('hang')), ...plan.filter((p) => !p.behaviour.startsWith('hang'))];
    const calls: Array<{ hash: string; behaviour: Behaviour }> = [];
    order.forEach((p, i) => {
      calls.push(p);
      if (i % 3 === 2 && healthy.length) calls.push({ hash: healthy.shift()!, behaviour: 'healthy' });
    });
    calls.push(...healthy.map((hash) => ({ hash, behaviour: 'healthy' as const })));
    expect(calls).toHaveLength(170);

    const remote = new RemoteTier({ baseUrl, timeoutMs: TIMEOUT_MS, retries: 2, backoffMs: 5, maxConcurrent: 4 });
    const outcomes = await Promise.all(
      calls.map(async ({ hash, behaviour }) => {
        try {
          const bytes = await remote.get(hash, hash.slice(0, 8));
          return { behaviour, ok: true as const, same: sha(bytes) === hash, settledAt: performance.now(), hash };
        } catch (error) {
          return { behaviour, ok: false as const, error, settledAt: performance.now(), hash };
        }
      }),
    );
    const failed = outcomes.filter((o) => !o.ok);
    expect(failed.filter((o) => !(o.error instanceof AuraError)).map((o) => String(o.error))).toEqual([]);
    expect(outcomes.filter((o) => o.ok && !o.same)).toEqual([]);
    expect(outcomes.filter((o) => o.behaviour === 'corrupt' && o.ok)).toHaveLength(0);
    expect(outcomes.filter((o) => o.behaviour === 'corrupt').every((o) => !o.ok && o.error instanceof BlobIntegrityError)).toBe(true);
    expect(outcomes.filter((o) => o.behaviour === 'healthy' && o.ok)).toHaveLength(50);
    expect(outcomes.filter((o) => o.behaviour === 'truncated').every((o) => !o.ok && (o.error as AuraError).code === 'REMOTE_UNAVAILABLE')).toBe(true);
    const hangs = outcomes.filter((o) => o.behaviour.startsWith('hang'));
    expect(hangs).toHaveLength(10);
    for (const o of hangs) {
      expect(o.ok).toBe(false);
      expect((o.error as AuraError).code).toBe('REMOTE_TIMEOUT');
      // From the moment the request reached the server to its failure: within the deadline (plus timer slack).
      const reached = arrivals.get(o.hash)![0];
      expect(o.settledAt - reached).toBeLessThan(TIMEOUT_MS + 250);
    }
    expect(remote.stats.integrityFailures).toBe(100);
  }, 30_000);

  it('a put to a server that never answers fails with REMOTE_TIMEOUT within its deadline', async () => {
    const [hash] = add('hang-headers', 1);
    const remote = new RemoteTier({ baseUrl, timeoutMs: 300 });
    const t0 = performance.now();
    await expect(remote.get(hash, 'k')).rejects.toMatchObject({ code: 'REMOTE_TIMEOUT' });
    await expect(remote.put(blobs.get(hash)!.bytes, hash)).rejects.toMatchObject({ code: 'REMOTE_TIMEOUT' });
    expect(performance.now() - t0).toBeLessThan(2 * 300 + 250);
  });
});
