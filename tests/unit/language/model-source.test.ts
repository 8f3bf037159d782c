import 'fake-indexeddb/auto';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexedDbModelCache, loadModelBytes, type ModelLoadProgress } from '../../../src/services/language/model-source';
import { LanguageService } from '../../../src/services/language/language-service';
import { ModelLoadError } from '../../../src/services/language/errors';
import { InvalidInputError } from '../../../src/errors';
import { MODEL_DIR } from './fixtures';

/** Byte equality without a per-element deep compare (2.7 MB). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Serves public/models/aura-bert-tiny over HTTP and counts the requests per path. */
let server: Server;
let base = '';
const requests = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const name = (req.url ?? '').split('/').pop() ?? '';
    requests.set(name, (requests.get(name) ?? 0) + 1);
    try {
      const body = readFileSync(resolve(MODEL_DIR, name));
      res.writeHead(200, { 'content-length': body.byteLength });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/models/`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

describe('model files through the persistent cache (IndexedDB via idb-keyval; fake-indexeddb in Node)', () => {
  it('the first load fetches with progress, the second comes from the cache without a request', async () => {
    const cache = indexedDbModelCache('aura-models-test-1');
    const events: ModelLoadProgress[] = [];
    const first = await loadModelBytes(`${base}model.onnx`, { cache, onProgress: (e) => events.push(e) });
    expect(requests.get('model.onnx')).toBe(1);
    expect(sameBytes(first, readFileSync(resolve(MODEL_DIR, 'model.onnx')))).toBe(true);
    expect(events.at(-1)).toMatchObject({ from: 'network', done: true, loadedBytes: first.byteLength, totalBytes: first.byteLength });
    expect(events.filter((e) => !e.done).length).toBeGreaterThan(0);

    const again: ModelLoadProgress[] = [];
    const second = await loadModelBytes(`${base}model.onnx`, { cache, onProgress: (e) => again.push(e) });
    expect(requests.get('model.onnx')).toBe(1);
    expect(sameBytes(second, first)).toBe(true);
    expect(again).toEqual([{ source: `${base}model.onnx`, from: 'cache', loadedBytes: first.byteLength, totalBytes: first.byteLength, done: true }]);
  });

  it('a LanguageService loads a model from a URL, and a second service loads it from the cache', async () => {
    const cache = indexedDbModelCache('aura-models-test-2');
    const source = { model: `${base}model.onnx`, tokenizer: `${base}tokenizer.json`, tokenizerConfig: `${base}tokenizer_config.json`, config: `${base}config.json` };
    const before = requests.get('model.onnx') ?? 0;
    const a = await LanguageService.create({ backend: 'cpu', source, cache, warmUp: false });
    const b = await LanguageService.create({ backend: 'cpu', source, cache, warmUp: false });
    expect(requests.get('model.onnx')).toBe(before + 1);
    expect(requests.get('tokenizer.json')).toBe(1);
    const [ea, eb] = [await a.embed(['hello world'], { rows: true }), await b.embed(['hello world'], { rows: true })];
    expect(eb.rows![0]).toEqual(ea.rows![0]);
    await Promise.all([a.destroy(), b.destroy()]);
  });

  it('reads a path from disk in Node', async () => {
    const bytes = await loadModelBytes(resolve(MODEL_DIR, 'vocab.txt'));
    expect(new TextDecoder().decode(bytes).split('\n')[2]).toBe('[CLS]');
  });

  it('missing files and bad sources are typed errors', async () => {
    await expect(loadModelBytes(`${base}missing.onnx`, { cache: false })).rejects.toBeInstanceOf(ModelLoadError);
    await expect(loadModelBytes('/no/such/file.onnx')).rejects.toBeInstanceOf(ModelLoadError);
    await expect(loadModelBytes('')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(loadModelBytes(42 as unknown as string)).rejects.toBeInstanceOf(InvalidInputError);
  });
});
