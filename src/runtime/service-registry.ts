import type { ServiceName } from '../core/names';
import { languageDescriptor } from '../services/language/descriptor';
import { lnnDescriptor } from '../services/lnn/descriptor';
import { memoryDescriptor } from '../services/memory/descriptor';
import { neuromorphicDescriptor } from '../services/neuromorphic/descriptor';
import type { ServiceDescriptor } from '../services/service-descriptor';
import { consensusDescriptor } from '../services/consensus/descriptor';

/**
 * Every service the runtime can run, in the order it builds them and their stages: createAura
 * iterates this list. Adding a service is its folder (with a descriptor) and one line here.
 */
export const SERVICE_REGISTRY = [languageDescriptor, neuromorphicDescriptor, lnnDescriptor, memoryDescriptor, consensusDescriptor] as const;

type Registered = (typeof SERVICE_REGISTRY)[number];

/** The service object a registered descriptor builds, by name. */
export type ServiceOf<K extends ServiceName> = Extract<Registered, { name: K }> extends ServiceDescriptor<infer S, infer _O, K> ? S : never;
/** The options `createAura` passes to a registered descriptor, by name. */
export type ServiceOptionsOf<K extends ServiceName> = Extract<Registered, { name: K }> extends ServiceDescriptor<infer _S, infer O, K> ? O : never;

