import { InvalidInputError } from '../errors';

/**
 * The one WGSL loader. Under Vite (the app, the library build, vitest, vite-node) the shaders are
 * bundled as text by `import.meta.glob(..., '?raw')`; in plain Node, where that call does not exist,
 * they are read from shaders/wgsl/ with fs.
 */
let bundled: Record<string, string> | null;
try {
  bundled = import.meta.glob('../../shaders/wgsl/*.wgsl', { query: '?raw', import: 'default', eager: true });
} catch {
  bundled = null;
}

const cache = new Map<string, string>();

/** Returns the source of shaders/wgsl/<name>.wgsl. */
export function loadWgsl(name: string): string {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const source = bundled ? bundled[`../../shaders/wgsl/${name}.wgsl`] : readFromDisk(name);
  if (source === undefined) {
    throw new InvalidInputError(`no shader named '${name}'`, `add shaders/wgsl/${name}.wgsl or fix the name`);
  }
  cache.set(name, source);
  return source;
}

function readFromDisk(name: string): string | undefined {
  const req = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  const fs = req?.('node:fs') as typeof import('node:fs') | undefined;
  if (!fs) return undefined;
  const url = new URL(`../../shaders/wgsl/${name}.wgsl`, import.meta.url);
  return fs.existsSync(url) ? fs.readFileSync(url, 'utf8') : undefined;
}
