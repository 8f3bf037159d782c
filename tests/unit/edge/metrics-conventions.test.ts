import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEdgeNode, type EdgeNode } from '../../../src/edge/edge-node';
import dashboard from '../../../src/metrics/grafana-dashboard.json';
import { createAura, type Aura } from '../../../src/runtime/create-aura';
import { dashboardExpressions, metricNamesIn, exposedNames } from '../../../scripts/scale/promql-names';

// Debian's prometheus package ships promtool; scripts/ensure-system.sh installs it (npm test runs that first).
const PROMTOOL = process.env.AURA_PROMTOOL ?? '/usr/bin/promtool';

describe('metrics a node exposes follow Prometheus conventions', () => {
  let aura: Aura;
  let node: EdgeNode;
  let text: string;
  const blobs = mkdtempSync(join(tmpdir(), 'aura-metrics-'));
  beforeAll(async () => {
    aura = await createAura({ backend: 'cpu', planStore: false, services: ['lnn', 'neuromorphic', 'consensus'] });
    node = await startEdgeNode({ aura, port: 0, blobDir: blobs, build: { version: '0.1.0', revision: 'test', runtime: `node ${process.version}` } });
    const post = (body: unknown) => fetch(`${node.url}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ series: Array.from({ length: 40 }, (_, t) => Math.sin(t / 5)) })).status).toBe(200);
    expect((await post({ series: [1, 'x'] })).status).toBe(400);
    expect((await fetch(`${node.url}/blobs/${'0'.repeat(64)}`)).status).toBe(404);
    text = await (await fetch(`${node.url}/metrics`)).text();
  });
  afterAll(async () => {
    await node.close();
    await aura.destroy();
    rmSync(blobs, { recursive: true, force: true });
  });

  it('promtool check metrics reports nothing on /metrics', () => {
    const run = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(run.error, `${PROMTOOL} is missing: run npm run setup:system (installs Debian's prometheus)`).toBeUndefined();
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('uses base units, _total counters, an _info plan and aura_build_info', () => {
    expect(text).toMatch(/^aura_build_info\{revision="test",runtime="node v\d+\.\d+\.\d+",version="0\.1\.0"\} 1$/m);
    expect(text).toMatch(/^# TYPE aura_stage_plan_info gauge$/m);
    expect(text).toMatch(/^aura_stage_plan_info\{path="cpu",stage="lnn",why="[^"]*"\} 1$/m);
    expect(text).toMatch(/^aura_http_requests_total\{code="200",method="POST",route="\/infer"\} 1$/m);
    expect(text).toMatch(/^aura_http_requests_total\{code="400",method="POST",route="\/infer"\} 1$/m);
    expect(text).toMatch(/^aura_http_requests_total\{code="404",method="GET",route="\/blobs"\} 1$/m);
    expect(text).toMatch(/^aura_consensus_faults_total\{kind="badSignature"\} 0$/m);
    // One inference of the LNN and the SNN counts a few nJ: joules, so around 1e-9.
    const joules = [...text.matchAll(/^aura_energy_joules_total\{service="\w+"\} (\S+)$/gm)].map((m) => Number(m[1]));
    expect(joules.length).toBeGreaterThan(0);
    for (const j of joules) expect(j).toBeLessThan(1e-3);
    expect(text).toMatch(/^aura_stage_duration_seconds_bucket\{path="cpu",stage="route",le="0\.001"\} \d+$/m);
    for (const name of exposedNames(text)) expect(name).not.toMatch(/_(ms|pj|milliseconds)(_|$)/);
  });

  it('the Grafana dashboard: $__rate_interval, a unit on every panel, the instance variable, and only names nodes expose', () => {
    const variables = dashboard.templating.list.map((v) => v.name);
    expect(variables).toContain('instance');
    const exposed = exposedNames(text);
    for (const panel of dashboard.panels) {
      expect(panel.fieldConfig.defaults.unit, panel.title).toMatch(/\S/);
      for (const { expr } of panel.targets) {
        expect(expr, panel.title).not.toMatch(/\[\d+[smh]\]/);
        if (expr.includes('rate(')) expect(expr, panel.title).toContain('[$__rate_interval]');
        for (const selector of expr.match(/aura_\w+\{[^}]*\}/g) ?? []) expect(selector, panel.title).toContain('instance=~"$instance"');
      }
    }
    const used = dashboardExpressions(dashboard).flatMap((e) => metricNamesIn(e));
    expect(used.length).toBeGreaterThan(5);
    for (const name of used) expect(exposed, `${name} is on the dashboard but no node exposes it`).toContain(name);
  });
});
