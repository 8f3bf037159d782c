import type { AuraOptions } from '../runtime/create-aura';
import type { AuraRequest } from '../core/request';
import type { AuraEnvSnapshot } from '../env';

/** Options that can cross to a worker: no callbacks, no live objects. */
export type WorkerAuraOptions = Omit<AuraOptions, 'onProgress' | 'consensus' | 'planStore'> & { consensus?: 'local' | false };

/** What init() receives: the options, and the page's `env` (the worker is a realm of its own). */
export type WorkerInit = WorkerAuraOptions & { env?: AuraEnvSnapshot };

/** A request as it crosses to the worker: the AbortSignal stays on this side. */
export type WorkerRequest = Omit<AuraRequest, 'signal'>;
