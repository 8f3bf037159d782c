import { env } from '../../env';
import { wasmThreadCount } from '../../core/isolation';
import { GpuUnavailableError } from '../../errors';
import { isNode } from '../../gpu/device';

export type Ort = typeof import('onnxruntime-web');

export interface OrtLoadOptions {
  /**
   * Where the ORT .wasm files are served (a URL prefix, or onnxruntime-web's {mjs, wasm}); default
   * `env.wasmPaths`. Unset: onnxruntime-web loads them from beside its own module, which is where a
   * bundler puts them (Vite copies `ort-wasm-simd-threaded.asyncify.wasm` into the build). Ignored in
   * Node (the package finds its own files).
   */
  wasmPaths?: string | { mjs?: string; wasm?: string };
}

// Named through a variable so bundlers do not follow it: in a browser build it would pull in the
// WASM-only bundle and its 28 MB .wasm, which only Node uses.
const NODE_ORT = 'onnxruntime-web';

let loaded: Promise<Ort> | undefined;

/**
 * onnxruntime-web, once per JS realm: in Node the WASM-only build (`onnxruntime-web` resolves to
 * ort.node there); in a browser the WebGPU build (`onnxruntime-web/webgpu`, whose WebGPU EP uses the
 * asyncify wasm) which also has the WASM EP. The WASM EP runs one thread per core where threads exist
 * (a cross-origin isolated page or worker, or Node), else one. The wasm paths are read at the first call.
 */
export function loadOrt(options: OrtLoadOptions = {}): Promise<Ort> {
  loaded ??= (async () => {
    const ort: Ort = isNode() ? await import(/* @vite-ignore */ NODE_ORT) : ((await import('onnxruntime-web/webgpu')) as unknown as Ort);
    ort.env.wasm.numThreads = env.wasmThreads ?? wasmThreadCount();
    ort.env.logLevel = 'error';
    const wasmPaths = options.wasmPaths ?? env.wasmPaths;
    if (!isNode() && wasmPaths !== undefined) ort.env.wasm.wasmPaths = wasmPaths;
    return ort;
  })();
  return loaded;
}

/** True where the WebGPU EP can run: a browser (or worker) with navigator.gpu. */
export function webGpuEpAvailable(): boolean {
  return !isNode() && Boolean((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu);
}

/** Throws a clear error when the WebGPU EP was asked for where it cannot run. */
export function requireWebGpuEp(): void {
  if (webGpuEpAvailable()) return;
  throw new GpuUnavailableError(
    isNode() ? 'onnxruntime-web has no WebGPU EP in Node' : 'navigator.gpu is undefined: no WebGPU EP here',
    "use backend: 'cpu' (WASM EP + CPU pooling), or run in a browser with WebGPU",
  );
}
