import { STORAGE, bufferFrom } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { vectorTopKCpu, vectorTopKGpu } from '../kernels/memory-vector-search';
import { tensorRow, type Tensor } from '../gpu/tensor';
import type { PlannableStage } from '../core/plan';
import type { ExecutionPath } from '../core/names';
import type { LanguageService } from '../services/language/language-service';
import type { LnnService } from '../services/lnn/service';
import type { NeuromorphicService } from '../services/neuromorphic/service';
import type { ServiceRouter } from '../services/router/service-router';

/** A service built for each path the planner may try. */
export type Candidates<T> = Partial<Record<ExecutionPath, T>>;

const SENTENCE = 'remember that the sensor on the north wall reads high every morning';

function sine(n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(i / 4));
}

/**
 * One representative request per stage, at the sizes the runtime uses, so the planner compares
 * the two paths on the work they will really do.
 */
export const trialFor = {
  language: (c: Candidates<LanguageService>, signature: string): PlannableStage => ({
    name: 'language',
    signature,
    trial: async (path) => {
      const embedding = await c[path]!.embed([SENTENCE], { rows: true });
      embedding.tensor?.dispose();
    },
  }),
  neuromorphic: (get: (p: ExecutionPath) => NeuromorphicService): PlannableStage => ({
    name: 'neuromorphic',
    signature: `snn:${get('cpu').inputWidth}:${get('cpu').outputWidth}`,
    trial: async (path) => {
      const snn = get(path);
      // The run the stage makes: a classifier's own encoding and steps, else rate over 25.
      await snn.process({ input: new Array(snn.inputWidth).fill(0.5), ...(snn.classifier ? {} : { timeSteps: 25, encoding: 'rate' as const }) });
    },
  }),
  lnn: (get: (p: ExecutionPath) => LnnService): PlannableStage => ({
    name: 'lnn',
    signature: `lnn:${lnnSignature(get('cpu'))}`,
    trial: async (path) => {
      await get(path).infer({ sequence: sine(64) });
    },
  }),
  memory: (gpu: GpuContext, dimension: number): PlannableStage => {
    // A search over 2,000 stored vectors, the scale of a browser's working memory; made only when
    // the planner measures (not when the plan is forced or cached).
    const rows = 2000;
    let vectors: Float32Array | undefined;
    return {
      name: 'memory',
      signature: `vectors:${rows}x${dimension}`,
      trial: async (path) => {
        vectors ??= Float32Array.from({ length: rows * dimension }, (_, i) => Math.sin(i * 0.37));
        const query = vectors.subarray(0, dimension);
        if (path === 'gpu') await vectorTopKGpu(gpu, vectors, rows, dimension, query, 10, 'cosine');
        else vectorTopKCpu(vectors, rows, dimension, query, 10, 'cosine');
      },
    };
  },
  router: (get: (p: ExecutionPath) => ServiceRouter, hidden: number): PlannableStage => ({
    name: 'router',
    signature: `router:${hidden}`,
    trial: async (path) => {
      const router = get(path);
      const rows = new Float32Array(8 * hidden).fill(1 / Math.sqrt(hidden));
      // On the GPU path the embeddings are where BERT on the WebGPU EP leaves them: one buffer on the device.
      const device = path === 'gpu' ? router.embeddingPlacement().device : undefined;
      const batch: Tensor = device
        ? { kind: 'gpu', buffer: bufferFrom(device, rows, STORAGE, 'router trial embeddings'), device, byteOffset: 0, dtype: 'float32', shape: [8, hidden] }
        : { kind: 'cpu', data: rows, shape: [8, hidden] };
      try {
        await router.route(Array.from({ length: 8 }, (_, i) => ({ request: { text: `${SENTENCE} ${i}`, series: sine(32) }, embedding: tensorRow(batch, i) })));
      } finally {
        if (batch.kind === 'gpu') batch.buffer.destroy();
      }
    },
  }),
};

function lnnSignature(lnn: LnnService): string {
  const model = lnn.model;
  return model.kind === 'cfc' ? `cfc:${model.inputSize}:${model.stateSize}` : `ltc:${model.units}`;
}
