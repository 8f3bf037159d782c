import { env } from '../env';
import { InvalidInputError, ModelFileError, ModelLoadError } from '../errors';
import { isNode } from '../gpu/device';
import { defaultModelCache, type ModelByteCache } from './cache';
import { validateModelFile } from './validate';

/** Progress a UI can show while model files load. `done: true` only for a file that passed its checks. */
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

export interface ModelFetchOptions {
  /** false disables the cache; default: the one `env.cache` names, where available. */
  cache?: ModelByteCache | false;
  onProgress?: (event: ModelLoadProgress) => void;
  fetch?: typeof fetch;
}

/**
 * Bytes of a model file from a URL (http(s), relative to the page, data:, or file://) or, in Node, a
 * path. Network files go through the cache: a second load of the same URL makes no request. Every
 * file is checked (validateModelFile) before it is cached, reported done, or returned.
 */
export async function loadModelBytes(source: string | URL, options: ModelFetchOptions = {}): Promise<Uint8Array> {
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new InvalidInputError(`model source is ${typeof source}`, 'pass a URL or a file path as a string');
  }
  const text = String(source);
  if (text.length === 0) throw new InvalidInputError('model source is empty', 'pass a URL or a file path');
  const url = resolveSource(text);
  if (url.protocol === 'file:') return readFile(url, text, options);
  requireLocal(url);
  const cache = options.cache === false || url.protocol === 'data:' ? undefined : (options.cache ?? defaultModelCache());
  const key = url.href;
  const cached = await cache?.get(key);
  if (cached) {
    try {
      validateModelFile(key, cached);
      options.onProgress?.({ source: key, from: 'cache', loadedBytes: cached.byteLength, totalBytes: cached.byteLength, done: true });
      return cached;
    } catch (error) {
      if (!(error instanceof ModelFileError)) throw error;
      await cache?.delete(key); // a bad entry is fetched again
    }
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
    throw new ModelLoadError(`${String(source)} is not valid JSON`, "point at the model's tokenizer.json / config.json", { cause });
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

/** env.localOnly: only this page's origin, files, and data:/blob: URLs. */
function requireLocal(url: URL): void {
  if (!env.localOnly || url.protocol === 'data:' || url.protocol === 'blob:') return;
  const origin = (globalThis as { location?: { origin: string } }).location?.origin;
  if (origin && url.origin === origin) return;
  throw new ModelLoadError(`env.localOnly is set, and ${url.href} is on another origin`, 'serve the model from this origin or the package, or set env.localOnly = false');
}

async function readFile(url: URL, source: string, options: ModelFetchOptions): Promise<Uint8Array> {
  const fs = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:fs/promises') as typeof import('node:fs/promises') | undefined;
  if (!fs) throw new ModelLoadError(`cannot read ${source}: no file system here`, 'serve the file over http(s) and pass its URL');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(url));
  } catch (cause) {
    throw new ModelLoadError(`cannot read ${source}`, 'check the path (relative paths are from the working directory)', { cause });
  }
  validateModelFile(source, bytes);
  options.onProgress?.({ source, from: 'file', loadedBytes: bytes.byteLength, totalBytes: bytes.byteLength, done: true });
  return bytes;
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
  // Content-Length counts the encoded body; only an unencoded one can be compared with what arrived.
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const chunks: Uint8Array[] = [];
  let loadedBytes = 0;
  try {
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
  } catch {
    throw new ModelFileError(source, `the download broke off after ${loadedBytes} bytes`, 'load it again; if it repeats, check the server and the network');
  }
  const bytes = new Uint8Array(loadedBytes);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  validateModelFile(source, bytes, { contentType: response.headers.get('content-type'), announcedBytes: encoded ? undefined : totalBytes });
  options.onProgress?.({ source, from: 'network', loadedBytes, totalBytes, done: true });
  return bytes;
}
