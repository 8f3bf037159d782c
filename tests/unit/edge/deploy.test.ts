import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { parseAllDocuments, parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEPLOY_DIR, EDGE_PORT, EDGE_SERVICES, GENERATED } from '../../../scripts/scale/deploy-config';
import { NGINX, BLOB_PUT_JS } from '../../../scripts/scale/nginx-process';
import { NATS_SERVER } from '../../../scripts/scale/nats-process';
import { parseEdgeArgs } from '../../../src/edge/edge-args';

// No Docker daemon and no Kubernetes API server here: the manifests are checked against the
// Kubernetes OpenAPI schemas (kubernetes-models), the compose file's references against the tree and the
// edge nodes' args against the real parser (parseEdgeArgs), nats.conf with nats-server -t,
// and the generated nginx and Prometheus files with nginx -t and promtool check config.
const ROOT = resolve(DEPLOY_DIR, '..');
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: never; data?: Record<string, string> };
const manifests: Manifest[] = readdirSync(join(DEPLOY_DIR, 'k8s'))
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(readFileSync(join(DEPLOY_DIR, 'k8s', f), 'utf8')).map((d) => d.toJS() as Manifest));
const find = (kind: string, name: string) => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  expect(found, `${kind} ${name}`).toBeDefined();
  return found as never as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};
