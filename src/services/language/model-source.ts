// Model files are found and fetched below the services, in src/models/ (one place for every loader).
export { loadModelBytes, loadModelJson, type ModelLoadProgress, type ModelFetchOptions } from '../../models/fetch';
export { indexedDbModelCache, cacheApiModelCache, defaultModelCache, type ModelByteCache } from '../../models/cache';
