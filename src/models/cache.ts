import { createStore, get, set, del, type UseStore } from 'idb-keyval';
import { env } from '../env';

/** A persistent byte cache for model files, keyed by absolute URL. */
export interface ModelByteCache {
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, bytes: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
}

/** IndexedDB through idb-keyval: one entry per file, keyed by its absolute URL. */
export function indexedDbModelCache(dbName = 'aura-models', storeName = 'files'): ModelByteCache {
  let store: UseStore | undefined;
  const useStore = () => (store ??= createStore(dbName, storeName));
  return {
    async get(key) {
      const value = await get<Uint8Array | ArrayBuffer>(key, useStore());
      if (value === undefined) return undefined;
      return value instanceof Uint8Array ? value : new Uint8Array(value);
    },
    set: (key, bytes) => set(key, bytes, useStore()),
    delete: (key) => del(key, useStore()),
  };
}

/** The Cache API (`caches.open(name)`), as transformers.js's browser cache: one Response per file. */
export function cacheApiModelCache(cacheName = 'aura-models'): ModelByteCache {
  const open = () => caches.open(cacheName);
  return {
    async get(key) {
      const hit = await (await open()).match(key);
      return hit ? new Uint8Array(await hit.arrayBuffer()) : undefined;
    },
    async set(key, bytes) {
      await (await open()).put(key, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-length': String(bytes.byteLength) } }));
    },
    async delete(key) {
      await (await open()).delete(key);
    },
  };
}

/** The cache `env.cache` names, where this platform has it; none otherwise (Node reads files). */
export function defaultModelCache(): ModelByteCache | undefined {
  if (env.cache === 'cache-api') return typeof caches === 'undefined' ? undefined : cacheApiModelCache(env.cacheName);
  if (env.cache === 'indexeddb') return typeof indexedDB === 'undefined' ? undefined : indexedDbModelCache(env.cacheName);
  return undefined;
}
