import { createServer, type Server } from 'node:http';
import { EDGE_HEADERS } from '../core/isolation';
import type { AddressInfo } from 'node:net';
import type { Aura } from '../runtime/create-aura';
import { handleBlobRequest, type BlobServerOptions } from './blob-server';
import { EdgeMetrics, nodeBuildInfo, type BuildInfo } from './edge-metrics';
import { readJsonBody, sendError, sendJson, sendProblem } from './http-json';
import { parseInferBody } from './infer-body';
import { handleMemoryRequest } from './memory-routes';
import type { RedisHotTier } from './redis-hot-tier';
import { inferenceEvent } from './event-schema';
import type { EventStream } from './event-stream';
import type { PgMemoryStore } from './pg-memory-store';
import { startSignalingServer, type SignalingServer } from './signaling';

export interface EdgeNodeOptions {
  aura: Aura;
  port?: number;
  host?: string;
  /** Serves the memory service's L3 tier (content-addressed blobs) from this folder. */
  blobDir?: string;
  /** Starts the WebRTC signaling relay on its own port (0: any free one). */
  signalingPort?: number;
  maxBodyBytes?: number;
  /** Bearer token blob PUTs must carry; without one the node takes no uploads. */
  blobToken?: string;
  /** Origins whose pages may use /blobs across origins (CORS); none by default. */
  blobOrigins?: readonly string[];
  /** Largest blob a PUT may upload (default 16 MiB). */
  maxBlobBytes?: number;
  /** What aura_build_info reports (default: package.json's version, AURA_REVISION, this Node). */
  build?: BuildInfo;
  /** The shared hot tier (Redis) in front of the node's memory; serves /memory (see memory-routes.ts). */
  redis?: RedisHotTier;
  /** Every inference and memory write goes to this stream before the node answers (see event-stream.ts). */
  events?: EventStream;
  /** The shared durable store (PostgreSQL) behind the node's memory. */
  postgres?: PgMemoryStore;
  /** The node's name in its events (default its URL). */
  nodeName?: string;
  /** This node's consensus peer (see consensus-peer.ts): GET /consensus reports its status and latest decisions. */
  consensus?: { status(): unknown; decisions(): string[] };
}

/** The methods each route answers; another method gets 405 with `Allow`. */
const ROUTES: Record<string, string> = { '/infer': 'POST', '/metrics': 'GET', '/health': 'GET', '/consensus': 'GET' };

export interface EdgeNode {
  url: string;
  signalingUrl?: string;
  close(): Promise<void>;
}

/**
 * The edge node: the same runtime in Node (kernels on Dawn), over HTTP.
 *   POST /infer     a request as JSON → the UnifiedResponse
 *   GET  /metrics   Prometheus text
 *   GET  /health    adapter and backend plan
 *   /blobs/<sha256> the memory service's remote tier (GET; PUT with the blob token set at start)
 *   GET  /consensus this node's consensus peer (status, latest decisions), when it is one
 * Errors are JSON ({ error: { code, message, hint } }); a known path with another method is 405 with `Allow`.
 * and a WebSocket signaling relay for WebRTC peers.
 */
export async function startEdgeNode(options: EdgeNodeOptions): Promise<EdgeNode> {
  const { aura } = options;
  const maxBody = options.maxBodyBytes ?? 2 ** 20;
  const blobs: BlobServerOptions | undefined = options.blobDir
    ? { dir: options.blobDir, token: options.blobToken, allowOrigins: options.blobOrigins, maxBlobBytes: options.maxBlobBytes }
    : undefined;
  let nodeName = options.nodeName ?? '';
  const edgeMetrics = new EdgeMetrics(options.build ?? nodeBuildInfo());
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://edge').pathname;
    for (const [name, value] of Object.entries(EDGE_HEADERS)) res.setHeader(name, value);
    edgeMetrics.track(req, res, path);
    try {
      const allowed = ROUTES[path];
      if (path.startsWith('/blobs/') && blobs) {
        await handleBlobRequest(blobs, req, res);
      } else if ((path === '/memory' || path.startsWith('/memory/')) && aura.services.memory) {
        await handleMemoryRequest({ memory: aura.services.memory, hot: options.redis, events: options.events, durable: options.postgres, node: nodeName }, req, res, path, maxBody);
      } else if (allowed && req.method !== allowed) {
        res.setHeader('allow', allowed);
        sendProblem(res, 405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}`, `use ${allowed} ${path}`);
      } else if (path === '/infer') {
        const response = await aura.infer(parseInferBody(await readJsonBody(req, maxBody)));
        // At least once: answered only after the stream has stored the event (a failure is a 503).
        await options.events?.publish(inferenceEvent(nodeName, response));
        sendJson(res, 200, response);
      } else if (path === '/metrics') {
        const text = aura.metrics() + edgeMetrics.expose() + (options.redis?.metrics() ?? '') + (options.events?.metrics() ?? '');
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(text);
      } else if (path === '/consensus' && options.consensus) {
        sendJson(res, 200, { status: options.consensus.status(), decisions: options.consensus.decisions() });
      } else if (path === '/health') {
        sendJson(res, 200, { status: 'ok', adapter: aura.adapter, plan: aura.plan, redis: options.redis?.status() });
      } else {
        sendProblem(res, 404, 'NOT_FOUND', `no route ${req.method} ${path}`, `use POST /infer, GET /metrics, GET /health${blobs ? ' or /blobs/<sha256>' : ''}`);
      }
    } catch (error) {
      if (!res.headersSent) sendError(res, error);
      else res.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  nodeName ||= `${options.host ?? '127.0.0.1'}:${port}`;
  let signaling: SignalingServer | undefined;
  if (options.signalingPort !== undefined) signaling = await startSignalingServer({ port: options.signalingPort, host: options.host });
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    signalingUrl: signaling?.url,
    async close() {
      await signaling?.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
