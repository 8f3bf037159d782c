import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { InvalidInputError } from '../errors';
import { MemoryNotFoundError } from '../services/memory/errors';
import type { MemoryService } from '../services/memory/memory-service';
import { requireMemoryKey } from '../services/memory/validate';
import { readJsonBody, sendJson, sendProblem } from './http-json';
import type { RedisHotTier } from './redis-hot-tier';
import { memoryWriteEvent } from './event-schema';
import type { EventStream } from './event-stream';
import { DurableStoreError, type PgMemoryStore } from './pg-memory-store';

/**
 * The memory at the edge over HTTP, tier by tier:
 *   POST /memory        {key, data, vector?, series?, conversation?}: stored in the node's memory (LMDB,
 *                       acknowledged once flushed; L3 behind it; a series gets its shape signature), then
 *                       in Redis for every node. `shared` says whether Redis took it.
 *                       With PostgreSQL, acknowledged only once committed there too, with its
 *                       conversation's edges and similar_embedding / similar_shape edges from the
 *                       node's own searches.
 *   GET  /memory/<key>  Redis first (any node's item), then the node's own tiers (L1, LMDB, L3),
 *                       then PostgreSQL (loaded into the node's memory, so its search sees it).
 *   GET  /memory/<key>/neighbours?depth=2   related items, from PostgreSQL's edge table.
 * Without Redis (none configured, or down) both still answer from the node's own tiers.
 */
export interface EdgeMemory {
  memory: MemoryService;
  hot?: RedisHotTier;
  /** Each write's event goes here before the write is acknowledged. */
  events?: EventStream;
  /** The shared durable store (PostgreSQL). */
  durable?: PgMemoryStore;
  node: string;
}

const RememberBody = z.strictObject({
  /** The write's id: its event's de-duplication key (a retry sends the same one); made when absent. */
  id: z.string().min(1).max(200).optional(),
  key: z.string().min(1).max(512),
  data: z.json(),
  vector: z.array(z.number()).max(8192).optional(),
  /** A series whose shape (persistence signature) is stored and linked to the nearest shapes. */
  series: z.array(z.number()).min(1).max(100_000).optional(),
  conversation: z.string().min(1).max(200).optional(),
});

/** Items at least this similar (cosine) to a new one get a similar_embedding edge; at most SIMILAR_LINKS. */
const SIMILAR_MIN = 0.9;
const SIMILAR_LINKS = 4;
/** A new series gets similar_shape edges to its nearest stored shapes (a k-nearest-neighbour graph). */
const SHAPE_LINKS = 4;

export async function handleMemoryRequest(edge: EdgeMemory, req: IncomingMessage, res: ServerResponse, path: string, maxBody: number): Promise<void> {
  if (path === '/memory' && req.method === 'POST') {
    const parsed = RememberBody.safeParse(await readJsonBody(req, maxBody));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidInputError(`memory item ${issue.path.join('.') || 'body'}: ${issue.message}`, 'send {"key": "…", "data": <JSON>, "vector": [numbers]?}');
    }
    const { key, data, vector, series, conversation } = parsed.data;
    const started = performance.now();
    const vector32 = vector ? Float32Array.from(vector) : undefined;
    // The node's own store first: the write is acknowledged only once LMDB has it.
    const stored = await edge.memory.store({ key: requireMemoryKey(key), data: data as object, vector: vector32, shape: series ? { series } : undefined });
    await edge.memory.flush();
    if (edge.durable) await rememberDurably(edge, edge.durable, { key, data, embedding: vector, conversation }, vector32, series);
    const shared = edge.hot ? await edge.hot.put(key, { data, vector: vector32 }) : false;
    const id = parsed.data.id ?? crypto.randomUUID();
    await edge.events?.publish(memoryWriteEvent(edge.node, id, key, stored.tier, performance.now() - started));
    sendJson(res, 200, { id, key, tier: stored.tier, shared });
  } else if (path.startsWith('/memory/') && path.endsWith('/neighbours') && req.method === 'GET') {
    if (!edge.durable) return sendProblem(res, 404, 'NO_DURABLE_STORE', 'this node has no shared durable store', 'start the node with --postgres');
    const key = requireMemoryKey(decodeURIComponent(path.slice('/memory/'.length, -'/neighbours'.length)));
    const depth = Number(new URL(req.url ?? '', 'http://edge').searchParams.get('depth') ?? 1);
    sendJson(res, 200, { key, depth, neighbours: await edge.durable.neighbours(key, depth) });
  } else if (path.startsWith('/memory/') && req.method === 'GET') {
    const key = requireMemoryKey(decodeURIComponent(path.slice('/memory/'.length)));
    const hot = await edge.hot?.get(key);
    if (hot) {
      sendJson(res, 200, { key, data: hot.data, vector: hot.vector ? Array.from(hot.vector) : undefined, source: 'redis' });
      return;
    }
    try {
      const found = await edge.memory.retrieve(key);
      sendJson(res, 200, { key, data: found.data, source: found.timing.source });
    } catch (error) {
      if (!(error instanceof MemoryNotFoundError)) throw error;
      const durable = await edge.durable?.get(key).catch((cause) => {
        throw new DurableStoreError(cause);
      });
      if (durable) {
        // Loaded on a miss: the node holds it from now on, so its own search (GPU or CPU) sees it.
        const embedding = durable.embedding && durable.embedding.length === edge.memory.dimension ? Float32Array.from(durable.embedding) : undefined;
        await edge.memory.store({ key, data: durable.data as object, vector: embedding });
        return sendJson(res, 200, { key, data: durable.data, source: 'postgres' });
      }
      sendProblem(res, 404, error.code, error.message, error.hint);
    }
  } else {
    res.setHeader('allow', path === '/memory' ? 'POST' : 'GET');
    sendProblem(res, 405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}`, 'use POST /memory or GET /memory/<key>');
  }
}

/** Commits the item (and its edges) to PostgreSQL; a failure fails the request (not acknowledged). */
async function rememberDurably(edge: EdgeMemory, durable: PgMemoryStore, item: Parameters<PgMemoryStore['remember']>[0], vector?: Float32Array, series?: number[]): Promise<void> {
  try {
    // The node's own shape search both signs the series and finds its nearest shapes (the new item is among them).
    const shape = series ? await edge.memory.queryShape({ series }, SHAPE_LINKS + 1) : undefined;
    const shapeSignature = shape ? (await edge.memory.signatureOf({ series: series! })).signature : undefined;
    await durable.remember({ ...item, shapeSignature }, edge.node);
    if (vector && vector.length === edge.memory.dimension) {
      const similar = await edge.memory.query(vector, SIMILAR_LINKS + 1, { metric: 'cosine', minSimilarity: SIMILAR_MIN });
      const edges = similar.filter((s) => s.key !== item.key).slice(0, SIMILAR_LINKS);
      await durable.link(edges.map((s) => ({ src: item.key, dst: s.key, kind: 'similar_embedding' as const, weight: s.score })));
    }
    if (shape) {
      const edges = shape.results.filter((s) => s.key !== item.key).slice(0, SHAPE_LINKS);
      await durable.link(edges.map((s) => ({ src: item.key, dst: s.key, kind: 'similar_shape' as const, weight: 1 / (1 + s.distance) })));
    }
  } catch (error) {
    throw error instanceof DurableStoreError ? error : new DurableStoreError(error);
  }
}
