import pg from 'pg';
import { AuraError, InvalidInputError } from '../errors';
import type { PlanStore } from '../core/plan';
import { isStagePlan } from '../runtime/plan-store';
import { migrate } from './pg-migrations';

export type MemoryEdgeKind = 'stored_after' | 'similar_embedding' | 'similar_shape' | 'same_conversation';
export const EDGE_KINDS: readonly MemoryEdgeKind[] = ['stored_after', 'similar_embedding', 'similar_shape', 'same_conversation'];

export interface DurableItem {
  key: string;
  data: unknown;
  embedding?: ArrayLike<number>;
  shapeSignature?: ArrayLike<number>;
  /** Items of one conversation are linked: stored_after the previous one, same_conversation with the recent ones. */
  conversation?: string;
}

export interface Neighbour {
  key: string;
  /** Hops from the item asked about (1 or more). */
  depth: number;
  /** The kinds of edges on the path that reached it first. */
  via: MemoryEdgeKind[];
}

/** PostgreSQL did not take (or give) an item; a write that met this is not acknowledged. */
export class DurableStoreError extends AuraError {
  override readonly name: string = 'DurableStoreError';
  constructor(cause: unknown) {
    super('DURABLE_STORE_UNAVAILABLE', `the shared durable store failed: ${(cause as Error)?.message ?? cause}`, 'retry the write; it was not acknowledged');
  }
}

/** How many earlier items of a conversation a new one is linked with (bounds the edges a write makes). */
const CONVERSATION_LINKS = 8;
const MAX_DEPTH = 4;

/**
 * The shared durable store of the edge memory: PostgreSQL through pg (node-postgres). A write is
 * acknowledged once its transaction committed: PostgreSQL has flushed the WAL (synchronous_commit
 * is on by default), so a node killed after the acknowledgement loses nothing. Search does not run
 * here: nodes search what they hold (GPU or CPU) and load from this store on a miss.
 */
