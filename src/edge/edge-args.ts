import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InvalidInputError } from '../errors';
import type { BackendChoice } from '../core/plan';
import { SERVICE_NAMES, type ServiceName } from '../core/names';

/** Where a node keeps its state (the memory's LMDB database, blobs, plans), and how it serves; read from `npm run edge -- …` arguments. */
export interface EdgeConfig {
  port: number;
  host: string;
  /** The node's folder: the memory database, blobs and backend plans live under it (default edge-data/). */
  dataDir: string;
  /** The blob folder served on /blobs (default <data>/blobs). */
  blobDir: string;
  /** The backend plans, measured once per adapter and model (always <data>/backend-plans.json). */
  planFile: string;
  signalingPort?: number;
  backend: BackendChoice;
  services?: ServiceName[];
  blobToken?: string;
  /** Base URL of the L3 blob store the memory service uploads to (its /blobs/<sha256>); none by default. */
  remote?: string;
  blobOrigins: string[];
  maxBlobBytes: number;
  /** redis://host:port of the memory's shared hot tier (Redis); none by default. */
  redis?: string;
  /** nats://host:port of the event stream (JetStream); none by default. */
  nats?: string;
  /** postgres://… of the memory's shared durable store (PostgreSQL); none by default. */
  postgres?: string;
  /** The node's name in its events (default host:port). */
  nodeName?: string;
  /** Consensus peer (--consensus-roster given): this node joins the roster's PBFT group over WebRTC. */
  consensus?: EdgeConsensusConfig;
}

export interface EdgeConsensusConfig {
  /** The signed roster file: every member's public key, each member's signature. */
  rosterFile: string;
  /** The node's Ed25519 key file, made on first start (default <data>/consensus-key.json). */
  keyFile: string;
  /** The signaling relay (default: this node's own, ws://<host>:<signaling-port>/). */
  signalingUrl: string;
  /** Signaling room (default: the roster's group). */
  room?: string;
}

/** Parses the edge node's arguments; a bad value is an InvalidInputError naming the flag. */
export function parseEdgeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): EdgeConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string', default: 'edge-data' },
      blobs: { type: 'string' },
      'signaling-port': { type: 'string', default: '8788' },
      backend: { type: 'string', default: 'auto' },
      services: { type: 'string' },
      'blob-token': { type: 'string', default: env.AURA_BLOB_TOKEN },
      'blob-origin': { type: 'string', default: '' },
      remote: { type: 'string' },
      redis: { type: 'string' },
      nats: { type: 'string' },
      postgres: { type: 'string' },
      'node-name': { type: 'string' },
      'consensus-roster': { type: 'string' },
      'consensus-key': { type: 'string' },
      'consensus-signaling': { type: 'string' },
      'consensus-room': { type: 'string' },
      'max-blob-bytes': { type: 'string', default: String(16 * 1024 * 1024) },
    },
    allowPositionals: true,
  });
  const dataDir = values.data!;
  const signaling = port('--signaling-port', values['signaling-port']!, true);
  return {
    port: port('--port', values.port!, false)!,
    host: values.host!,
    dataDir,
    blobDir: values.blobs ?? join(dataDir, 'blobs'),
    planFile: join(dataDir, 'backend-plans.json'),
    signalingPort: signaling,
    backend: backendChoice(values.backend!),
    services: values.services === undefined ? undefined : serviceList(values.services),
    blobToken: values['blob-token'] || undefined,
    remote: values.remote === undefined ? undefined : httpUrl('--remote', values.remote),
    blobOrigins: values['blob-origin']!.split(',').filter(Boolean),
    maxBlobBytes: integer('--max-blob-bytes', values['max-blob-bytes']!, 1, 2 ** 31),
    redis: values.redis === undefined ? undefined : redisUrl(values.redis),
    nats: values.nats === undefined ? undefined : natsUrl(values.nats),
    postgres: values.postgres === undefined ? undefined : postgresUrl(values.postgres),
    nodeName: values['node-name'],
    consensus: consensusConfig(values, dataDir, values.host!, signaling),
  };
}

