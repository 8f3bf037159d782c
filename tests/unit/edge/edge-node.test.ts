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
    expect(metrics).toContain('aura_stage_wall_ms_bucket');
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
    expect((await fetch(`${node.url}/nowhere`)).status).toBe(404);
  });
});
