import type { ServiceDescriptor } from '../service-descriptor';
import { loadDefaultSnnClassifier } from './default-model';
import { NeuromorphicService } from './service';
import { NeuromorphicStage } from './stage';

/** The spiking network with the trained digit classifier (public/models/aura-snn-digits), read once for both paths. */
export const neuromorphicDescriptor: ServiceDescriptor<NeuromorphicService, undefined, 'neuromorphic'> = {
  name: 'neuromorphic',
  async prepare() {
    const classifier = await loadDefaultSnnClassifier();
    return {
      create: async (path, env) => new NeuromorphicService(path === 'gpu' ? env.gpu : null, { backend: path, classifier }),
      async trial(get) {
        const cpu = await get('cpu');
        return {
          name: 'neuromorphic',
          signature: `snn:${cpu.inputWidth}:${cpu.outputWidth}`,
          trial: async (path) => {
            const snn = await get(path);
            // The run the stage makes: a classifier's own encoding and steps, else rate over 25.
            await snn.process({ input: new Array(snn.inputWidth).fill(0.5), ...(snn.classifier ? {} : { timeSteps: 25, encoding: 'rate' as const }) });
          },
        };
      },
      stage: (service, env) => new NeuromorphicStage(service, env.gpu),
      destroy: (service) => service.destroy(),
    };
  },
};
