import type { LnnModel } from '../../kernels/lnn-model';
import type { ServiceDescriptor } from '../service-descriptor';
import { loadDefaultLnnModel } from './default-model';
import { LnnService } from './service';
import { LnnStage } from './stage';

/** The liquid network with the trained births CfC (public/models/aura-cfc-births), read once for both paths. */
export const lnnDescriptor: ServiceDescriptor<LnnService, undefined, 'lnn'> = {
  name: 'lnn',
  async prepare() {
    const model = await loadDefaultLnnModel();
    return {
      create: async (path, env) => new LnnService(path === 'gpu' ? env.gpu : null, { backend: path, model }),
      async trial(get) {
        return {
          name: 'lnn',
          signature: `lnn:${lnnSignature((await get('cpu')).model)}`,
          trial: async (path) => {
            await (await get(path)).infer({ sequence: Array.from({ length: 64 }, (_, i) => Math.sin(i / 4)) });
          },
        };
      },
      stage: (service) => new LnnStage(service, service.model),
      destroy: (service) => service.destroy(),
    };
  },
};

function lnnSignature(model: LnnModel): string {
  return model.kind === 'cfc' ? `cfc:${model.inputSize}:${model.stateSize}` : `ltc:${model.units}`;
}
