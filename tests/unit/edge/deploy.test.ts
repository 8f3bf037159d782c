import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { parseAllDocuments, parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEPLOY_DIR, EDGE_PORT, EDGE_SERVICES, GENERATED } from '../../../scripts/scale/deploy-config';
import { NGINX, BLOB_PUT_JS } from '../../../scripts/scale/nginx-process';

// No Docker daemon and no Kubernetes API server here: the manifests are checked against the
// Kubernetes OpenAPI schemas (kubernetes-models), the compose file's references against the tree,
// and the generated nginx and Prometheus files with nginx -t and promtool check config.
const ROOT = resolve(DEPLOY_DIR, '..');
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: never; data?: Record<string, string> };
const manifests: Manifest[] = readdirSync(join(DEPLOY_DIR, 'k8s'))
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(readFileSync(join(DEPLOY_DIR, 'k8s', f), 'utf8')).map((d) => d.toJS() as Manifest));
const find = (kind: string) => manifests.find((m) => m.kind === kind) as never as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('every manifest validates against the Kubernetes schemas; a wrong field type is caught', () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Service']);
    for (const m of manifests) {
      const Model = MODELS[`${m.apiVersion}/${m.kind}`];
      expect(Model, `${m.apiVersion} ${m.kind}`).toBeDefined();
      expect(() => new Model(m as never).validate(), m.kind).not.toThrow();
    }
    const broken = structuredClone(find('Deployment'));
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'eighty';
    expect(() => new Deployment(broken as never).validate()).toThrow(/containerPort/);
  });

  it('readiness on /health at the container port; Service, HPA, volume and roster point at what exists', () => {
    const deployment = find('Deployment');
    const pod = deployment.spec.template;
    const container = pod.spec.containers[0];
    expect(container.ports[0].containerPort).toBe(EDGE_PORT);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health', port: container.ports[0].name });
    expect(deployment.spec.selector.matchLabels).toEqual(pod.metadata.labels);
    const service = find('Service');
    expect(service.spec.selector).toEqual(pod.metadata.labels);
    expect(service.spec.ports[0].targetPort).toBe(container.ports[0].name);
    const hpa = find('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    const mounts = Object.fromEntries(container.volumeMounts.map((m: { name: string; mountPath: string }) => [m.mountPath, m.name]));
    const volumes = Object.fromEntries(pod.spec.volumes.map((v: { name: string }) => [v.name, v]));
    expect(volumes[mounts['/data']].ephemeral.volumeClaimTemplate.spec.accessModes).toEqual(['ReadWriteOnce']);
    const roster = find('ConfigMap');
    expect(volumes[mounts['/etc/aura']].configMap.name).toBe(roster.metadata.name);
    expect(JSON.parse(roster.data['roster.json']).roster).toMatchObject({ group: expect.any(String), version: 1, members: expect.any(Array) });
    // The image's entrypoint takes --data /data (deploy/Dockerfile).
    expect(readFileSync(join(DEPLOY_DIR, 'Dockerfile'), 'utf8')).toMatch(/"--data", "\/data"/);
  });
});

describe('compose (deploy/compose.yaml)', () => {
  const compose = parse(readFileSync(join(DEPLOY_DIR, 'compose.yaml'), 'utf8'), { merge: true });
  const services: Record<string, any> = compose.services; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('3 edge nodes, nginx, Prometheus and Grafana; every image has a fixed tag; mounted files and build inputs exist', () => {
    expect(Object.keys(services).sort()).toEqual([...EDGE_SERVICES, 'grafana', 'nginx', 'prometheus'].sort());
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, name).toMatch(/^[a-z0-9./-]+:v?[0-9][\w.-]*$/); // a version, never latest
      for (const volume of (s.volumes ?? []) as string[]) {
        const [source] = volume.split(':');
        if (source.startsWith('.')) expect(existsSync(resolve(DEPLOY_DIR, source)), `${name}: ${source}`).toBe(true);
        else expect(Object.keys(compose.volumes), `${name}: volume ${source}`).toContain(source);
      }
    }
    for (const name of EDGE_SERVICES) {
      const build = services[name].build;
      const context = resolve(DEPLOY_DIR, build.context);
      const dockerfile = readFileSync(join(context, build.dockerfile), 'utf8');
      for (const [, sources] of dockerfile.matchAll(/^COPY (.+) \S+$/gm)) for (const source of sources.split(' ')) expect(existsSync(join(context, source)), source).toBe(true);
      expect(services[name].command).toContain('http://nginx:8081');
    }
    const hostPorts = Object.values(services).flatMap((s) => (s.ports ?? []).map((p: string) => p.split(':')[0]));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  it('the generated nginx and Prometheus files are current, and nginx -t and promtool check config accept them', () => {
    for (const [file, make] of Object.entries(GENERATED)) expect(readFileSync(join(DEPLOY_DIR, file), 'utf8'), `${file}: run vite-node scripts/scale/write-deploy-config.ts`).toBe(make());
    const prom = spawnSync('/usr/bin/promtool', ['check', 'config', join(DEPLOY_DIR, 'prometheus/prometheus.yml')], { encoding: 'utf8' });
    expect(prom.status, prom.stdout + prom.stderr).toBe(0);
    // nginx -t on the template as the container fills it in, with this machine's paths and loopback for the service names.
    const dir = mkdtempSync(join(tmpdir(), 'aura-deploy-nginx-'));
    try {
      let text = readFileSync(join(DEPLOY_DIR, 'nginx/nginx.conf.template'), 'utf8')
        .replaceAll('${AURA_BLOB_TOKEN}', 'token')
        .replaceAll('/var/cache/nginx/aura', dir)
        .replaceAll('/etc/nginx/aura/blob-put.js', BLOB_PUT_JS)
        .replace(/^user nginx;$/m, process.getuid?.() === 0 ? 'user root;' : '');
      for (const s of EDGE_SERVICES) text = text.replaceAll(`${s}:`, '127.0.0.1:');
      text = text.replace('listen 0.0.0.0:80;', 'listen 127.0.0.1:41798;').replace('listen 0.0.0.0:8081;', 'listen 127.0.0.1:41799;');
      writeFileSync(join(dir, 'nginx.conf'), text);
      const check = spawnSync(NGINX, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'], { encoding: 'utf8' });
      expect(check.status, check.stderr).toBe(0);
      expect(check.stderr).toMatch(/syntax is ok/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Grafana loads the dashboard from where compose mounts it.
    const provider = parse(readFileSync(join(DEPLOY_DIR, 'grafana/provisioning/dashboards/aura.yaml'), 'utf8'));
    const mount = (services.grafana.volumes as string[]).find((v) => v.includes('grafana-dashboard.json'))!;
    expect(dirname(mount.split(':')[1])).toBe(provider.providers[0].options.path);
    expect(existsSync(resolve(DEPLOY_DIR, mount.split(':')[0]))).toBe(true);
    expect(ROOT).toBe(resolve(DEPLOY_DIR, services['edge-1'].build.context));
  });
});
