/**
 * `npm run edge -- [--port 8787] [--blobs ./blobs] [--signaling-port 8788] [--backend auto|gpu|cpu]`
 * Starts the edge node: the runtime on Dawn behind HTTP, the L3 blob store and WebRTC signaling.
 */
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { filePlanStore } from '../pipeline/plan-store';
import { createAura, type AuraOptions } from '../runtime/create-aura';
import { startEdgeNode } from './edge-node';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    blobs: { type: 'string', default: 'edge-data/blobs' },
    'signaling-port': { type: 'string', default: '8788' },
    backend: { type: 'string', default: 'auto' },
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
const node = await startEdgeNode({ aura, port: Number(values.port), host: values.host, blobDir: values.blobs, signalingPort: Number(values['signaling-port']) });
console.log(`edge node on ${node.url} (POST /infer, GET /metrics, GET /health, /blobs/<sha256>); signaling on ${node.signalingUrl}`);
console.log(`adapter: ${aura.adapter.vendor} ${aura.adapter.architecture}${aura.adapter.isFallback ? ' (fallback)' : ''}`);
const stop = async () => {
  await node.close();
  await aura.destroy();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
