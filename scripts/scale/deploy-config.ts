/**
 * The configuration files of deploy/compose.yaml, made by the same functions the scale tests run:
 * `vite-node scripts/scale/write-deploy-config.ts` rewrites them; tests/unit/edge/deploy.test.ts checks they are current.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nginxConfig } from './nginx-config';
import { prometheusConfig } from './prometheus-process';

export const EDGE_SERVICES = ['edge-1', 'edge-2', 'edge-3'];
export const EDGE_PORT = 8787;
export const DEPLOY_DIR = join(import.meta.dirname, '..', '..', 'deploy');

/** nginx in compose: the balancer on :80, the L3 store on :8081; ${AURA_BLOB_TOKEN} is filled in by envsubst at start. */
export function composeNginxTemplate(): string {
  return nginxConfig({
    prefix: '/var/cache/nginx/aura',
    njsScript: '/etc/nginx/aura/blob-put.js',
    workerUser: 'nginx',
    blobStore: { listen: '0.0.0.0:8081', root: '/srv/blobs', token: '${AURA_BLOB_TOKEN}', verify: 'njs' },
    balancer: { listen: '0.0.0.0:80', upstreams: EDGE_SERVICES.map((s) => `${s}:${EDGE_PORT}`) },
  });
}

export function composePrometheusConfig(): string {
  return prometheusConfig(EDGE_SERVICES.map((s) => `${s}:${EDGE_PORT}`), '15s');
}

export const GENERATED: Record<string, () => string> = {
  'nginx/nginx.conf.template': composeNginxTemplate,
  'prometheus/prometheus.yml': composePrometheusConfig,
};

export function writeDeployConfig(): void {
  for (const [file, make] of Object.entries(GENERATED)) writeFileSync(join(DEPLOY_DIR, file), make());
}
