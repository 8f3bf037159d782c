/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { createAura, type Aura, type AuraProgress } from '../runtime/create-aura';
import type { AnsweredResponse } from '../runtime/answers';
import { installErrorTransfer } from './error-transfer';
import { env } from '../env';
import type { WorkerInit, WorkerRequest } from './protocol';

installErrorTransfer();

let aura: Aura | undefined;
const inFlight = new Map<string, AbortController>();

/** The runtime behind comlink: options and requests arrive by structured clone, never functions. */
const api = {
  /** `onProgress`: a Comlink.proxy of the page's listener; each loading event crosses back to it. */
  async init({ env: pageEnv, ...options }: WorkerInit, onProgress?: (event: AuraProgress) => void) {
    if (pageEnv) Object.assign(env, pageEnv);
    aura = await createAura({ ...options, onProgress: onProgress && ((event) => void onProgress(event)) });
    return { plan: aura.plan, adapter: aura.adapter };
  },
  async infer(request: WorkerRequest): Promise<AnsweredResponse> {
    if (!aura) throw new Error('the worker runtime is not initialised: call init() first');
    const controller = new AbortController();
    const id = typeof request.id === 'string' ? request.id : crypto.randomUUID();
    inFlight.set(id, controller);
    try {
      return await aura.infer({ ...request, id, signal: controller.signal });
    } finally {
      inFlight.delete(id);
    }
  },
  cancel(id: string): void {
    inFlight.get(id)?.abort();
  },
  metrics(): string {
    return aura?.metrics() ?? '';
  },
  async destroy(): Promise<void> {
    await aura?.destroy();
    aura = undefined;
  },
};

export type AuraWorkerApi = typeof api;
Comlink.expose(api);
