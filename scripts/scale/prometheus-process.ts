import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PROMETHEUS = process.env.AURA_PROMETHEUS ?? '/usr/bin/prometheus';

export interface PrometheusProcess {
  url: string;
  /** Runs an instant PromQL query through the HTTP API; the result vector. */
  query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  log(): string;
  stop(): Promise<void>;
}

/** prometheus.yml scraping edge nodes at /metrics (job aura-edge). */
export function prometheusConfig(targets: readonly string[], scrapeInterval = '1s'): string {
  return `global:
  scrape_interval: ${scrapeInterval}
  evaluation_interval: ${scrapeInterval}
scrape_configs:
  - job_name: aura-edge
    metrics_path: /metrics
    static_configs:
      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]
`;
}

/** Starts Debian's Prometheus on `listen` (host:port) with its data under `dir`, scraping `targets`; waits until /-/ready. */
export async function startPrometheus(dir: string, listen: string, targets: readonly string[], readyMs = 60_000): Promise<PrometheusProcess> {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, prometheusConfig(targets));
  const child = spawn(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=${listen}`, '--log.level=warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://${listen}`;
  const started = Date.now();
  for (;;) {
    if (spawnError) throw new Error(`${PROMETHEUS} did not start (${spawnError.message}): run npm run setup:system`);
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}):\n${output}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() - started > readyMs) {
      child.kill('SIGKILL');
      throw new Error(`prometheus was not ready within ${readyMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    async query(promql) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as { status: string; error?: string; data?: { resultType: string; result: never } };
      if (body.status !== 'success') throw new Error(`PromQL ${promql} failed: ${body.error}`);
      if (body.data!.resultType !== 'vector') throw new Error(`PromQL ${promql} gave a ${body.data!.resultType}, not a vector`);
      return body.data!.result;
    },
    log: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
