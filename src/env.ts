/**
 * AURA's global configuration, in the style of transformers.js's `env`: set it once, before the first
 * `createAura`, and every loader reads it. It lives in each JS realm: `createAuraWorker` copies it
 * into its worker when the worker starts.
 *
 * ```ts
 * import { env } from 'aura-webgpu';
 * env.modelBase = 'https://cdn.example.com/aura-models/'; // <modelBase><name>/<file>
 * env.localOnly = true;                                    // never fetch models from another origin
 * env.wasmPaths = '/ort/';                                 // where onnxruntime-web's .wasm files are
 * env.cache = 'cache-api';                                 // or 'indexeddb' (default), or false
 * ```
 */
export interface AuraEnv {
  /**
   * Where models are found: a model file is `<modelBase><name>/<file>` (a URL, a path relative to
   * the page, or in Node a file path). Default `undefined`: the models shipped in the package
   * (`public/models/`), which a bundler that rewrites `new URL(…, import.meta.url)` copies into the
   * build, and Node reads from the installed package.
   */
  modelBase: string | URL | undefined;
  /**
   * true: model files load only from the package, the file system, or the page's own origin; a URL on
   * another origin is refused before any request (as transformers.js's `allowRemoteModels = false`).
   */
  localOnly: boolean;
  /**
   * onnxruntime-web's `env.wasm.wasmPaths`. Default `undefined`: onnxruntime-web loads its .wasm
   * from beside its own module, where the consumer's bundler puts it (Vite copies it into the build).
   * Set a URL prefix (or `{ wasm, mjs }`) to serve the files yourself, e.g. from a CDN.
   */
  wasmPaths: string | { mjs?: string; wasm?: string } | undefined;
  /**
   * Threads for onnxruntime-web's WASM EP, read when it first loads. Default `undefined`: one per core
   * (at most 8) where threads exist (a cross-origin isolated page or worker, or Node), else 1.
   */
  wasmThreads: number | undefined;
  /** Where fetched model files are kept between visits: 'indexeddb' (default), 'cache-api', or false. */
  cache: 'indexeddb' | 'cache-api' | false;
  /** The IndexedDB database, or the Cache API cache, that holds them. */
  cacheName: string;
}

export const env: AuraEnv = {
  modelBase: undefined,
  localOnly: false,
  wasmPaths: undefined,
  wasmThreads: undefined,
  cache: 'indexeddb',
  cacheName: 'aura-models',
};

/** The plain-data form of `env` that crosses to a worker (structured clone). */
export type AuraEnvSnapshot = Omit<AuraEnv, 'modelBase'> & { modelBase: string | undefined };

/** `env` as plain data; a relative modelBase is made absolute against the page (a worker's own URL differs). */
export function envSnapshot(): AuraEnvSnapshot {
  const page = (globalThis as { location?: { href: string } }).location?.href;
  const base = env.modelBase === undefined ? undefined : String(env.modelBase);
  return { ...env, modelBase: base !== undefined && page ? new URL(base, page).href : base };
}
