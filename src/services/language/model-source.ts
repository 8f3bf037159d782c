import { createStore, get, set, del, type UseStore } from 'idb-keyval';
import { InvalidInputError } from '../../errors';
import { isNode } from '../../gpu/device';
import { ModelLoadError } from './errors';

/** Progress a UI can show while model files load. */
export interface ModelLoadProgress {
  /** URL or path of the file. */
  source: string;
  /** 'cache': served from the persistent cache; 'network': fetched; 'file': read from disk (Node). */
  from: 'cache' | 'network' | 'file';
  loadedBytes: number;
  /** Content-Length when the server sent one. */
  totalBytes?: number;
  done: boolean;
}

/** A persistent byte cache (IndexedDB now; the memory service's tiers can implement the same). */
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

/** The default cache: IndexedDB where it exists, none otherwise. */
export function defaultModelCache(): ModelByteCache | undefined {
  return typeof indexedDB === 'undefined' ? undefined : indexedDbModelCache();
}

export interface ModelFetchOptions {
  /** false disables the cache; default: IndexedDB where available. */
  cache?: ModelByteCache | false;
  onProgress?: (event: ModelLoadProgress) => void;
  fetch?: typeof fetch;
}

/**
 * Bytes of a model file from a URL (http(s), relative to the page, or file://) or, in Node, a path.
 * Network files go through the cache: a second load of the same URL makes no request.
 */
export async function loadModelBytes(source: string | URL, options: ModelFetchOptions = {}): Promise<Uint8Array> {
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new InvalidInputError(`model source is ${typeof source}`, 'pass a URL or a file path as a string');
  }
  const text = String(source);
  if (text.length === 0) throw new InvalidInputError('model source is empty', 'pass a URL or a file path');
  const url = resolveSource(text);
  if (url.protocol === 'file:') return readFile(url, text, options);
  const cache = options.cache === false ? undefined : (options.cache ?? defaultModelCache());
  const key = url.href;
  const cached = await cache?.get(key);
  if (cached) {
    options.onProgress?.({ source: key, from: 'cache', loadedBytes: cached.byteLength, totalBytes: cached.byteLength, done: true });
    return cached;
  }
  const bytes = await download(url, options);
  await cache?.set(key, bytes);
  return bytes;
}

/** Text files (tokenizer.json, config.json) through the same path. */
export async function loadModelJson(source: string | URL, options: ModelFetchOptions = {}): Promise<unknown> {
  const bytes = await loadModelBytes(source, options);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new ModelLoadError(`${String(source)} is not valid JSON`, 'point at the model\'s tokenizer.json / config.json', { cause });
  }
}

function resolveSource(text: string): URL {
  if (/^[a-z][a-z0-9+.-]*:/i.test(text)) return new URL(text);
  if (isNode()) {
    const path = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:path') as typeof import('node:path');
    return new URL(`file://${path.resolve(text)}`);
  }
  return new URL(text, globalThis.location?.href);
}

async function readFile(url: URL, source: string, options: ModelFetchOptions): Promise<Uint8Array> {
  const fs = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:fs/promises') as typeof import('node:fs/promises') | undefined;
  if (!fs) throw new ModelLoadError(`cannot read ${source}: no file system here`, 'serve the file over http(s) and pass its URL');
  try {
    const bytes = new Uint8Array(await fs.readFile(url));
    options.onProgress?.({ source, from: 'file', loadedBytes: bytes.byteLength, totalBytes: bytes.byteLength, done: true });
    return bytes;
  } catch (cause) {
    throw new ModelLoadError(`cannot read ${source}`, 'check the path (relative paths are from the working directory)', { cause });
  }
}

async function download(url: URL, options: ModelFetchOptions): Promise<Uint8Array> {
  const source = url.href;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url);
  } catch (cause) {
    throw new ModelLoadError(`fetching ${source} failed`, 'check the URL and that the server is reachable', { cause });
  }
  if (!response.ok) throw new ModelLoadError(`fetching ${source} gave HTTP ${response.status}`, 'check the URL');
  const header = Number(response.headers.get('content-length'));
  const totalBytes = Number.isFinite(header) && header > 0 ? header : undefined;
  const chunks: Uint8Array[] = [];
  let loadedBytes = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loadedBytes += value.byteLength;
      options.onProgress?.({ source, from: 'network', loadedBytes, totalBytes, done: false });
    }
  } else {
    const all = new Uint8Array(await response.arrayBuffer());
    chunks.push(all);
    loadedBytes = all.byteLength;
  }
  const bytes = new Uint8Array(loadedBytes);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  options.onProgress?.({ source, from: 'network', loadedBytes, totalBytes, done: true });
  return bytes;
}
