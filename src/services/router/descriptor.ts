import { STORAGE, bufferFrom } from '../../gpu/buffers';
import { tensorRow, type Tensor } from '../../gpu/tensor';
import type { ServiceKit } from '../service-descriptor';
import { ServiceRouter } from './service-router';

const SENTENCE = 'remember that the sensor on the north wall reads high every morning';

/**
 * The router, as the runtime builds and plans it. It is not a service a request is routed to (it is
 * the pipeline's gate), so it has no stage and is not in the registry.
 */
export const routerKit: Omit<ServiceKit<ServiceRouter>, 'stage'> = {
  create: async (path, env) => new ServiceRouter({ backend: path, gpu: env.gpu }),
  async trial(get, env) {
    const hidden = env.hiddenSize;
    return {
      name: 'router',
      signature: `router:${hidden}`,
      trial: async (path) => {
        const router = await get(path);
        const rows = new Float32Array(8 * hidden).fill(1 / Math.sqrt(hidden));
        // On the GPU path the embeddings are where BERT on the WebGPU EP leaves them: one buffer on the device.
        const device = path === 'gpu' ? router.embeddingPlacement().device : undefined;
        const batch: Tensor = device
          ? { kind: 'gpu', buffer: bufferFrom(device, rows, STORAGE, 'router trial embeddings'), device, byteOffset: 0, dtype: 'float32', shape: [8, hidden] }
          : { kind: 'cpu', data: rows, shape: [8, hidden] };
        try {
          const series = Array.from({ length: 32 }, (_, i) => Math.sin(i / 4));
          await router.route(Array.from({ length: 8 }, (_, i) => ({ request: { text: `${SENTENCE} ${i}`, series }, embedding: tensorRow(batch, i) })));
        } finally {
          if (batch.kind === 'gpu') batch.buffer.destroy();
        }
      },
    };
  },
  destroy: () => {},
};
