import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../scripts/scale/cluster';
import { LOAD_BODY, loadTest } from '../../scripts/scale/load';

/** POST /infer through `url`, retrying on a network error or 5xx (a client's answer to a node dying): the number of tries. */
async function inferWithRetry(url: string, tries = 4): Promise<{ status: number; tries: number; upstream: string | null }> {
  let last: unknown;
  for (let i = 1; i <= tries; i++) {
    try {
      const res = await fetch(`${url}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: LOAD_BODY, signal: AbortSignal.timeout(30_000) });
      const body = await res.json();
      if (res.status === 200 && body.decision) return { status: 200, tries: i, upstream: res.headers.get('x-aura-upstream') };
      if (res.status < 500) return { status: res.status, tries: i, upstream: null };
      last = new Error(`HTTP ${res.status}`);
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100 * i));
  }
  throw last;
}

function servedInfers(metrics: string): number {
  return Number(/^aura_http_requests_total\{code="200",method="POST",route="\/infer"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
}

describe('3 edge nodes behind nginx (round robin), one service', () => {
  const root = mkdtempSync(join(tmpdir(), 'aura-scale-'));
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ root, basePort: 41750 });
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('requests through the balancer are answered by all three nodes', async () => {
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await inferWithRetry(cluster.balancerUrl));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => a.upstream)).size).toBe(3);
    for (const node of cluster.nodes) expect(servedInfers(await (await fetch(`${node.url}/metrics`)).text())).toBeGreaterThanOrEqual(1);
  });

  it('a bounded autocannon run through the balancer: every response 2xx', async () => {
    const result = await loadTest(cluster.balancerUrl, 3, 8);
    expect(result.requests).toBeGreaterThan(10);
    expect(result.non2xx).toBe(0);
    expect(result.errors).toBe(0);
  });

  it('killing one node mid-load loses no request: every one is answered, the others take over', async () => {
    const victim = cluster.nodes[2];
    const before = servedInfers(await (await fetch(`${victim.url}/metrics`)).text());
    const total = 120;
    let next = 0;
    const results: Array<{ status: number; tries: number }> = [];
    const worker = async () => {
      while (next < total) {
        next++;
        results.push(await inferWithRetry(cluster.balancerUrl));
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, worker));
    while (results.length < 30) await new Promise((r) => setTimeout(r, 20));
    await victim.kill(); // SIGKILL: no clean shutdown, connections in flight are cut
    await load;
    expect(results).toHaveLength(total);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(victim.child.signalCode).toBe('SIGKILL');
    expect(before).toBeGreaterThan(0);
    // Requests after the kill went to the two that are left.
    const after = await Promise.all(Array.from({ length: 6 }, () => inferWithRetry(cluster.balancerUrl)));
    expect(after.every((a) => a.status === 200 && a.upstream !== `127.0.0.1:${victim.port}`)).toBe(true);
  });
});
