import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { watchServer } from './server-process';

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
  const server = watchServer(child, 'prometheus');
  const url = `http://${listen}`;
  await server.until(() => fetch(`${url}/-/ready`).then((r) => r.ok, () => false), readyMs, 200);
  return {
    url,
    async query(promql) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as { status: string; error?: string; data?: { resultType: string; result: never } };
      if (body.status !== 'success') throw new Error(`PromQL ${promql} failed: ${body.error}`);
      if (body.data!.resultType !== 'vector') throw new Error(`PromQL ${promql} gave a ${body.data!.resultType}, not a vector`);
      return body.data!.result;
    },
    log: server.output,
    stop: () => server.stop('SIGTERM', 10_000),
  };
}
