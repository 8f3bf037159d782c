import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../scripts/scale/cluster';
import { LOAD_BODY } from '../../scripts/scale/load';
import { startNats, type NatsProcess } from '../../scripts/scale/nats-process';
import { readAllEvents } from '../../scripts/scale/read-events';

/** 10,000 as the issue asks; AURA_SCALE_EVENTS=<n> for a shorter run. */
const N = Number(process.env.AURA_SCALE_EVENTS ?? 10_000);
const WORKERS = 12;
const series = JSON.parse(LOAD_BODY).series as number[];

/** POST through the balancer with this id until a node acknowledges it (the client's side of at-least-once). */
async function inferUntilAcknowledged(url: string, id: string): Promise<number> {
  for (let attempt = 1; attempt <= 8; attempt++) {
    try {
      const res = await fetch(`${url}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, series }), signal: AbortSignal.timeout(30_000) });
      await res.arrayBuffer();
      if (res.status === 200) return attempt;
    } catch {
      // a node died under this request: try again with the same id
    }
    await new Promise((r) => setTimeout(r, 50 * attempt));
  }
  throw new Error(`request ${id} was never acknowledged`);
}

describe(`the event stream across 3 edge processes behind nginx: ${N} inferences, one node SIGKILLed mid-run`, () => {
  const root = mkdtempSync(join(tmpdir(), 'aura-events-'));
  let nats: NatsProcess;
  let cluster: Cluster;
  beforeAll(async () => {
    nats = await startNats(41810, join(root, 'jetstream'));
    cluster = await startCluster({ root, basePort: 41811, services: 'lnn,neuromorphic', nodeArgs: (i) => ['--nats', nats.url, '--node-name', `edge-${i + 1}`] });
  });
  afterAll(async () => {
    await cluster?.stop();
    await nats?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it(`${N} acknowledged inferences give ${N} distinct events, each acknowledged id among them`, async () => {
    const acknowledged = new Set<string>();
    let next = 0;
    let retried = 0;
    const started = Date.now();
    const worker = async () => {
      while (next < N) {
        const i = next++;
        if (i === Math.floor(N / 2)) void cluster.nodes[1].kill();
        const id = `req-${i}`;
        if ((await inferUntilAcknowledged(cluster.balancerUrl, id)) > 1) retried++;
        acknowledged.add(id);
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    const seconds = (Date.now() - started) / 1000;
    const { events, streamMessages } = await readAllEvents(nats.url);
    const ids = new Set(events.map((e) => e.id));
    console.log(`${N} inferences through nginx over 3 nodes (one SIGKILLed at ${Math.floor(N / 2)}) in ${seconds.toFixed(1)} s (${(N / seconds).toFixed(0)}/s); ${retried} retried by the client; ${streamMessages} events in the stream`);
    expect(acknowledged.size).toBe(N);
    expect(streamMessages).toBe(N);
    expect(ids.size).toBe(N);
    for (const id of acknowledged) expect(ids.has(id)).toBe(true);
    const perNode = new Map<string, number>();
    for (const e of events) perNode.set(e.node, (perNode.get(e.node) ?? 0) + 1);
    console.log('events per node:', Object.fromEntries(perNode));
    expect(perNode.size).toBe(3);
    expect(cluster.nodes[1].child.signalCode).toBe('SIGKILL');
  }, 45 * 60_000);
});