function consensusConfig(values: Record<string, string | boolean | undefined>, dataDir: string, host: string, signalingPort: number | undefined): EdgeConsensusConfig | undefined {
  const roster = values['consensus-roster'] as string | undefined;
  const others = ['consensus-key', 'consensus-signaling', 'consensus-room'].filter((k) => values[k] !== undefined);
  if (roster === undefined) {
    if (others.length) throw new InvalidInputError(`--${others[0]} without --consensus-roster`, 'pass --consensus-roster FILE (the signed roster) to make this node a consensus peer');
    return undefined;
  }
  const given = values['consensus-signaling'] as string | undefined;
  if (given === undefined && signalingPort === undefined) throw new InvalidInputError('--consensus-roster with --signaling-port off and no --consensus-signaling', 'name the relay: --consensus-signaling ws://host:port/, or keep this node\'s own (--signaling-port N)');
  const signalingUrl = given ?? `ws://${host}:${signalingPort}/`;
  if (!/^wss?:\/\/[^/]+/.test(signalingUrl)) throw new InvalidInputError(`--consensus-signaling is '${signalingUrl}'`, 'pass a WebSocket URL such as ws://127.0.0.1:8788/');
  const room = values['consensus-room'] as string | undefined;
  if (room !== undefined && !/^[\w.:-]{1,64}$/.test(room)) throw new InvalidInputError(`--consensus-room is '${room}'`, 'a room is 1-64 word characters (letters, digits, _ . : -)');
  return { rosterFile: roster, keyFile: (values['consensus-key'] as string | undefined) ?? join(dataDir, 'consensus-key.json'), signalingUrl, room };
}

/** Makes the node's folders before anything writes into them (a first start with a new --data or --blobs). */
export function prepareDataDirs(config: EdgeConfig): void {
  mkdirSync(config.dataDir, { recursive: true });
  mkdirSync(config.blobDir, { recursive: true });
}

function port(flag: string, text: string, offAllowed: boolean): number | undefined {
  if (offAllowed && text === 'off') return undefined;
  return integer(flag, text, 0, 65535);
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidInputError(`${flag} is '${text}'`, `pass an integer from ${min} to ${max}`);
  return n;
}

function serviceList(text: string): ServiceName[] {
  const names = text.split(',').filter(Boolean);
  for (const name of names) {
    if (!(SERVICE_NAMES as readonly string[]).includes(name)) throw new InvalidInputError(`--services names '${name}'`, `services are ${SERVICE_NAMES.join(', ')}`);
  }
  return names as ServiceName[];
}

function backendChoice(text: string): BackendChoice {
  if (text !== 'auto' && text !== 'gpu' && text !== 'cpu') throw new InvalidInputError(`--backend is '${text}'`, 'pass auto, gpu or cpu');
  return text;
}

function httpUrl(flag: string, text: string): string {
  if (!/^https?:\/\/[^/]+/.test(text)) throw new InvalidInputError(`${flag} is '${text}'`, 'pass an http(s) URL such as http://127.0.0.1:8080');
  return text;
}

function redisUrl(text: string): string {
  if (!/^rediss?:\/\/[^/]+/.test(text)) throw new InvalidInputError(`--redis is '${text}'`, 'pass a Redis URL such as redis://127.0.0.1:6379');
  return text;
}

function natsUrl(text: string): string {
  if (!/^(nats|tls):\/\/[^/]+/.test(text)) throw new InvalidInputError(`--nats is '${text}'`, 'pass a NATS URL such as nats://127.0.0.1:4222');
  return text;
}

function postgresUrl(text: string): string {
  if (!/^postgres(ql)?:\/\/[^/]+/.test(text)) throw new InvalidInputError(`--postgres is '${text}'`, 'pass a PostgreSQL URL such as postgres://aura@127.0.0.1:5432/aura');
  return text;
}
