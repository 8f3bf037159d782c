import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Aura } from '../runtime/create-aura';
import { handleBlobRequest } from './blob-server';
import { readJsonBody, sendError, sendJson } from './http-json';
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
}

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
 *   /blobs/<sha256> the memory service's remote tier (GET, PUT)
 * and a WebSocket signaling relay for WebRTC peers.
 */
export async function startEdgeNode(options: EdgeNodeOptions): Promise<EdgeNode> {
  const { aura } = options;
  const maxBody = options.maxBodyBytes ?? 2 ** 20;
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://edge').pathname;
    try {
      if (path.startsWith('/blobs/') && options.blobDir) {
        await handleBlobRequest(options.blobDir, req, res);
      } else if (path === '/infer' && req.method === 'POST') {
        const body = (await readJsonBody(req, maxBody)) as Record<string, unknown>;
        // Only data crosses the boundary: a signal or any other live object cannot come over HTTP.
        sendJson(res, 200, await aura.infer({ id: body?.id as string | undefined, text: body?.text as string | undefined, series: body?.series as number[] | undefined, timeoutMs: body?.timeoutMs as number | undefined }));
      } else if (path === '/metrics' && req.method === 'GET') {
        const text = aura.metrics();
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(text);
      } else if (path === '/health' && req.method === 'GET') {
        sendJson(res, 200, { status: 'ok', adapter: aura.adapter, plan: aura.plan });
      } else {
        sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `no route ${req.method} ${path}`, hint: 'use POST /infer, GET /metrics, GET /health or /blobs/<sha256>' } });
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
