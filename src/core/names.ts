/** The services a request can be routed to, in the order the runtime builds them. */
export const SERVICE_NAMES = ['language', 'neuromorphic', 'lnn', 'memory', 'consensus'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Where a service's work runs: its GPU path (WebGPU) or its CPU path. */
export type ExecutionPath = 'gpu' | 'cpu';
