import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEdgeProcess, type EdgeProcess } from '../../scripts/scale/edge-process';
import { startPostgres, type PostgresProcess } from '../../scripts/scale/postgres-process';
import { PgMemoryStore } from '../../src/edge/pg-memory-store';

const PG_PORT = 41850;
const NODE_PORT = 41851;
const ACKED_BEFORE_KILL = 200;
const IN_FLIGHT = 4;

/** A whole edge node (`npm run edge -- --postgres …`) SIGKILLed mid-write: every write it acknowledged is in PostgreSQL. */
describe('an edge node killed mid-write loses no acknowledged memory item', () => {
  const root = mkdtempSync(join(tmpdir(), 'aura-pgkill-'));
  let postgres: PostgresProcess;
  let node: EdgeProcess;
  beforeAll(async () => {
    postgres = await startPostgres(PG_PORT, join(root, 'cluster'));
    node = await startEdgeProcess(NODE_PORT, ['--data', join(root, 'node'), '--backend', 'cpu', '--services', 'memory', '--postgres', postgres.url]);
  });
  afterAll(async () => {
    await node?.kill();
    await postgres?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it(`${IN_FLIGHT} writers, the node SIGKILLed after ${ACKED_BEFORE_KILL} acknowledgements`, async () => {
    const acked: string[] = [];
    let sent = 0;
    let killed = false;
    const writer = async () => {
      while (!killed) {
        const key = `k-${sent++}`;
        try {
          const res = await fetch(`${node.url}/memory`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, data: { n: sent, text: 'x'.repeat(200) }, conversation: 'kill-test' }), signal: AbortSignal.timeout(20_000) });
          if (res.status === 200) acked.push(key);
          else await res.arrayBuffer();
        } catch {
          return; // the node is gone
        }
      }
    };
    const writers = Array.from({ length: IN_FLIGHT }, writer);
    const started = Date.now();
    while (acked.length < ACKED_BEFORE_KILL) {
      if (Date.now() - started > 120_000) throw new Error(`only ${acked.length} writes acknowledged in 120 s:\n${node.log()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await node.kill();
    killed = true;
    await Promise.all(writers);
    const store = await PgMemoryStore.open(postgres.url);
    try {
      const stored = new Set(await store.keys());
      const lost = acked.filter((key) => !stored.has(key));
      console.log(`node killed after ${acked.length} acknowledged writes (${sent} sent); ${stored.size} stored in PostgreSQL; lost ${lost.length}`);
      expect(lost).toEqual([]);
      // The conversation's edges of an acknowledged item are there too (one transaction with the item).
      expect((await store.neighbours(acked[acked.length - 1], 1, ['stored_after'])).length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
