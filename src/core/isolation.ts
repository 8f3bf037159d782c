/**
 * Cross-origin isolation (COOP + COEP): a page served with both is `crossOriginIsolated`, so
 * SharedArrayBuffer exists and onnxruntime-web's WASM EP can run on several threads. `require-corp`
 * (not `credentialless`) because every browser that isolates supports it; the page's own files are
 * same-origin, and the models and blobs it fetches from other origins come through CORS.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/**
 * What the edge sends on every response: the isolation headers, and a resource policy that lets an
 * isolated page on another origin read its answers and blobs (CORS still decides who may).
 */
export const EDGE_HEADERS: Readonly<Record<string, string>> = {
  ...ISOLATION_HEADERS,
  'cross-origin-resource-policy': 'cross-origin',
};

/** Threads for onnxruntime-web's WASM EP: one per core (at most 8) where threads exist, else 1. */
export function wasmThreadCount(): number {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number }; process?: { versions?: { node?: string } } };
  // Node runs the WASM EP's threads on worker_threads: no isolation needed there.
  const inNode = Boolean(g.process?.versions?.node) && !('document' in globalThis);
  if (!inNode && g.crossOriginIsolated !== true) return 1;
  const cores = inNode ? nodeCores() : (g.navigator?.hardwareConcurrency ?? 1);
  return Math.max(1, Math.min(8, cores));
}

function nodeCores(): number {
  const os = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.('node:os') as typeof import('node:os') | undefined;
  return os?.availableParallelism?.() ?? 1;
}
