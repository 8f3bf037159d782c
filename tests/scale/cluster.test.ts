import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../scripts/scale/cluster';
import { LOAD_BODY, loadTest } from '../../scripts/scale/load';
import { startPrometheus, type PrometheusProcess } from '../../scripts/scale/prometheus-process';
import { dashboardExpressions } from '../../scripts/scale/promql-names';
import dashboard from '../../src/metrics/grafana-dashboard.json';

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

describe('3 edge nodes behind nginx (round robin), one service, scraped by Prometheus', () => {
  const root = mkdtempSync(join(tmpdir(), 'aura-scale-'));
  let cluster: Cluster;
  let prometheus: PrometheusProcess;
  beforeAll(async () => {
    cluster = await startCluster({ root, basePort: 41750 });
    prometheus = await startPrometheus(join(root, 'prometheus'), '127.0.0.1:41749', cluster.nodes.map((n) => `127.0.0.1:${n.port}`));
  });
  afterAll(async () => {
    await prometheus?.stop();
    await cluster?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('each node keeps its memory in LMDB under its own --data, with L3 on the shared nginx store', () => {
    for (const [i, node] of cluster.nodes.entries()) {
      expect(node.log()).toContain('opening the memory tiers');
      expect(existsSync(join(root, `node-${i}`, 'memory-default'))).toBe(true);
      expect(node.child.spawnargs).toContain(cluster.storeUrl);
    }
  });

  it('requests through the balancer are answered by all three nodes; promtool check metrics reports nothing on each', async () => {
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await inferWithRetry(cluster.balancerUrl));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => a.upstream)).size).toBe(3);
    for (const node of cluster.nodes) {
      const metrics = await (await fetch(`${node.url}/metrics`)).text();
      expect(servedInfers(metrics)).toBeGreaterThanOrEqual(1);
      // Every node's exposition passes Debian's promtool (scripts/ensure-system.sh installs it).
      const lint = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
      expect(lint.stdout + lint.stderr).toBe('');
      expect(lint.status).toBe(0);
    }
  });

  it('a bounded autocannon run through the balancer: every response 2xx', async () => {
    const result = await loadTest(cluster.balancerUrl, 3, 8);
    expect(result.requests).toBeGreaterThan(10);
    expect(result.non2xx).toBe(0);
    expect(result.errors).toBe(0);
  });

  it('Prometheus scrapes the 3 nodes; PromQL gives request rate by code, stage latency quantiles, energy per inference, consensus faults', async () => {
    // Traffic of both kinds, then enough scrapes (1 s apart) for rate() over 15 s. Bad requests come
    // before and after the load: a series is born at its first value, so rate() needs a second one.
    const sendBad = async () => {
      const bad = await Promise.all(Array.from({ length: 6 }, () => fetch(`${cluster.balancerUrl}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"series":"nope"}' })));
      expect(bad.every((r) => r.status === 400)).toBe(true);
    };
    await sendBad();
    await loadTest(cluster.balancerUrl, 4, 4);
    await sendBad();
    await new Promise((r) => setTimeout(r, 3000));
    const up = await prometheus.query('up{job="aura-edge"}');
    expect(up.map((s) => s.value[1]).sort()).toEqual(['1', '1', '1']);
    const byCode = await prometheus.query('sum by (code) (rate(aura_http_requests_total{route="/infer"}[15s]))');
    const codes = Object.fromEntries(byCode.map((s) => [s.metric.code, Number(s.value[1])]));
    expect(codes['200']).toBeGreaterThan(0);
    expect(codes['400']).toBeGreaterThan(0);
    const quantiles = await prometheus.query('histogram_quantile(0.99, sum by (le, stage) (rate(aura_stage_duration_seconds_bucket[15s])))');
    const stages = Object.fromEntries(quantiles.map((s) => [s.metric.stage, Number(s.value[1])]));
    expect(Object.keys(stages).length).toBeGreaterThanOrEqual(2);
    expect(stages.route).toBeGreaterThan(0);
    for (const seconds of Object.values(stages)) expect(seconds).toBeGreaterThan(0);
    const energy = await prometheus.query('sum(rate(aura_energy_joules_total[15s])) / sum(rate(aura_requests_total{outcome="ok"}[15s]))');
    expect(energy).toHaveLength(1);
    const joulesPerInference = Number(energy[0].value[1]);
    expect(joulesPerInference).toBeGreaterThan(1e-12);
    expect(joulesPerInference).toBeLessThan(1e-3);
    const faults = await prometheus.query('sum by (kind) (aura_consensus_faults_total)');
    expect(faults.map((s) => s.metric.kind)).toEqual(expect.arrayContaining(['badSignature', 'malformed']));
    const builds = await prometheus.query('count by (version) (aura_build_info)');
    expect(Number(builds[0].value[1])).toBe(3);
    // Every dashboard query runs, with Grafana's variables as it would set them.
    for (const expr of dashboardExpressions(dashboard)) {
      const result = await prometheus.query(expr.replaceAll('$__rate_interval', '15s').replaceAll('$instance', '.*'));
      expect(result.length, expr).toBeGreaterThan(0);
    }
    console.log(JSON.stringify({ up: up.length, requestRateByCode: codes, stageP99Seconds: stages, joulesPerInference, consensusFaults: Object.fromEntries(faults.map((s) => [s.metric.kind, Number(s.value[1])])) }));
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
    // Prometheus sees the dead node as down.
    await expect.poll(async () => (await prometheus.query(`up{instance="127.0.0.1:${victim.port}"}`))[0]?.value[1], { timeout: 10_000 }).toBe('0');
  });
});
