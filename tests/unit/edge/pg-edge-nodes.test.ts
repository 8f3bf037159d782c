import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresProcess } from '../../../scripts/scale/postgres-process';
import { startEdgeNode, type EdgeNode } from '../../../src/edge/edge-node';
import { lmdbStore } from '../../../src/edge/lmdb-tier';
import { PgMemoryStore } from '../../../src/edge/pg-memory-store';
import { createAura, type Aura } from '../../../src/runtime/create-aura';

/** Two edge nodes (own runtime, own LMDB, no Redis) over one PostgreSQL: load on a miss, relations over HTTP. */
describe('edge nodes over the shared durable store (PostgreSQL)', () => {
  const root = mkdtempSync(join(tmpdir(), 'aura-pgnodes-'));
  let postgres: PostgresProcess;
  const nodes: Array<{ aura: Aura; store: PgMemoryStore; node: EdgeNode }> = [];
  beforeAll(async () => {
    postgres = await startPostgres(41821, join(root, 'cluster'));
    for (const name of ['a', 'b']) {
      const aura = await createAura({ backend: 'cpu', planStore: false, services: ['memory'], memory: { l2Store: lmdbStore(join(root, name)) } });
      const store = await PgMemoryStore.open(postgres.url);
      nodes.push({ aura, store, node: await startEdgeNode({ aura, port: 0, postgres: store, nodeName: `node-${name}` }) });
    }
  }, 90_000);
  afterAll(async () => {
    for (const { node, store, aura } of nodes) {
      await node.close();
      await store.close();
      await aura.destroy();
    }
    await postgres?.stop();
    rmSync(root, { recursive: true, force: true });
  });
  const remember = async (url: string, body: unknown) => {
    const res = await fetch(`${url}/memory`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };

  it('an item written through one node is loaded from PostgreSQL on a miss by another, which then holds it and finds it by search', async () => {
    const dim = nodes[0].aura.services.memory!.dimension;
    const vector = Array.from({ length: dim }, (_, i) => Math.fround(Math.cos(i / 7)));
    expect(await remember(nodes[0].node.url, { key: 'fact', data: 'the sky is blue', vector })).toMatchObject({ status: 200 });
    expect(nodes[1].aura.services.memory!.has('fact')).toBe(false);
    const got = await (await fetch(`${nodes[1].node.url}/memory/fact`)).json();
    expect(got).toMatchObject({ source: 'postgres', data: 'the sky is blue' });
    expect(nodes[1].aura.services.memory!.has('fact')).toBe(true);
    const hits = await nodes[1].aura.services.memory!.query(vector, 1, { metric: 'cosine' });
    expect(hits[0].key).toBe('fact');
  });

  it('writes link memories (conversation, similar embedding); neighbours to depth 2 over HTTP', async () => {
    const dim = nodes[0].aura.services.memory!.dimension;
    const base = Array.from({ length: dim }, (_, i) => Math.sin(i / 3));
    const near = base.map((v, i) => v + (i % 5 === 0 ? 0.01 : 0));
    expect((await remember(nodes[0].node.url, { key: 't1', data: 'hi', conversation: 'chat-1', vector: base })).status).toBe(200);
    expect((await remember(nodes[0].node.url, { key: 't2', data: 'how are you', conversation: 'chat-1' })).status).toBe(200);
    // t3 is stored through node a, whose own search finds t1 as a near-identical embedding.
    expect((await remember(nodes[0].node.url, { key: 't3', data: 'hello again', vector: near })).status).toBe(200);
    const res = await fetch(`${nodes[1].node.url}/memory/t2/neighbours?depth=2`);
    expect(res.status).toBe(200);
    const { neighbours } = await res.json();
    expect(neighbours.map((n: { key: string; depth: number }) => [n.key, n.depth])).toEqual([['t1', 1], ['t3', 2]]);
    // t2 → t1 is both stored_after and same_conversation; either reaches t1, then similar_embedding reaches t3.
    expect(['stored_after', 'same_conversation']).toContain(neighbours[1].via[0]);
    expect(neighbours[1].via[1]).toBe('similar_embedding');
    const bad = await fetch(`${nodes[1].node.url}/memory/t2/neighbours?depth=99`);
    expect(bad.status).toBe(400);
  });

  it('a series is stored with its shape signature and linked to its nearest shapes (similar_shape, weight 1 / (1 + distance))', async () => {
    const wave = (period: number, amplitude: number, phase: number) => Array.from({ length: 120 }, (_, t) => amplitude * Math.sin((2 * Math.PI * t) / period + phase));
    const walk: number[] = [];
    for (let t = 0, x = 0, seed = 7; t < 120; t++) walk.push((x += ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5)));
    expect((await remember(nodes[0].node.url, { key: 'sine-a', data: 'a sine', series: wave(20, 1, 0) })).status).toBe(200);
    expect((await remember(nodes[0].node.url, { key: 'walk', data: 'a random walk', series: walk })).status).toBe(200);
    expect((await remember(nodes[0].node.url, { key: 'sine-b', data: 'another sine', series: wave(20, 3, 1.1) })).status).toBe(200);
    const stored = await nodes[1].store.get('sine-b');
    const own = await nodes[0].aura.services.memory!.signatureOf({ series: wave(20, 3, 1.1) });
    expect(Float32Array.from(stored!.shapeSignature!)).toEqual(Float32Array.from(own.signature));
    const { neighbours } = await (await fetch(`${nodes[1].node.url}/memory/sine-b/neighbours?depth=1`)).json();
    expect(neighbours.filter((n: { via: string[] }) => n.via[0] === 'similar_shape').map((n: { key: string }) => n.key).sort()).toEqual(['sine-a', 'walk']);
    // The nearer shape weighs more: the other sine, not the walk.
    const weights = await nodes[0].store.edgesFrom('sine-b', 'similar_shape');
    expect(weights[0].dst).toBe('sine-a');
    expect(weights[0].weight).toBeGreaterThan(weights[1].weight);
    expect((await remember(nodes[0].node.url, { key: 'empty', data: 1, series: [] })).status).toBe(400);
  });

  it('with PostgreSQL down a write is not acknowledged (typed 503)', async () => {
    await postgres.stop();
    const res = await remember(nodes[1].node.url, { key: 'late', data: 1 });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('DURABLE_STORE_UNAVAILABLE');
  });
});
