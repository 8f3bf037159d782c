/**
 * `npm run bench:scale -- [--duration 10] [--connections 16]`: autocannon against 1 node and against
 * 3 nodes, both behind the same nginx round-robin balancer (loopback, CPU backend), then 1 node
 * without nginx. Prints a markdown table and writes bench/results/scale.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startCluster } from './cluster';
import { loadTest, type LoadResult } from './load';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '16' } } });
const duration = Number(values.duration);
const connections = Number(values.connections);
const rows: Array<LoadResult & { setup: string }> = [];
for (const nodes of [1, 3]) {
  const root = mkdtempSync(join(tmpdir(), `aura-bench-scale-${nodes}-`));
  const cluster = await startCluster({ root, basePort: 41780, nodes });
  try {
    await loadTest(cluster.balancerUrl, 2, connections); // warm-up, not reported
    rows.push({ setup: `${nodes} node${nodes > 1 ? 's' : ''} behind nginx`, ...(await loadTest(cluster.balancerUrl, duration, connections)) });
    if (nodes === 1) rows.push({ setup: '1 node, direct', ...(await loadTest(cluster.nodes[0].url, duration, connections)) });
  } finally {
    await cluster.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
const machine = `${cpus().length}-core ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, CPU backend`;
console.log(`\n${machine}; ${duration} s per run, ${connections} connections, POST /infer (40-step series: LNN + SNN)\n`);
console.log('| setup | requests | requests/s | p50 | p99 | non-2xx | errors |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.setup} | ${r.requests} | ${r.requestsPerSecond.toFixed(1)} | ${r.p50Ms} ms | ${r.p99Ms} ms | ${r.non2xx} | ${r.errors} |`);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/scale.json', JSON.stringify({ machine, at: new Date().toISOString(), duration, connections, rows }, null, 2) + '\n');
