// The language service's public API.
export { LanguageService, defaultLanguageModelSource } from './language-service';
export type { LanguageServiceOptions, LanguageModelSource, ModelDtype, EmbedOptions, LanguageEmbedding, LanguageEmbeddingWithClasses, LanguageGpuTensor, LanguageClassification, LanguageClassResult } from './language-service';
export { BertTokenizer, padBertRows, type BertEncoding, type BertBatch, type BertEncodeOptions } from './tokenizer';
export { BertSession, type ShapeBuckets, type WarmUpRecord, type BertExecutionProvider } from './bert-session';
export { loadModelBytes, loadModelJson, indexedDbModelCache, cacheApiModelCache, defaultModelCache, type ModelByteCache, type ModelLoadProgress, type ModelFetchOptions } from './model-source';
export { loadOrt, webGpuEpAvailable } from './ort-runtime';
export { TokenizationError, ModelCapabilityError, LanguageServiceClosedError } from './errors';
export { bertMeanPoolCpu, bertMeanPoolGpu, bertMeanPoolResident, type MeanPoolShape } from '../../kernels/bert-pooling';
export { MODEL_DTYPE_FILES, DEFAULT_LANGUAGE_MODEL, defaultDtypeFor, modelDirectorySource, defaultModelSource } from './model-directory';
export { labelsFromConfig } from './class-head';
