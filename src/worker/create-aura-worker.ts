import * as Comlink from 'comlink';
import type { BackendPlan } from '../core/plan';
import type { AuraRequest } from '../core/request';
import type { AnsweredResponse } from '../runtime/answers';
import type { AdapterSummary } from '../gpu/device';
import { CancelledError } from '../core/deadline';
import { installErrorTransfer } from './error-transfer';
import { envSnapshot } from '../env';
import { AuraError } from '../errors';
import type { AuraWorkerApi } from './aura.worker';
import type { WorkerAuraOptions } from './protocol';
import type { AuraProgress } from '../runtime/progress';

export interface AuraWorker {
  infer(request: AuraRequest): Promise<AnsweredResponse>;
  metrics(): Promise<string>;
  readonly plan: BackendPlan;
  readonly adapter: AdapterSummary;
  destroy(): Promise<void>;
}

/**
 * The runtime in a Web Worker behind comlink, so inference never blocks the page. Errors keep
 * name, message, stack, code and hint; an AbortSignal cancels the request inside the worker.
 */
export async function createAuraWorker(options: WorkerAuraOptions & { onProgress?: (event: AuraProgress) => void } = {}): Promise<AuraWorker> {
  const { onProgress, ...rest } = options;
  installErrorTransfer();
  const worker = new Worker(new URL('./aura.worker.ts', import.meta.url), { type: 'module', name: 'aura-runtime' });
  const remote = Comlink.wrap<AuraWorkerApi>(worker);
  // A worker script that fails to load only fires 'error': without this, init() would wait forever.
  let onError: (event: Event) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    onError = (event) => reject(new WorkerStartError((event as ErrorEvent).message || 'the worker script failed to load'));
    worker.addEventListener('error', onError);
  });
  let started: { plan: BackendPlan; adapter: AdapterSummary };
  try {
    started = await Promise.race([remote.init({ ...rest, env: envSnapshot() }, onProgress && Comlink.proxy(onProgress)), failed]);
  } catch (error) {
    worker.terminate();
    throw error;
  } finally {
    worker.removeEventListener('error', onError);
  }
  const { plan, adapter } = started;
  return {
    plan,
    adapter,
    async infer({ signal, ...request }) {
      const id = request.id ?? crypto.randomUUID();
      if (signal?.aborted) throw new CancelledError('start');
      const onAbort = () => void remote.cancel(id);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await remote.infer({ ...request, id });
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
    metrics: () => remote.metrics(),
    async destroy() {
      await remote.destroy();
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

/** The worker script did not start (not found, not served as JavaScript, or threw while loading). */
export class WorkerStartError extends AuraError {
  override readonly name: string = 'WorkerStartError';
  constructor(message: string) {
    super('WORKER_START', message, "check that the bundler emitted aura.worker.js (it is referenced as new URL('./aura.worker.js', import.meta.url)) and that it is served as JavaScript");
  }
}
