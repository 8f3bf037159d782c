import { GpuUnavailableError } from '../../errors';
import { isNode } from '../../gpu/device';

export type Ort = typeof import('onnxruntime-web');

export interface OrtLoadOptions {
  /**
   * Where the ORT .wasm/.mjs files are served (a URL prefix, or onnxruntime-web's {mjs, wasm}).
   * They must come from the same build as the JS. Default in a browser: the Vite-served
   * `/node_modules/onnxruntime-web/dist/`. Ignored in Node (the package finds its own files).
   */
  wasmPaths?: string | { mjs?: string; wasm?: string };
}

let loaded: Promise<Ort> | undefined;

/**
 * onnxruntime-web, once per process: in Node the WASM-only build (`onnxruntime-web` resolves to
 * ort.node there); in a browser the WebGPU build (`onnxruntime-web/webgpu`, whose WebGPU EP uses the
 * asyncify wasm) which also has the WASM EP. Single-threaded WASM: pages here are not cross-origin
 * isolated, so threads are unavailable anyway.
 */
export function loadOrt(options: OrtLoadOptions = {}): Promise<Ort> {
  loaded ??= (async () => {
    const ort: Ort = isNode() ? await import('onnxruntime-web') : ((await import('onnxruntime-web/webgpu')) as unknown as Ort);
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    if (!isNode()) {
      ort.env.wasm.wasmPaths = options.wasmPaths ?? new URL('/node_modules/onnxruntime-web/dist/', globalThis.location?.href).href;
    }
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
