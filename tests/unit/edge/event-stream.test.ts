import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNats, type NatsProcess } from '../../../scripts/scale/nats-process';
import { readAllEvents } from '../../../scripts/scale/read-events';
import { startEdgeNode, type EdgeNode } from '../../../src/edge/edge-node';
import { inferenceEvent } from '../../../src/edge/event-schema';
import { EventStream } from '../../../src/edge/event-stream';
import { lmdbStore } from '../../../src/edge/lmdb-tier';
import { createAura, type Aura } from '../../../src/runtime/create-aura';

const NATS_PORT = 41802;
const N = 300;
const SERIES = Array.from({ length: 40 }, (_, t) => Math.round(1000 * Math.sin(t / 5)) / 1000);

/** POST through nodes[start], retrying on the next node on a network error or 5xx, with the same id. */
async function inferAcknowledged(urls: () => string[], id: string, start: number): Promise<boolean> {
  for (let attempt = 0; attempt < 6; attempt++) {
    const list = urls();
    const url = list[(start + attempt) % list.length];
    try {
      const res = await fetch(`${url}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, series: SERIES }), signal: AbortSignal.timeout(20_000) });
      await res.arrayBuffer();
      if (res.status === 200) return true;
    } catch {
      // the node is gone: the next one
    }
  }
  return false;
}

describe('the event stream on NATS JetStream (3 nodes, at least once, one event per request id)', () => {
  const root = mkdtempSync(join(tmpdir(), 'aura-nats-'));
  let nats: NatsProcess;
  const nodes: Array<{ aura: Aura; events: EventStream; node: EdgeNode; alive: boolean }> = [];
  beforeAll(async () => {
    nats = await startNats(NATS_PORT, join(root, 'js'));
    for (const [i, services] of [['lnn', 'memory'], ['lnn'], ['lnn']].entries()) {
      const aura = await createAura({ backend: 'cpu', planStore: false, services: services as ['lnn'], memory: { l2Store: lmdbStore(join(root, `n${i}`)) } });
      const events = await EventStream.connect({ url: nats.url, ackTimeoutMs: 1000 });
      nodes.push({ aura, events, node: await startEdgeNode({ aura, port: 0, events, nodeName: `node-${i}` }), alive: true });
    }
  }, 90_000);
  afterAll(async () => {
    for (const n of nodes) {
      if (n.alive) await n.node.close();
      await n.events.close();
      await n.aura.destroy();
    }
    await nats?.stop();
    rmSync(root, { recursive: true, force: true });
  });
  const liveUrls = () => nodes.filter((n) => n.alive).map((n) => n.node.url);

  it(`${N} inferences across 3 nodes, one node closed mid-run: ${N} distinct events, none acknowledged missing`, async () => {
    const acknowledged: string[] = [];
    let next = 0;
    const started = Date.now();
    const worker = async () => {
      while (next < N) {
        const i = next++;
        if (i === N / 2) {
          nodes[2].alive = false;
          void nodes[2].node.close(); // drops its open connections: in-flight requests fail and are retried
        }
        if (await inferAcknowledged(liveUrls, `inf-${i}`, i)) acknowledged.push(`inf-${i}`);
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    const ms = Date.now() - started;
    const { events, streamMessages } = await readAllEvents(nats.url);
    const ids = new Set(events.map((e) => e.id));
    console.log(`${N} inferences in ${ms} ms; ${acknowledged.length} acknowledged; ${streamMessages} events in the stream`);
    expect(acknowledged.length).toBe(N);
    expect(streamMessages).toBe(N);
    expect(ids.size).toBe(N);
    for (const id of acknowledged) expect(ids.has(id)).toBe(true);
    expect(new Set(events.map((e) => e.node))).toEqual(new Set(['node-0', 'node-1', 'node-2']));
    const one = events[0];
    expect(one.kind).toBe('inference');
    expect(one.route.length).toBeGreaterThan(0);
    expect(one.timings.totalMs).toBeGreaterThanOrEqual(0);
  }, 240_000);

  it('a retried id is stored once (Nats-Msg-Id), and a memory write publishes its own event', async () => {
    const response = await nodes[0].aura.infer({ id: 'inf-0', series: SERIES });
    expect(await nodes[1].events.publish(inferenceEvent('node-1', response))).toEqual({ duplicate: true });
    const res = await fetch(`${nodes[0].node.url}/memory`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'mem-1', key: 'k1', data: 'v1' }) });
    expect(res.status).toBe(200);
    const { events } = await readAllEvents(nats.url);
    expect(events.filter((e) => e.id === 'inf-0')).toHaveLength(1);
    expect(events.find((e) => e.id === 'mem-1')).toMatchObject({ kind: 'memory-write', node: 'node-0', route: ['memory'] });
  });

  it('with the stream down, an inference is not acknowledged: a typed 503 the client can retry', async () => {
    await nats.stop();
    const res = await fetch(`${nodes[0].node.url}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'lost', series: SERIES }) });
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe('EVENT_STREAM_UNAVAILABLE');
    expect(await (await fetch(`${nodes[0].node.url}/metrics`)).text()).toMatch(/^aura_edge_events_failed_total 1$/m);
  });
});
