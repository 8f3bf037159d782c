import type { IncomingMessage, ServerResponse } from 'node:http';
import { version } from '../../package.json';
import { MetricsRegistry } from '../metrics/registry';

/** What `aura_build_info` says about this node (value 1). */
export interface BuildInfo {
  version: string;
  /** The source revision, from AURA_REVISION where the deployment sets it. */
  revision: string;
  /** The JavaScript runtime, e.g. node v20.20.2. */
  runtime: string;
}

export function nodeBuildInfo(env: NodeJS.ProcessEnv = process.env): BuildInfo {
  return { version, revision: env.AURA_REVISION || 'unknown', runtime: `node ${process.version}` };
}

/** The routes whose requests are counted by name; any other path counts as "other" (bounded label values). */
function routeOf(path: string): string {
  if (path === '/infer' || path === '/metrics' || path === '/health') return path;
  return path.startsWith('/blobs/') ? '/blobs' : 'other';
}

/**
 * The edge node's own metrics, served on /metrics after the runtime's: HTTP requests by route,
 * method and status code, their duration, and the build.
 */
export class EdgeMetrics {
  readonly registry = new MetricsRegistry();
  private readonly requests = this.registry.counter('aura_http_requests_total', 'HTTP requests answered, by route, method and status code');
  private readonly duration = this.registry.histogram('aura_http_request_duration_seconds', 'HTTP request duration from arrival to the last byte sent, seconds');

  constructor(build: BuildInfo) {
    this.registry.gauge('aura_build_info', 'The build this node runs (value 1)').set({ ...build }, 1);
  }

  /** Counts `res` by its status once it is sent (or the connection closes). */
  track(req: IncomingMessage, res: ServerResponse, path: string): void {
    const started = performance.now();
    res.once('close', () => {
      const route = routeOf(path);
      const method = ['GET', 'PUT', 'POST', 'OPTIONS', 'HEAD'].includes(req.method ?? '') ? req.method! : 'other';
      this.requests.inc({ route, method, code: String(res.statusCode) });
      this.duration.observe((performance.now() - started) / 1000, { route });
    });
  }

  expose(): string {
    return this.registry.expose();
  }
}
