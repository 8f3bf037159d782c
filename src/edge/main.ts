/**
 * `npm run edge -- [--port 8787] [--data edge-data] [--blobs <data>/blobs] [--signaling-port 8788|off]
 *                  [--backend auto|gpu|cpu] [--services lnn,neuromorphic,…] [--remote http://store]
 *                  [--blob-token T] [--blob-origin http://localhost:5173,…] [--max-blob-bytes N]
 *                  [--redis redis://127.0.0.1:6379] [--nats nats://127.0.0.1:4222] [--node-name edge-1]
 *                  [--postgres postgres://aura@127.0.0.1:5432/aura]
 *                  [--consensus-roster roster.json [--consensus-key <data>/consensus-key.json]
 *                   [--consensus-signaling ws://host:port/] [--consensus-room NAME]]`
 * Starts the edge node: the runtime on Dawn behind HTTP, the L3 blob store and WebRTC signaling.
 * --data is the node's folder (made on first start): the memory's LMDB database, blobs and backend
 * plans live under it. --remote names the L3 blob store the memory uploads to (with the blob token).
 * Blob uploads need the token (--blob-token, or the AURA_BLOB_TOKEN environment variable); without
 * one the node serves blobs read-only. --redis puts a shared hot tier (Redis) in front of the memory;
 * --postgres keeps every memory write and its relations in PostgreSQL (migrated at start);
 * --consensus-roster makes the node a replica of the roster's PBFT group (browser tabs and other nodes,
 * over WebRTC through the signaling relay); the runtime's consensus stage then agrees through that group.
 * --nats publishes every inference and memory write to the JetStream stream AURA_EVENTS before answering. Pages of the --blob-origin origins may use /blobs across origins.
 */
import { filePlanStore } from '../runtime/plan-store';
import { createAura } from '../runtime/create-aura';
import { parseEdgeArgs, prepareDataDirs } from './edge-args';
import { startEdgeNode } from './edge-node';
import { lmdbStore } from './lmdb-tier';
import { RedisHotTier } from './redis-hot-tier';
import { EventStream } from './event-stream';
import { PgMemoryStore } from './pg-memory-store';
import { loadOrCreateKeyFile } from './consensus-key';
import { startConsensusPeer } from './consensus-peer';
import { readRosterFile } from './roster-file';

const config = parseEdgeArgs(process.argv.slice(2));
prepareDataDirs(config);
const peer = config.consensus ? await startConsensusPeer({
  identity: await loadOrCreateKeyFile(config.consensus.keyFile),
  signed: readRosterFile(config.consensus.rosterFile),
  signalingUrl: config.consensus.signalingUrl,
  room: config.consensus.room,
  host: config.host,
}) : undefined;
if (peer) console.log(`consensus peer: replica ${peer.id} of ${peer.roster.members.length} in group ${peer.roster.group}, signaling ${config.consensus!.signalingUrl}`);
const postgres = config.postgres ? await PgMemoryStore.open(config.postgres) : undefined;
const aura = await createAura({
  backend: config.backend,
  services: config.services,
  // A consensus peer: the pipeline's consensus stage agrees through the roster's group (tabs and nodes).
  consensus: peer?.service,
  // The memory service's L2 in an embedded database under --data; L3 at --remote, where given.
  memory: { l2Store: lmdbStore(config.dataDir), remote: config.remote ? { baseUrl: config.remote, token: config.blobToken } : undefined },
  // The plan is measured once per adapter and model, then read from PostgreSQL (shared by the nodes) or this file.
  planStore: postgres ? postgres.planStore() : filePlanStore(config.planFile),
  onProgress: (e) => console.log(`[${e.stage}] ${e.message}`),
});
const redis = config.redis ? await RedisHotTier.connect({ url: config.redis }) : undefined;
const events = config.nats ? await EventStream.connect({ url: config.nats }) : undefined;
const node = await startEdgeNode({
  aura,
  redis,
  events,
  postgres,
  nodeName: config.nodeName,
  port: config.port,
  host: config.host,
  blobDir: config.blobDir,
  blobToken: config.blobToken,
  blobOrigins: config.blobOrigins,
  maxBlobBytes: config.maxBlobBytes,
  signalingPort: config.signalingPort,
  consensus: peer,
});
if (!config.blobToken) console.log('blob uploads are off: pass --blob-token (or set AURA_BLOB_TOKEN) to accept PUT /blobs/<sha256>');
console.log(`edge node on ${node.url} (POST /infer, GET /metrics, GET /health, /blobs/<sha256>); data in ${config.dataDir}${node.signalingUrl ? `; signaling on ${node.signalingUrl}` : ''}`);
console.log(`adapter: ${aura.adapter.vendor} ${aura.adapter.architecture}${aura.adapter.isFallback ? ' (fallback)' : ''}`);
const stop = async () => {
  await node.close();
  await redis?.close();
  await events?.close();
  await postgres?.close();
  await aura.destroy();
  await peer?.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
