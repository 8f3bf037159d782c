import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { env } from '../../../src/env';
import { loadModelBytes, type ModelLoadProgress } from '../../../src/models/fetch';
import { modelUrl } from '../../../src/models/locate';
import type { ModelByteCache } from '../../../src/models/cache';
import { DEFAULT_LANGUAGE_MODEL } from '../../../src/models/defaults';
import { ModelFileError, ModelLoadError } from '../../../src/errors';

const tokenizer = readFileSync(fileURLToPath(modelUrl(DEFAULT_LANGUAGE_MODEL, 'tokenizer.json')));
const html = Buffer.from('<!doctype html><html><body>app</body></html>');

/** A server as a consumer's might be: an SPA fallback to index.html, and a connection that breaks off. */
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/models/tokenizer.json') res.writeHead(200, { 'content-type': 'application/json', 'content-length': tokenizer.byteLength }).end(tokenizer);
    else if (req.url === '/models/cut.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': tokenizer.byteLength });
      res.write(tokenizer.subarray(0, 4096), () => res.destroy());
    } else res.writeHead(200, { 'content-type': 'text/html', 'content-length': html.byteLength }).end(html);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/models/`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));
const defaults = { ...env };
afterEach(() => Object.assign(env, defaults));

/** A cache in memory, to see what would have been stored. */
function memoryCache(): ModelByteCache & { entries: Map<string, Uint8Array> } {
  const entries = new Map<string, Uint8Array>();
  return { entries, get: async (k) => entries.get(k), set: async (k, v) => void entries.set(k, v), delete: async (k) => void entries.delete(k) };
}

describe('loadModelBytes refuses what is not the model file, before the cache and before progress says loaded', () => {
  it('an HTML fallback page: ModelFileError, nothing cached, no done event', async () => {
    const cache = memoryCache();
    const events: ModelLoadProgress[] = [];
    const error = await loadModelBytes(`${base}missing/tokenizer.json`, { cache, onProgress: (e) => events.push(e) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as ModelFileError).code).toBe('MODEL_FILE_INVALID');
    expect(cache.entries.size).toBe(0);
    expect(events.filter((e) => e.done)).toEqual([]);
  });

  it('a download that breaks off: ModelFileError, no done event', async () => {
    const events: ModelLoadProgress[] = [];
    const error = await loadModelBytes(`${base}cut.json`, { cache: false, onProgress: (e) => events.push(e) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect(events.filter((e) => e.done)).toEqual([]);
  });

  it('a good file loads, is cached, and reports done once; a bad cache entry is dropped and fetched again', async () => {
    const cache = memoryCache();
    const events: ModelLoadProgress[] = [];
    const bytes = await loadModelBytes(`${base}tokenizer.json`, { cache, onProgress: (e) => events.push(e) });
    expect(bytes.byteLength).toBe(tokenizer.byteLength);
    expect(events.filter((e) => e.done)).toHaveLength(1);
    cache.entries.set(`${base}tokenizer.json`, new Uint8Array(html));
    const again = await loadModelBytes(`${base}tokenizer.json`, { cache });
    expect(again.byteLength).toBe(tokenizer.byteLength);
    expect(cache.entries.get(`${base}tokenizer.json`)?.byteLength).toBe(tokenizer.byteLength);
  });

  it('env.localOnly refuses another origin before any request (Node has no page origin: every URL)', async () => {
    env.localOnly = true;
    await expect(loadModelBytes(`${base}tokenizer.json`, { cache: false })).rejects.toThrow(ModelLoadError);
    await expect(loadModelBytes(`${base}tokenizer.json`, { cache: false })).rejects.toThrow(/env\.localOnly/);
    // Files and data: URLs are local.
    expect((await loadModelBytes(modelUrl(DEFAULT_LANGUAGE_MODEL, 'tokenizer.json'))).byteLength).toBe(tokenizer.byteLength);
    expect((await loadModelBytes(`data:application/json;base64,${Buffer.from('{"a":1}').toString('base64')}#x.json`)).byteLength).toBe(7);
  });
});
