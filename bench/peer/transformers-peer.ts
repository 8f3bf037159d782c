/**
 * The peer: the same trained model through transformers.js v4 (`@huggingface/transformers`), as a
 * user would run it instead of AURA: `pipeline('text-classification', name)` on local files only.
 *
 * Devices, each the runtime transformers.js itself loads for it:
 * - Node 'cpu': onnxruntime-node (native C++ CPU EP), transformers.js's default in Node. Its CUDA EP
 *   is downloaded by an install script (skipped here, package.json allowScripts); the CPU binary ships
 *   inside the npm package and runs.
 * - Node 'wasm': onnxruntime-web's WASM EP, the runtime AURA uses in Node. transformers.js takes an ORT
 *   from `globalThis[Symbol.for('onnxruntime')]` when one is there before its first import; its wasm
 *   files must then be named locally (it points them at a CDN otherwise).
 * - Browser 'wasm' / 'webgpu': transformers.js's own onnxruntime-web build, wasm files served locally.
 * One Node process can hold one of the two Node runtimes (transformers.js picks at import).
 */
import type { TextClassificationPipeline } from '@huggingface/transformers';

export type PeerDevice = 'cpu' | 'wasm' | 'webgpu';

export interface PeerOptions {
  device: PeerDevice;
  /** Folder holding the model folders (Node: a path; browser: a URL path such as '/models/'). */
  modelRoot: string;
  /** The model folder's name under modelRoot. */
  model: string;
  /** 'fp32' → onnx/model.onnx, 'q8' → onnx/model_quantized.onnx (transformers.js's names). */
  dtype: 'fp32' | 'q8';
  /** Browser only: where transformers.js's onnxruntime-web wasm files are served (a URL prefix). */
  wasmPrefix?: string;
}

export interface PeerResult {
  label: string;
  score: number;
}

export interface TransformersPeer {
  device: PeerDevice;
  /** Which ORT build ran, with its version. */
  runtime: string;
  /** One request, as a user calls the pipeline: the top label and its probability. */
  classify(text: string): Promise<PeerResult>;
  /** The head's raw logits for one text (the tokenizer and model of the same pipeline). */
  logits(text: string): Promise<Float32Array>;
  dispose(): Promise<void>;
}

type Transformers = typeof import('@huggingface/transformers');

const ORT_SYMBOL = Symbol.for('onnxruntime');
const isNode = typeof process !== 'undefined' && Boolean(process.versions?.node);
let nodeRuntime: 'onnxruntime-node' | 'onnxruntime-web' | undefined;
let loaded: Promise<Transformers> | undefined;

/** transformers.js, importing onnxruntime-web first and handing it over where Node should use WASM. */
async function loadTransformers(device: PeerDevice): Promise<Transformers> {
  if (isNode) {
    if (device === 'webgpu') throw new Error("the peer's WebGPU device runs in a browser; in Node use 'cpu' or 'wasm'");
    const wanted = device === 'wasm' ? 'onnxruntime-web' : 'onnxruntime-node';
    if (nodeRuntime && nodeRuntime !== wanted) throw new Error(`transformers.js is already loaded on ${nodeRuntime} in this process; run '${device}' in another process`);
    nodeRuntime = wanted;
    if (device === 'wasm' && !(ORT_SYMBOL in globalThis)) {
      const ortName = 'onnxruntime-web';
      const ort = (await import(/* @vite-ignore */ ortName)) as typeof import('onnxruntime-web');
      const { pathToFileURL } = await import('node:url');
      const { createRequire } = await import('node:module');
      const main = createRequire(import.meta.url).resolve(ortName);
      ort.env.wasm.wasmPaths = new URL('./', pathToFileURL(main)).href;
      (globalThis as Record<symbol, unknown>)[ORT_SYMBOL] = ort;
    }
  }
  loaded ??= import('@huggingface/transformers');
  return loaded;
}

export async function createTransformersPeer(options: PeerOptions): Promise<TransformersPeer> {
  const transformers = await loadTransformers(options.device);
  const { env, pipeline } = transformers;
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = options.modelRoot;
  const onnx = env.backends.onnx as { wasm?: { wasmPaths?: unknown; numThreads?: number }; versions?: Record<string, string> };
  if (!isNode && options.wasmPrefix && onnx.wasm) onnx.wasm.wasmPaths = options.wasmPrefix;
  // In Node on onnxruntime-web, transformers.js lists no device of its own: 'auto' passes an empty
  // list and the session options name the WASM EP.
  const nodeWasm = isNode && options.device === 'wasm';
  const pipe = (await pipeline('text-classification', options.model, {
    dtype: options.dtype,
    device: nodeWasm ? 'auto' : options.device,
    ...(nodeWasm ? { session_options: { executionProviders: ['wasm'] } } : {}),
  })) as TextClassificationPipeline;
  const versions = onnx.versions ?? {};
  const runtime = isNode
    ? nodeRuntime === 'onnxruntime-web'
      ? `onnxruntime-web ${versions.web} (WASM EP, ${onnx.wasm?.numThreads ?? '?'} thread(s))`
      : `onnxruntime-node ${versions.node} (CPU EP)`
    : `onnxruntime-web ${versions.web} (${options.device === 'webgpu' ? 'WebGPU' : 'WASM'} EP)`;
  return {
    device: options.device,
    runtime,
    async classify(text) {
      const out = (await pipe(text)) as Array<{ label: string; score: number }>;
      return { label: out[0].label, score: out[0].score };
    },
    async logits(text) {
      const inputs = pipe.tokenizer([text], { padding: true, truncation: true });
      const { logits } = (await pipe.model(inputs)) as { logits: { data: Float32Array } };
      return Float32Array.from(logits.data);
    },
    dispose: () => pipe.dispose(),
  };
}