export class PgMemoryStore {
  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string, options: { maxConnections?: number } = {}): Promise<PgMemoryStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 4, connectionTimeoutMillis: 5000, statement_timeout: 10_000 });
    pool.on('error', () => {}); // an idle client's lost connection: the next query reconnects
    await migrate(pool);
    return new PgMemoryStore(pool);
  }

  /** Stores (or replaces) the item and its conversation edges in one transaction; resolves once durable. */
  async remember(item: DurableItem, node: string): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO memory_items (key, data, embedding, shape_signature, conversation, node) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (key) DO UPDATE SET data = $2, embedding = $3, shape_signature = $4, conversation = $5, node = $6, stored_at = now()`,
        [item.key, JSON.stringify(item.data), item.embedding ? Array.from(item.embedding) : null, item.shapeSignature ? Array.from(item.shapeSignature) : null, item.conversation ?? null, node],
      );
      if (item.conversation) {
        const earlier = await client.query<{ key: string }>(
          'SELECT key FROM memory_items WHERE conversation = $1 AND key <> $2 ORDER BY stored_at DESC, key DESC LIMIT $3',
          [item.conversation, item.key, CONVERSATION_LINKS],
        );
        if (earlier.rows.length) await this.insertEdges(client, [{ src: item.key, dst: earlier.rows[0].key, kind: 'stored_after' }, ...earlier.rows.map((r) => ({ src: item.key, dst: r.key, kind: 'same_conversation' as const }))]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** Typed edges (e.g. similar_embedding from the runtime's own search); durable once resolved. */
  async link(edges: ReadonlyArray<{ src: string; dst: string; kind: MemoryEdgeKind; weight?: number }>): Promise<void> {
    for (const e of edges) if (!EDGE_KINDS.includes(e.kind)) throw new InvalidInputError(`edge kind '${e.kind}'`, `edge kinds are ${EDGE_KINDS.join(', ')}`);
    const client = await this.pool.connect();
    try {
      await this.insertEdges(client, edges);
    } finally {
      client.release();
    }
  }

  private async insertEdges(client: pg.PoolClient, edges: ReadonlyArray<{ src: string; dst: string; kind: MemoryEdgeKind; weight?: number }>): Promise<void> {
    if (!edges.length) return;
    await client.query(
      `INSERT INTO memory_edges (src, dst, kind, weight)
       SELECT * FROM unnest($1::text[], $2::text[], $3::memory_edge_kind[], $4::real[])
       ON CONFLICT (src, dst, kind) DO UPDATE SET weight = EXCLUDED.weight`,
      [edges.map((e) => e.src), edges.map((e) => e.dst), edges.map((e) => e.kind), edges.map((e) => e.weight ?? 1)],
    );
  }

  async get(key: string): Promise<DurableItem | undefined> {
    const { rows } = await this.pool.query('SELECT key, data, embedding, shape_signature, conversation FROM memory_items WHERE key = $1', [key]);
    if (!rows.length) return undefined;
    const r = rows[0];
    return { key: r.key, data: r.data, embedding: r.embedding ?? undefined, shapeSignature: r.shape_signature ?? undefined, conversation: r.conversation ?? undefined };
  }

  async keys(): Promise<string[]> {
    return (await this.pool.query<{ key: string }>('SELECT key FROM memory_items ORDER BY key')).rows.map((r) => r.key);
  }

  /**
   * The items within `depth` hops of `key`, edges followed both ways (a relation holds for both ends),
   * nearest first; each once, at its shortest depth. One recursive query.
   */
  async neighbours(key: string, depth: number, kinds: readonly MemoryEdgeKind[] = EDGE_KINDS): Promise<Neighbour[]> {
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) throw new InvalidInputError(`depth is ${depth}`, `pass an integer from 1 to ${MAX_DEPTH}`);
    const { rows } = await this.pool.query<{ key: string; depth: number; via: string }>(
      `WITH RECURSIVE undirected AS (
         SELECT src AS a, dst AS b, kind FROM memory_edges WHERE kind = ANY($3::memory_edge_kind[])
         UNION ALL SELECT dst, src, kind FROM memory_edges WHERE kind = ANY($3::memory_edge_kind[])
       ), walk(key, depth, path, via) AS (
         SELECT $1::text, 0, ARRAY[$1::text], ARRAY[]::text[]
         UNION ALL
         SELECT u.b, w.depth + 1, w.path || u.b, w.via || u.kind::text
         FROM walk w JOIN undirected u ON u.a = w.key
         WHERE w.depth < $2 AND NOT u.b = ANY(w.path)
       )
       SELECT DISTINCT ON (key) key, depth, array_to_string(via, ',') AS via FROM walk WHERE depth > 0 ORDER BY key, depth, via`,
      [key, depth, kinds],
    );
    return rows.map((r) => ({ key: r.key, depth: r.depth, via: r.via.split(',') as MemoryEdgeKind[] })).sort((x, y) => x.depth - y.depth || x.key.localeCompare(y.key));
  }

  /**
   * The nodes' backend plans in `backend_plans`, shared: a node on an adapter another node measured
   * starts with its plan. A plan is a cache, so a failed read measures again and a failed write is only
   * reported. The store key (adapter#stage#model) is split at its first '#' into (adapter, model).
   */
  planStore(): PlanStore {
    const split = (key: string) => [key.slice(0, key.indexOf('#')), key.slice(key.indexOf('#') + 1)];
    return {
      load: async (key) => {
        const rows = await this.pool.query<{ plan: unknown }>('SELECT plan FROM backend_plans WHERE adapter = $1 AND model = $2', split(key)).then((r) => r.rows, () => []);
        return isStagePlan(rows[0]?.plan) ? rows[0].plan : undefined;
      },
      save: async (key, plan) => {
        await this.pool
          .query('INSERT INTO backend_plans (adapter, model, plan) VALUES ($1, $2, $3) ON CONFLICT (adapter, model) DO UPDATE SET plan = $3, updated_at = now()', [...split(key), JSON.stringify(plan)])
          .catch((error) => console.warn(`backend plan not saved to PostgreSQL: ${(error as Error).message}`));
      },
    };
  }

  /** An item's outgoing edges of one kind, heaviest first. */
  async edgesFrom(key: string, kind: MemoryEdgeKind): Promise<Array<{ dst: string; weight: number }>> {
    const { rows } = await this.pool.query<{ dst: string; weight: number }>('SELECT dst, weight FROM memory_edges WHERE src = $1 AND kind = $2 ORDER BY weight DESC, dst', [key, kind]);
    return rows.map((r) => ({ dst: r.dst, weight: Number(r.weight) }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
