import { InvalidInputError, requireInteger, requireNumberInRange } from '../../errors';
import { acquireGpu, type GpuContext } from '../../gpu/device';
import { IdbTier, memoryRequestPersistence } from './idb-tier';
import type { L2Store } from './l2-store';
import { MemorySearch } from './memory-search';
import type { MemoryServiceOptions } from './memory-types';
import { createEvictionPolicy, type EvictionPolicy, type PolicyName } from './policy';
import { RemoteTier } from './remote-tier';
import { DEFAULT_SHAPE_OPTIONS, requireShapeOptions } from './shape';
import { shapeSignatureLength } from './shape-signature';
import { requireMemoryKey } from './validate';
import { VectorIndex } from './vector-index';

const MiB = 1024 * 1024;

/** What a memory is made of, from its checked options: the tiers, their policies, and its search. */
export interface MemoryParts {
  limits: { l1BudgetBytes: number; l2BudgetBytes: number; maxValueBytes: number };
  gpu: GpuContext | null;
  /** The memory acquired its own device (none was passed) and destroys it on close. */
  ownsGpu: boolean;
  l1Policy: EvictionPolicy;
  l2Policy: EvictionPolicy;
  l2: L2Store;
  remote: RemoteTier | null;
  search: MemorySearch;
  policyName: PolicyName;
  uploadRetryMs: number;
}

/** Checks the options (typed errors before anything opens), then opens L2 and makes the search indices. */
export async function openMemoryParts(options: MemoryServiceOptions): Promise<MemoryParts> {
  const dimension = requireInteger('dimension', options.dimension ?? 384, 1, 65_536);
  const backend = options.backend ?? 'gpu';
  if (backend !== 'gpu' && backend !== 'cpu') throw new InvalidInputError(`backend is '${String(backend)}'`, "use 'gpu' or 'cpu'");
  const policy = options.policy ?? 'w-tinylfu';
  const l1BudgetBytes = requireNumberInRange('l1BudgetBytes', options.l1BudgetBytes ?? 64 * MiB, 1, Number.MAX_SAFE_INTEGER);
  const l2BudgetBytes = requireNumberInRange('l2BudgetBytes', options.l2BudgetBytes ?? 1024 * MiB, 1, Number.MAX_SAFE_INTEGER);
  const maxValueBytes = requireNumberInRange('maxValueBytes', options.maxValueBytes ?? 16 * MiB, 1, Number.MAX_SAFE_INTEGER);
  const vectorBudgetBytes = requireNumberInRange('vectorBudgetBytes', options.vectorBudgetBytes ?? 256 * MiB, 1, Number.MAX_SAFE_INTEGER);
  const chunkRows = requireInteger('chunkRows', options.chunkRows ?? 16_384, 1, 1 << 24);
  const name = requireMemoryKey(options.name ?? 'default');
  const shapeOptions = requireShapeOptions({ ...DEFAULT_SHAPE_OPTIONS, ...options.shape });
  const ownsGpu = backend === 'gpu' && !options.gpu && !options.runtime;
  const gpu = backend === 'gpu' ? (options.gpu ?? (options.runtime ? await options.runtime.context() : await acquireGpu())) : null;
  const remote = options.remote ? new RemoteTier(options.remote) : null;
  const l2 = options.l2Store ? await options.l2Store(name, options.writeGuard) : await IdbTier.open(name, options.writeGuard);
  if (options.persist) await memoryRequestPersistence();
  const vectors = new VectorIndex(dimension, { gpu, chunkRows, budgetBytes: vectorBudgetBytes, label: 'memory vectors' });
  const signatureDim = shapeSignatureLength(shapeOptions);
  const signatures = new VectorIndex(signatureDim, { gpu, chunkRows: Math.min(chunkRows, 4096), budgetBytes: vectorBudgetBytes, label: 'shape signatures' });
  return {
    limits: { l1BudgetBytes, l2BudgetBytes, maxValueBytes },
    gpu,
    ownsGpu,
    l1Policy: createEvictionPolicy(policy, l1BudgetBytes, 4096),
    l2Policy: createEvictionPolicy(policy, l2BudgetBytes, 65_536),
    l2,
    remote,
    search: new MemorySearch(vectors, signatures, gpu, dimension, shapeOptions, backend === 'gpu' ? options.runtime : undefined),
    policyName: policy,
    uploadRetryMs: requireNumberInRange('uploadRetryMs', options.uploadRetryMs ?? 1000, 1, 3_600_000),
  };
}
