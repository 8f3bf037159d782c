// The memory service's public API (named, service-specific exports).
export { MemoryService } from './memory-service';
export { type MemoryServiceOptions, type MemoryStoreItem, type MemoryStoreResult, type MemoryRetrieveResult, type MemoryQueryOptions, type MemoryQueryResult, type MemoryTier, type MemoryEvent } from './memory-types';
export { MemoryNotFoundError, MemoryQuotaError, MemoryBudgetError, BlobIntegrityError, RemoteUnavailableError, RemoteTimeoutError, MemoryQueryTensorError, ShapeTooLargeError } from './errors';
export { type MemoryQueryInput } from './query-tensor';
export { FrequencySketch } from './frequency-sketch';
export { LruPolicy, WTinyLfuPolicy, createEvictionPolicy, simulatePolicyHitRatio, hotSetWithScansTrace, type EvictionPolicy, type PolicyName } from './policy';
export { delayEmbedding, autoDelay, zNormalize, persistenceDiagram, persistenceLandscape, shapePointCloud, DEFAULT_SHAPE_OPTIONS, type PersistencePair, type ShapeInput, type ShapeOptions, type ShapeDiagram, type ShapeInputCloud } from './shape';
export { ripsPersistence, type RipsDiagram } from './rips-persistence';
export { RIPS_MAX_POINTS } from './rips-filtration';
export { shapeSignature, shapeSignatureLength, SHAPE_SIGNATURE_VERSION } from './shape-signature';
export { RemoteTier, REMOTE_DEFAULTS, type RemoteTierOptions } from './remote-tier';
export { memoryStorageEstimate, memoryRequestPersistence } from './idb-tier';
export { encodeMemoryData, decodeMemoryData, sha256Hex as memorySha256Hex, type MemoryData } from './codec';
export {
  vectorTopKCpu,
  vectorTopKGpu,
  vectorScoresCpu,
  topKCpu as memoryTopKCpu,
  pairwiseDistancesCpu,
  pairwiseDistancesGpu,
  type MemoryMetric,
} from '../../kernels/memory-vector-search';
export { memoryQueryInfoCpu, memoryQueryInfoGpu, type MemoryQueryNormInfo } from '../../kernels/memory-query-norm';
