/**
 * `npm run edge -- [--port 8787] [--blobs ./blobs] [--signaling-port 8788] [--backend auto|gpu|cpu]
 *                  [--blob-token T] [--blob-origin http://localhost:5173,…] [--max-blob-bytes N]`
 * Starts the edge node: the runtime on Dawn behind HTTP, the L3 blob store and WebRTC signaling.
 * Blob uploads need the token (--blob-token, or the AURA_BLOB_TOKEN environment variable); without
 * one the node serves blobs read-only. Pages of the --blob-origin origins may use /blobs across origins.
 */
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { filePlanStore } from '../runtime/plan-store';
import { createAura, type AuraOptions } from '../runtime/create-aura';
import { startEdgeNode } from './edge-node';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    blobs: { type: 'string', default: 'edge-data/blobs' },
    'signaling-port': { type: 'string', default: '8788' },
    backend: { type: 'string', default: 'auto' },
    'blob-token': { type: 'string', default: process.env.AURA_BLOB_TOKEN },
    'blob-origin': { type: 'string', default: '' },
    'max-blob-bytes': { type: 'string', default: String(16 * 1024 * 1024) },
  },
  allowPositionals: true,
});
mkdirSync(values.blobs!, { recursive: true });
const aura = await createAura({
  backend: values.backend as AuraOptions['backend'],
  // The plan is measured once per adapter and model, then read from this file.
  planStore: filePlanStore('edge-data/backend-plans.json'),
  onProgress: (e) => console.log(`[${e.stage}] ${e.message}`),
});
const node = await startEdgeNode({
  aura,
  port: Number(values.port),
  host: values.host,
  blobDir: values.blobs,
  blobToken: values['blob-token'] || undefined,
  blobOrigins: values['blob-origin']!.split(',').filter(Boolean),
  maxBlobBytes: Number(values['max-blob-bytes']),
  signalingPort: Number(values['signaling-port']),
});
if (!values['blob-token']) console.log('blob uploads are off: pass --blob-token (or set AURA_BLOB_TOKEN) to accept PUT /blobs/<sha256>');
console.log(`edge node on ${node.url} (POST /infer, GET /metrics, GET /health, /blobs/<sha256>); signaling on ${node.signalingUrl}`);
console.log(`adapter: ${aura.adapter.vendor} ${aura.adapter.architecture}${aura.adapter.isFallback ? ' (fallback)' : ''}`);
const stop = async () => {
  await node.close();
  await aura.destroy();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
