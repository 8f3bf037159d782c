import { createStore, delMany, getMany, setMany } from 'idb-keyval';
import { InvalidInputError } from '../../errors';
import { requireMemoryKey } from './validate';

/** The kinds of edge between memories (the edge's PostgreSQL `memory_edge_kind` has the same four). */
export type RelationKind = 'stored_after' | 'similar_embedding' | 'similar_shape' | 'same_conversation';
export const RELATION_KINDS: readonly RelationKind[] = ['stored_after', 'similar_embedding', 'similar_shape', 'same_conversation'];

export interface Relation {
  key: string;
  kind: RelationKind;
  weight: number;
}

export interface RelatedMemory {
  key: string;
  /** Hops from the item asked about (1 or more). */
  depth: number;
  /** The kinds of edges on the path that reached it first. */
  via: RelationKind[];
}

/** Where each item's edge list lives: IndexedDB in the browser, a Map elsewhere. */
export interface RelationStore {
  getMany(keys: string[]): Promise<Array<Relation[] | undefined>>;
  /** All of one call in one transaction: both ends of an edge change together. */
  setMany(entries: Array<[string, Relation[]]>): Promise<void>;
  delMany(keys: string[]): Promise<void>;
}

export function indexedDbRelationStore(database: string): RelationStore {
  const store = createStore(database, 'edges');
  return {
    getMany: (keys) => getMany<Relation[]>(keys, store),
    setMany: (entries) => setMany(entries, store),
    delMany: (keys) => delMany(keys, store),
  };
}

export function inMemoryRelationStore(): RelationStore {
  const map = new Map<string, Relation[]>();
  return {
    getMany: async (keys) => keys.map((k) => map.get(k)),
    setMany: async (entries) => entries.forEach(([k, v]) => map.set(k, v)),
    delMany: async (keys) => keys.forEach((k) => map.delete(k)),
  };
}

export const MAX_RELATION_DEPTH = 4;
/** Edges kept per item (the heaviest): bounds what a link costs and what a walk reads. */
export const MAX_RELATIONS_PER_ITEM = 32;
/** Items a neighbours walk visits at most, whatever the depth. */
const MAX_VISITED = 1024;

/**
 * Typed, weighted, undirected relations between memories (the graph the seed gave to Neo4j), as the
 * edge keeps them in PostgreSQL: each item's edge list under its key, both ends written in one
 * transaction, and a bounded breadth-first walk for an item's neighbours to a depth. Writes are
 * serialised so that two links touching one item never lose each other's edge.
 */
export class MemoryRelations {
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: RelationStore) {}

  link(edges: ReadonlyArray<{ src: string; dst: string; kind: RelationKind; weight?: number }>): Promise<void> {
    for (const e of edges) {
      requireMemoryKey(e.src);
      requireMemoryKey(e.dst);
      if (e.src === e.dst) throw new InvalidInputError(`an edge from '${e.src}' to itself`, 'link two different items');
      if (!RELATION_KINDS.includes(e.kind)) throw new InvalidInputError(`unknown relation kind '${String(e.kind)}'`, `use one of ${RELATION_KINDS.join(', ')}`);
      if (e.weight !== undefined && !Number.isFinite(e.weight)) throw new InvalidInputError(`edge weight ${e.weight}`, 'pass a finite weight or none (1)');
    }
    return this.serialised(async () => {
      const keys = [...new Set(edges.flatMap((e) => [e.src, e.dst]))];
      const lists = new Map(keys.map((k, i) => [k, i] as const));
      const current = await this.store.getMany(keys);
      const updated = keys.map((k) => [...(current[lists.get(k)!] ?? [])]);
      const put = (from: string, to: string, kind: RelationKind, weight: number) => {
        const list = updated[lists.get(from)!];
        const at = list.findIndex((r) => r.key === to && r.kind === kind);
        if (at >= 0) list[at] = { key: to, kind, weight };
        else list.push({ key: to, kind, weight });
      };
      for (const e of edges) {
        put(e.src, e.dst, e.kind, e.weight ?? 1);
        put(e.dst, e.src, e.kind, e.weight ?? 1);
      }
      await this.store.setMany(keys.map((k, i) => [k, updated[i].sort((a, b) => b.weight - a.weight).slice(0, MAX_RELATIONS_PER_ITEM)]));
    });
  }

  /** Items related to `key` within `depth` hops, each once at its shortest depth, nearest first. */
  async neighbours(key: string, depth: number, kinds: readonly RelationKind[] = RELATION_KINDS): Promise<RelatedMemory[]> {
    requireMemoryKey(key);
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_RELATION_DEPTH) throw new InvalidInputError(`depth is ${depth}`, `pass an integer from 1 to ${MAX_RELATION_DEPTH}`);
    await this.writes;
    const found = new Map<string, RelatedMemory>([[key, { key, depth: 0, via: [] }]]);
    let frontier = [key];
    for (let d = 1; d <= depth && frontier.length > 0 && found.size < MAX_VISITED; d++) {
      const lists = await this.store.getMany(frontier);
      const next: string[] = [];
      for (const [i, from] of frontier.entries()) {
        // Edge lists are sorted heaviest first; ties between paths go to the kind that sorts first.
        for (const r of [...(lists[i] ?? [])].sort((a, b) => a.kind.localeCompare(b.kind))) {
          if (!kinds.includes(r.kind) || found.has(r.key) || found.size >= MAX_VISITED) continue;
          found.set(r.key, { key: r.key, depth: d, via: [...found.get(from)!.via, r.kind] });
          next.push(r.key);
        }
      }
      frontier = next;
    }
    found.delete(key);
    return [...found.values()].sort((a, b) => a.depth - b.depth || a.key.localeCompare(b.key));
  }

  /** Removes the items' edges, at both ends (call when items are deleted). */
  forget(keys: readonly string[]): Promise<void> {
    return this.serialised(async () => {
      const gone = new Set(keys);
      const lists = await this.store.getMany([...gone]);
      const others = [...new Set(lists.flatMap((l) => (l ?? []).map((r) => r.key)).filter((k) => !gone.has(k)))];
      const theirs = await this.store.getMany(others);
      await this.store.setMany(others.map((k, i) => [k, (theirs[i] ?? []).filter((r) => !gone.has(r.key))]));
      await this.store.delMany([...gone]);
    });
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writes.then(work, work);
    this.writes = run.catch(() => undefined);
    return run;
  }
}