const NATS_CONF = readFileSync(join(DEPLOY_DIR, 'nats/nats.conf'), 'utf8');
/** What the image's ENTRYPOINT passes the node before the container's own args (deploy/Dockerfile). */
const ENTRYPOINT_ARGS: string[] = (() => {
  const entrypoint = JSON.parse(/^ENTRYPOINT (\[.+\])$/m.exec(readFileSync(join(DEPLOY_DIR, 'Dockerfile'), 'utf8'))![1]) as string[];
  return entrypoint.slice(entrypoint.indexOf('--') + 1);
})();

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('every manifest validates against the Kubernetes schemas; a wrong field type is caught', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'ConfigMap/aura-nats', 'ConfigMap/aura-roster', 'Deployment/aura-edge', 'Deployment/aura-redis', 'HorizontalPodAutoscaler/aura-edge',
      'Service/aura-edge', 'Service/aura-nats', 'Service/aura-postgres', 'Service/aura-redis', 'StatefulSet/aura-nats', 'StatefulSet/aura-postgres',
    ]);
    for (const m of manifests) {
      const Model = MODELS[`${m.apiVersion}/${m.kind}`];
      expect(Model, `${m.apiVersion} ${m.kind}`).toBeDefined();
      expect(() => new Model(m as never).validate(), m.kind).not.toThrow();
    }
    const broken = structuredClone(find('Deployment', 'aura-edge'));
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'eighty';
    expect(() => new Deployment(broken as never).validate()).toThrow(/containerPort/);
  });

  it('readiness on /health at the container port; Service, HPA, volume and roster point at what exists', () => {
    const deployment = find('Deployment', 'aura-edge');
    const pod = deployment.spec.template;
    const container = pod.spec.containers[0];
    expect(container.ports[0].containerPort).toBe(EDGE_PORT);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health', port: container.ports[0].name });
    expect(deployment.spec.selector.matchLabels).toEqual(pod.metadata.labels);
    const service = find('Service', 'aura-edge');
    expect(service.spec.selector).toEqual(pod.metadata.labels);
    expect(service.spec.ports[0].targetPort).toBe(container.ports[0].name);
    const hpa = find('HorizontalPodAutoscaler', 'aura-edge');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    const mounts = Object.fromEntries(container.volumeMounts.map((m: { name: string; mountPath: string }) => [m.mountPath, m.name]));
    const volumes = Object.fromEntries(pod.spec.volumes.map((v: { name: string }) => [v.name, v]));
    expect(volumes[mounts['/data']].ephemeral.volumeClaimTemplate.spec.accessModes).toEqual(['ReadWriteOnce']);
    const roster = find('ConfigMap', 'aura-roster');
    expect(volumes[mounts['/etc/aura']].configMap.name).toBe(roster.metadata.name);
    expect(JSON.parse(roster.data['roster.json']).roster).toMatchObject({ group: expect.any(String), version: 1, members: expect.any(Array) });
    // The image's entrypoint takes --data /data (deploy/Dockerfile).
    expect(readFileSync(join(DEPLOY_DIR, 'Dockerfile'), 'utf8')).toMatch(/"--data", "\/data"/);
  });

  it('the edge reaches Redis, NATS and PostgreSQL through their Services, with args the real parser accepts', () => {
    const edge = find('Deployment', 'aura-edge').spec.template.spec.containers[0];
    const env: Array<{ name: string; valueFrom?: any }> = edge.env; // eslint-disable-line @typescript-eslint/no-explicit-any
    // Kubernetes expands $(VAR) in args from the container's env; the pod name stands in for the fieldRef.
    const args = (edge.args as string[]).map((a) => a.replace(/\$\((\w+)\)/g, (_, name: string) => {
      const variable = env.find((e) => e.name === name);
      expect(variable?.valueFrom?.fieldRef?.fieldPath, `$(${name})`).toBe('metadata.name');
      return 'aura-edge-7d9f-abcde';
    }));
    const config = parseEdgeArgs([...ENTRYPOINT_ARGS, ...args], {});
    expect(config.nodeName).toBe('aura-edge-7d9f-abcde');
    expect(config.dataDir).toBe('/data');
    const workloads = manifests.filter((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet') as never as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const [flag, url, workload] of [['--redis', config.redis, 'aura-redis'], ['--nats', config.nats, 'aura-nats'], ['--postgres', config.postgres, 'aura-postgres']]) {
      expect(url, flag).toBeDefined();
      const { hostname, port } = new URL(url!);
      const service = find('Service', hostname);
      const servicePort = service.spec.ports.find((p: { port: number }) => p.port === Number(port));
      expect(servicePort, `${flag} ${url}`).toBeDefined();
      const target = workloads.find((w) => w.metadata.name === workload)!;
      expect(service.spec.selector, flag).toEqual(target.spec.template.metadata.labels);
      expect(target.spec.selector.matchLabels).toEqual(target.spec.template.metadata.labels);
      const containerPorts = target.spec.template.spec.containers.flatMap((c: { ports: unknown[] }) => c.ports);
      expect(containerPorts.find((p: { name: string }) => p.name === servicePort.targetPort), flag).toMatchObject({ containerPort: Number(port) });
    }
    expect(config.postgres).not.toMatch(/:[^@/]*@/); // no password in the args: pg reads PGPASSWORD
    const postgres = find('StatefulSet', 'aura-postgres').spec.template.spec.containers[0];
    const secretOf = (list: Array<{ name: string; valueFrom?: any }>, name: string) => list.find((e) => e.name === name)?.valueFrom?.secretKeyRef; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(secretOf(env, 'PGPASSWORD')).toEqual(secretOf(postgres.env, 'POSTGRES_PASSWORD'));
    expect(secretOf(env, 'PGPASSWORD')).toEqual({ name: 'aura-postgres', key: 'password' });
    expect(config.postgres).toMatch(new RegExp(`^postgres://${postgres.env.find((e: { name: string }) => e.name === 'POSTGRES_USER').value}@[^/]+/${postgres.env.find((e: { name: string }) => e.name === 'POSTGRES_DB').value}$`));
    const redisArgs = find('Deployment', 'aura-redis').spec.template.spec.containers[0].args.join(' ');
    expect(redisArgs).toMatch(/--maxmemory \d+mb --maxmemory-policy allkeys-lfu/);
  });

  it('the StatefulSets keep their data on claimed volumes behind headless Services; NATS runs the same config as compose', () => {
    for (const name of ['aura-nats', 'aura-postgres']) {
      const set = find('StatefulSet', name);
      expect(find('Service', set.spec.serviceName).spec.clusterIP, name).toBe('None');
      const mounts = set.spec.template.spec.containers[0].volumeMounts.map((m: { name: string }) => m.name);
      for (const claim of set.spec.volumeClaimTemplates) {
        expect(mounts, name).toContain(claim.metadata.name);
        expect(claim.spec.accessModes).toEqual(['ReadWriteOnce']);
      }
    }
    const nats = find('StatefulSet', 'aura-nats').spec.template.spec;
    const container = nats.containers[0];
    expect(find('ConfigMap', 'aura-nats').data['nats.conf']).toBe(NATS_CONF);
    const configMount = container.volumeMounts.find((m: { name: string }) => nats.volumes.find((v: { name: string; configMap?: { name: string } }) => v.name === m.name)?.configMap?.name === 'aura-nats');
    expect(container.args).toEqual(['-js', '-c', `${configMount.mountPath}/nats.conf`]);
    const dataMount = container.volumeMounts.find((m: { name: string }) => m.name === 'data').mountPath;
    expect(NATS_CONF).toMatch(new RegExp(`store_dir: ${dataMount}\\n`));
    const ports = Object.fromEntries(container.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]));
    expect(NATS_CONF).toMatch(new RegExp(`websocket \\{\\n  port: ${ports.websocket}\\n`));
    expect(NATS_CONF).toMatch(new RegExp(`^port: ${ports.client}$`, 'm'));
    expect(NATS_CONF).toMatch(new RegExp(`^http_port: ${ports.monitor}$`, 'm'));
    expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'monitor' });
  });
});

