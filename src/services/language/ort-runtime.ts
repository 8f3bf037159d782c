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
  /**
   * The build to load in a browser: 'webgpu' (default; its WebGPU EP needs the asyncify wasm, and it
   * has the WASM EP too) or 'wasm' (the plain WASM build, for the CPU path: half the size, and on the
   * 2-core machine its sessions were created and ran 2–3× faster than the asyncify build's WASM EP).
   * Node has one build.
   */
  build?: 'webgpu' | 'wasm';
}

// Named through a variable so bundlers do not follow it: in a browser build it would pull in the
// WASM-only bundle and its 28 MB .wasm, which only Node uses.
const NODE_ORT = 'onnxruntime-web';

const loaded = new Map<'webgpu' | 'wasm', Promise<Ort>>();

/**
 * onnxruntime-web, once per JS realm and build: in Node the WASM-only build (`onnxruntime-web` resolves
 * to ort.node there); in a browser the WebGPU build (`onnxruntime-web/webgpu`, whose WebGPU EP uses the
 * asyncify wasm), or for the CPU path the plain WASM build (`onnxruntime-web/wasm`). The WASM EP runs one thread per core where threads exist
 * (a cross-origin isolated page or worker, or Node), else one. The wasm paths are read at the first call.
 */
export function loadOrt(options: OrtLoadOptions = {}): Promise<Ort> {
  const build = isNode() ? 'wasm' : (options.build ?? 'webgpu');
  let ort = loaded.get(build);
  if (!ort) loaded.set(build, (ort = importOrt(build, options)));
  return ort;
}

async function importOrt(build: 'webgpu' | 'wasm', options: OrtLoadOptions): Promise<Ort> {
  const ort: Ort = isNode()
    ? await import(/* @vite-ignore */ NODE_ORT)
    : build === 'wasm'
      ? ((await import('onnxruntime-web/wasm')) as unknown as Ort)
      : ((await import('onnxruntime-web/webgpu')) as unknown as Ort);
  ort.env.wasm.numThreads = env.wasmThreads ?? wasmThreadCount();
  ort.env.logLevel = 'error';
  const wasmPaths = options.wasmPaths ?? env.wasmPaths;
  if (!isNode() && wasmPaths !== undefined) ort.env.wasm.wasmPaths = wasmPaths;
  return ort;
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

/** WebGPU is present and its adapter is not a software fallback. */
export async function webGpuIsFast(): Promise<boolean> {
  if (!webGpuEpAvailable()) return false;
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator!.gpu!;
  const adapter = await gpu.requestAdapter();
  if (!adapter) return false;
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return !(info.isFallbackAdapter || info.architecture === 'swiftshader');
}
