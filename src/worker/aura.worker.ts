/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { createAura, type Aura } from '../runtime/create-aura';
import type { UnifiedResponse } from '../pipeline/response';
import { installErrorTransfer } from './error-transfer';
import { env } from '../env';
import type { WorkerInit, WorkerRequest } from './protocol';

installErrorTransfer();

let aura: Aura | undefined;
const inFlight = new Map<string, AbortController>();

/** The runtime behind comlink: options and requests arrive by structured clone, never functions. */
const api = {
  async init({ env: pageEnv, ...options }: WorkerInit) {
    if (pageEnv) Object.assign(env, pageEnv);
    aura = await createAura(options);
    return { plan: aura.plan, adapter: aura.adapter };
  },
  async infer(request: WorkerRequest): Promise<UnifiedResponse> {
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
