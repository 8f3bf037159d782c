import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAura, type Aura } from '../../../src/runtime/create-aura';
import { startEdgeNode, type EdgeNode } from '../../../src/edge/edge-node';

describe('edge node over HTTP (Node, Dawn)', () => {
  let aura: Aura;
  let node: EdgeNode;
  beforeAll(async () => {
    aura = await createAura({ backend: 'cpu', planStore: false, services: ['lnn', 'neuromorphic'] });
    node = await startEdgeNode({ aura, port: 0 });
  });
  afterAll(async () => {
    await node.close();
    await aura.destroy();
  });

  const post = (body: string, type = 'application/json') => fetch(`${node.url}/infer`, { method: 'POST', headers: { 'content-type': type }, body });

  it('answers POST /infer with a UnifiedResponse and counts it on /metrics', async () => {
    const res = await post(JSON.stringify({ series: Array.from({ length: 40 }, (_, t) => Math.sin(t / 5)) }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.decision.service).not.toBe('none');
    expect(body.timings.perStage.route.wallMs).toBeGreaterThanOrEqual(0);
    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    expect(metrics).toContain('aura_requests_total{outcome="ok"} 1');
    expect(metrics).toContain('aura_stage_duration_seconds_bucket');
    const health = await (await fetch(`${node.url}/health`)).json();
    expect(health.adapter.architecture).toBe('swiftshader');
  });

  it('rejects malformed bodies with typed errors and says how to fix them', async () => {
    const notJson = await post('{not json');
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.code).toBe('INVALID_INPUT');
    const wrongType = await post('hello', 'text/plain');
    expect((await wrongType.json()).error.hint).toContain('application/json');
    const nan = await post(JSON.stringify({ series: [1, 'x'] }));
    expect((await nan.json()).error.message).toContain('series[1]');
    const huge = await post(JSON.stringify({ text: 'x'.repeat(2 ** 20) }));
    expect(huge.status).toBe(400);
    const nowhere = await fetch(`${node.url}/nowhere`);
    expect(nowhere.status).toBe(404);
    expect((await nowhere.json()).error.code).toBe('NOT_FOUND');
  });

  it('refuses an unknown field by name (schema: zod), and 1e308 naming the float32 range', async () => {
    const unknown = await post(JSON.stringify({ text: 'hello', sries: [1, 2] }));
    expect(unknown.status).toBe(400);
    const error = (await unknown.json()).error;
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain("'sries'");
    const wrongType = await post(JSON.stringify({ series: 'abc' }));
    expect((await wrongType.json()).error.message).toContain('request.series');
    const huge = await post(JSON.stringify({ series: [1, 1e308] }));
    expect(huge.status).toBe(400);
    expect((await huge.json()).error.message).toMatch(/series\[1\].*float32/);
    const notObject = await post(JSON.stringify([1, 2]));
    expect(notObject.status).toBe(400);
  });

  it('a known path with the wrong method is 405 with Allow, in JSON', async () => {
    const get = await fetch(`${node.url}/infer`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await get.json()).error.code).toBe('METHOD_NOT_ALLOWED');
    const postMetrics = await fetch(`${node.url}/metrics`, { method: 'POST', body: '' });
    expect(postMetrics.status).toBe(405);
    expect(postMetrics.headers.get('allow')).toBe('GET');
  });
});

describe('edge node blobs', () => {
  it('serves /blobs without wildcard CORS; PUT needs the token given at start; the size limit is configurable', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createHash } = await import('node:crypto');
    const aura = await createAura({ backend: 'cpu', planStore: false, services: ['lnn'] });
    const node = await startEdgeNode({ aura, port: 0, blobDir: await mkdtemp(join(tmpdir(), 'edge-blobs-')), blobToken: 'secret', blobOrigins: ['http://localhost:5173'], maxBlobBytes: 64 });
    try {
      const body = new TextEncoder().encode('a blob');
      const hash = createHash('sha256').update(body).digest('hex');
      const url = `${node.url}/blobs/${hash}`;
      expect((await fetch(url, { method: 'PUT', body })).status).toBe(401);
      expect((await fetch(url, { method: 'PUT', body, headers: { authorization: 'Bearer secret' } })).status).toBe(201);
      const got = await fetch(url, { headers: { origin: 'http://other.example' } });
      expect(got.status).toBe(200);
      expect(got.headers.get('access-control-allow-origin')).toBeNull();
      const big = new Uint8Array(65);
      const bigHash = createHash('sha256').update(big).digest('hex');
      expect((await fetch(`${node.url}/blobs/${bigHash}`, { method: 'PUT', body: big, headers: { authorization: 'Bearer secret' } })).status).toBe(413);
    } finally {
      await node.close();
      await aura.destroy();
    }
  });
});
