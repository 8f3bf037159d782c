import type { ServiceDescriptor } from '../service-descriptor';
import { LanguageService } from './language-service';
import type { LanguageServiceOptions } from './language-types';
import { modelChoiceSignature } from './model-directory';
import { LanguageStage } from './stage';

/** The language service's options in `createAura({ language })`: the path is the plan's. */
export type LanguageRuntimeOptions = Omit<LanguageServiceOptions, 'backend'>;

const SENTENCE = 'remember that the sensor on the north wall reads high every morning';

/** BERT on onnxruntime-web: the WebGPU EP on the gpu path, WASM on the cpu path. */
export const languageDescriptor: ServiceDescriptor<LanguageService, LanguageRuntimeOptions, 'language'> = {
  name: 'language',
  async prepare(options = {}) {
    const signature = modelChoiceSignature(options);
    return {
      async create(path, env) {
        env.progress(`loading BERT on the ${path === 'gpu' ? 'WebGPU' : 'WASM'} execution provider`);
        // The pipeline's batcher already groups requests: the service adds no wait of its own unless asked.
        return LanguageService.create({ ...options, maxWaitMs: options.maxWaitMs ?? 0, onProgress: (e) => env.fileProgress(e), backend: path });
      },
      async trial(get) {
        return {
          name: 'language',
          signature,
          trial: async (path) => {
            const embedding = await (await get(path)).embed([SENTENCE], { rows: true });
            embedding.tensor?.dispose();
          },
        };
      },
      stage: (service) => new LanguageStage(service, bertDims(service)),
      destroy: (service) => service.destroy(),
    };
  },
};

/** The BERT dimensions that energy is counted from, read from the model's config.json. */
export function bertDims(language: LanguageService) {
  const config = language.config;
  const num = (key: string, fallback: number) => (typeof config[key] === 'number' ? (config[key] as number) : fallback);
  const labels = typeof config.id2label === 'object' && config.id2label ? Object.keys(config.id2label).length : 0;
  return {
    hiddenSize: language.hiddenSize,
    layers: num('num_hidden_layers', 12),
    intermediateSize: num('intermediate_size', 4 * language.hiddenSize),
    labels,
  };
}

