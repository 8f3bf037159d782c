import { vectorTopKCpu, vectorTopKGpu } from '../../kernels/memory-vector-search';
import type { ServiceDescriptor } from '../service-descriptor';
import { MemoryService } from './memory-service';
import { type MemoryServiceOptions } from './memory-types';
import { MemoryNotes } from './memory-notes';
import { indexedDbRelationStore, inMemoryRelationStore, MemoryRelations } from './relations';
import { MemoryStage } from './stage';

/** The memory's options in `createAura({ memory })`: the path, device and dimension are the runtime's. */
export type MemoryRuntimeOptions = Omit<MemoryServiceOptions, 'backend' | 'gpu' | 'dimension'>;

/** Tiered memory with vector and shape search; it needs an L2 store (IndexedDB, or the caller's) to run. */
export const memoryDescriptor: ServiceDescriptor<MemoryService, MemoryRuntimeOptions, 'memory'> = {
  name: 'memory',
  async prepare(options = {}) {
    return {
      async create(path, env) {
        // L2 lives in IndexedDB, or in the store the caller names (the edge node: LMDB).
        if (typeof indexedDB === 'undefined' && !options.l2Store) return undefined;
        env.progress('opening the memory tiers');
        return MemoryService.open({ ...options, backend: path, gpu: env.gpu, dimension: env.hiddenSize });
      },
      // A search over 2,000 stored vectors, the scale of a browser's working memory; the vectors are
      // made only when the planner measures (not when the plan is forced or cached).
      async trial(_get, env) {
        const rows = 2000;
        const dimension = env.hiddenSize;
        let vectors: Float32Array | undefined;
        return {
          name: 'memory',
          signature: `vectors:${rows}x${dimension}`,
          trial: async (path) => {
            vectors ??= Float32Array.from({ length: rows * dimension }, (_, i) => Math.sin(i * 0.37));
            const query = vectors.subarray(0, dimension);
            if (path === 'gpu') await vectorTopKGpu(env.gpu, vectors, rows, dimension, query, 10, 'cosine');
            else vectorTopKCpu(vectors, rows, dimension, query, 10, 'cosine');
          },
        };
      },
      stage: (service, env) => new MemoryStage(service, env.hiddenSize, env.embedText && new MemoryNotes(service, env.embedText, relationsFor(options))),
      destroy: (service) => service.close(),
    };
  },
};

/** The notes' relations beside the memory's own IndexedDB database; in process memory where L2 is elsewhere (the edge keeps its relations in PostgreSQL). */
function relationsFor(options: MemoryRuntimeOptions): MemoryRelations {
  const inBrowserDb = typeof indexedDB !== 'undefined' && !options.l2Store;
  return new MemoryRelations(inBrowserDb ? indexedDbRelationStore(`aura-memory-relations-${options.name ?? 'default'}`) : inMemoryRelationStore());
}
