import type { AuraOptions } from '../runtime/create-aura';
import type { AuraRequest } from '../pipeline/request';

/** Options that can cross to a worker: no callbacks, no live objects. */
export type WorkerAuraOptions = Omit<AuraOptions, 'onProgress' | 'consensus' | 'planStore'> & { consensus?: 'local' | false };

/** A request as it crosses to the worker: the AbortSignal stays on this side. */
export type WorkerRequest = Omit<AuraRequest, 'signal'>;