describe('compose (deploy/compose.yaml)', () => {
  const compose = parse(readFileSync(join(DEPLOY_DIR, 'compose.yaml'), 'utf8'), { merge: true });
  const services: Record<string, any> = compose.services; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('3 edge nodes, nginx, Redis, NATS, PostgreSQL, Prometheus and Grafana; every image has a fixed tag; mounted files and build inputs exist', () => {
    expect(Object.keys(services).sort()).toEqual([...EDGE_SERVICES, 'grafana', 'nats', 'nginx', 'postgres', 'prometheus', 'redis'].sort());
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

  it('each edge node reaches Redis, NATS and PostgreSQL by service name, with args the real parser accepts, after their health checks', () => {
    const names = new Set<string>();
    for (const name of EDGE_SERVICES) {
      const s = services[name];
      const config = parseEdgeArgs([...ENTRYPOINT_ARGS, ...(s.command as string[])], {});
      names.add(config.nodeName!);
      expect(config.remote).toBe('http://nginx:8081');
      expect(new URL(config.redis!)).toMatchObject({ hostname: 'redis', port: '6379' });
      expect(new URL(config.nats!)).toMatchObject({ hostname: 'nats', port: '4222' });
      const pg = new URL(config.postgres!);
      expect(pg).toMatchObject({ hostname: 'postgres', port: '5432', password: '' }); // pg reads PGPASSWORD
      expect(pg.username).toBe(services.postgres.environment.POSTGRES_USER);
      expect(pg.pathname).toBe(`/${services.postgres.environment.POSTGRES_DB}`);
      expect(s.environment.PGPASSWORD).toBe(services.postgres.environment.POSTGRES_PASSWORD);
      for (const [dependency, { condition }] of Object.entries(s.depends_on as Record<string, { condition: string }>)) {
        expect(services[dependency], `${name} depends on ${dependency}`).toBeDefined();
        expect(condition, `${name} → ${dependency}`).toBe(services[dependency].healthcheck ? 'service_healthy' : 'service_started');
      }
      expect(Object.keys(s.depends_on).sort()).toEqual(['nats', 'postgres', 'redis']);
    }
    expect([...names].sort()).toEqual(EDGE_SERVICES);
    expect(services.redis.command.join(' ')).toMatch(/^redis-server --maxmemory \d+mb --maxmemory-policy allkeys-lfu/);
    expect(services.redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(services.postgres.healthcheck.test).toEqual(['CMD', 'pg_isready', '-U', 'aura', '-d', 'aura']);
    expect(services.postgres.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    // NATS: JetStream on the mounted config, which Debian's nats-server 2.9 accepts (-t), its WebSocket port published.
    const mount = (services.nats.volumes as string[]).find((v) => v.startsWith('./nats/'))!.split(':');
    expect(services.nats.command).toEqual(['-js', '-c', mount[1]]);
    const check = spawnSync(NATS_SERVER, ['-c', resolve(DEPLOY_DIR, mount[0]), '-t'], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout + check.stderr).toMatch(/is valid/);
    expect(readFileSync(resolve(DEPLOY_DIR, mount[0]), 'utf8')).toBe(NATS_CONF);
    const ws = /websocket \{\n  port: (\d+)\n/.exec(NATS_CONF)![1];
    expect(services.nats.ports).toContain(`${ws}:${ws}`);
    expect(NATS_CONF).toMatch(new RegExp(`store_dir: ${(services.nats.volumes as string[]).find((v) => v.startsWith('nats-data:'))!.split(':')[1]}\n`));
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
