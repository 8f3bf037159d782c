import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisProcess } from '../../../scripts/scale/redis-process';
import { startEdgeNode, type EdgeNode } from '../../../src/edge/edge-node';
import { lmdbStore } from '../../../src/edge/lmdb-tier';
import { RedisHotTier } from '../../../src/edge/redis-hot-tier';
import { createAura, type Aura } from '../../../src/runtime/create-aura';

const REDIS_PORT = 41801;

/** Two edge nodes (each its own runtime and LMDB) sharing one real redis-server as the hot tier. */
describe('Redis as the shared hot tier of the edge memory', () => {
  const root = mkdtempSync(join(tmpdir(), 'aura-redis-'));
  let redis: RedisProcess;
  const nodes: Array<{ aura: Aura; tier: RedisHotTier; node: EdgeNode }> = [];
  beforeAll(async () => {
    redis = await startRedis(REDIS_PORT, { dir: root, maxmemory: '16mb' });
    for (const name of ['a', 'b']) {
      const aura = await createAura({ backend: 'cpu', planStore: false, services: ['memory'], memory: { l2Store: lmdbStore(join(root, name)) } });
      const tier = await RedisHotTier.connect({ url: redis.url, commandTimeoutMs: 300 });
      nodes.push({ aura, tier, node: await startEdgeNode({ aura, port: 0, redis: tier }) });
    }
  }, 60_000);
  afterAll(async () => {
    for (const { node, tier, aura } of nodes) {
      await node.close();
      await tier.close();
      await aura.destroy();
    }
    await redis?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const remember = (url: string, body: unknown) =>
    fetch(`${url}/memory`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  const recall = async (url: string, key: string) => {
    const res = await fetch(`${url}/memory/${encodeURIComponent(key)}`, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: await res.json() };
  };
  const [a, b] = [() => nodes[0], () => nodes[1]];

  it('runs Redis with LFU eviction over every key and a memory budget, and says so in /health', async () => {
    const health = await (await fetch(`${a().node.url}/health`)).json();
    expect(health.redis).toMatchObject({ state: 'up', maxmemoryPolicy: 'allkeys-lfu', maxmemoryBytes: 16 * 2 ** 20 });
  });

  it('an item remembered through one node is recalled through another, via Redis, with its vector', async () => {
    const dim = a().aura.services.memory!.dimension;
    const vector = Array.from({ length: dim }, (_, i) => Math.fround(Math.sin(i)));
    const res = await remember(a().node.url, { key: 'note:1', data: { text: 'the meeting moved to 3 pm' }, vector });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ key: 'note:1', shared: true });
    const got = await recall(b().node.url, 'note:1');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ source: 'redis', data: { text: 'the meeting moved to 3 pm' } });
    expect(got.body.vector).toEqual(vector);
    // Node b never stored it itself.
    expect(b().aura.services.memory!.has('note:1')).toBe(false);
    expect(a().aura.services.memory!.has('note:1')).toBe(true);
  });

  it('an unknown key is a typed 404; a bad item a typed 400', async () => {
    const missing = await recall(b().node.url, 'nobody');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('MEMORY_NOT_FOUND');
    const bad = await remember(b().node.url, { key: 'x', data: 1, extra: true });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('INVALID_INPUT');
  });

  it('over its memory budget Redis evicts by LFU: a frequently read item stays, evicted ones are still answered by the node that stored them', async () => {
    for (let i = 0; i < 20; i++) expect((await remember(a().node.url, { key: `cold-${i}`, data: `cold ${i}` })).status).toBe(200);
    expect((await remember(a().node.url, { key: 'hot', data: 'read often' })).status).toBe(200);
    for (let i = 0; i < 200; i++) await a().tier.get('hot');
    // 40 MB of other nodes' items into a 16 MB budget.
    const filler = 'f'.repeat(64 * 1024);
    for (let i = 0; i < 640; i++) await a().tier.put(`filler-${i}`, { data: filler });
    const raw = new Redis(redis.url);
    const evicted = Number(/evicted_keys:(\d+)/.exec(await raw.info('stats'))?.[1]);
    const hotKept = await raw.exists('aura:mem:hot');
    const coldKept = (await Promise.all(Array.from({ length: 20 }, (_, i) => raw.exists(`aura:mem:cold-${i}`)))).filter(Boolean).length;
    raw.disconnect();
    console.log(`LFU eviction: ${evicted} keys evicted; hot kept: ${hotKept}; cold kept: ${coldKept} of 20`);
    expect(evicted).toBeGreaterThan(0);
    expect(hotKept).toBe(1);
    expect(coldKept).toBeLessThan(20);
    for (let i = 0; i < 20; i++) expect(await recall(a().node.url, `cold-${i}`)).toMatchObject({ status: 200, body: { data: `cold ${i}` } });
  }, 60_000);

  it('with Redis stopped mid-run, nodes keep answering from their own tiers and say so in /health and metrics', async () => {
    await remember(b().node.url, { key: 'before', data: 'kept by b too' });
    await redis.stop();
    const started = Date.now();
    const res = await remember(b().node.url, { key: 'during', data: [1, 2, 3] });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ shared: false });
    expect(await recall(b().node.url, 'during')).toMatchObject({ status: 200, body: { data: [1, 2, 3] } });
    expect(await recall(b().node.url, 'before')).toMatchObject({ status: 200, body: { data: 'kept by b too' } });
    expect((await recall(a().node.url, 'note:1')).body.data).toEqual({ text: 'the meeting moved to 3 pm' });
    expect(Date.now() - started).toBeLessThan(5000); // no waiting on the dead server
    const health = await (await fetch(`${b().node.url}/health`)).json();
    expect(health.status).toBe('ok');
    expect(health.redis.state).toBe('down');
    const metrics = await (await fetch(`${b().node.url}/metrics`)).text();
    expect(metrics).toMatch(/^aura_edge_redis_up 0$/m);
    expect(Number(/^aura_edge_redis_failures_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  });
});
