import { describe, expect, it } from 'vitest';
import { STORAGE, bufferFrom } from '../../../src/gpu/buffers';
import { tensorRow, type Tensor } from '../../../src/gpu/tensor';
import { type Packet } from '../../../src/services/service-stage';
import { validateRequest } from '../../../src/core/request';
import { NeuromorphicStage } from '../../../src/services/neuromorphic/stage';
import { NeuromorphicService } from '../../../src/services/neuromorphic/service';
import { withGpu } from '../../helpers/gpu';

const hidden = 128;
const embeddings = Float32Array.from({ length: 3 * hidden }, (_, i) => Math.sin(i / 7) * 0.1);
const packet = (tensor: Tensor): Packet => ({ tensor });

/**
 * A text-only request reaches the spiking network as its embedding. On the GPU path an embedding that
 * lives on the network's device is shaped there (resample, min–max) and fed in place; the answer
 * equals shaping the same row on the CPU.
 */
describe('the neuromorphic stage given a text embedding', () => {
  it('shapes a resident row on the GPU and answers as the CPU-shaped row does', () =>
    withGpu(async (ctx) => {
      const snn = new NeuromorphicService(ctx, { backend: 'gpu' });
      const stage = new NeuromorphicStage(snn, ctx);
      const request = validateRequest({ text: 'a sentence' });
      expect(stage.embeddingPlacement(request)).toEqual({ path: 'gpu', device: ctx.device });
      expect(stage.embeddingPlacement(validateRequest({ text: 'with numbers', series: [1, 2, 3] }))).toBeUndefined();
      const buffer = bufferFrom(ctx.device, embeddings, STORAGE, 'embeddings');
      try {
        const batch: Tensor = { kind: 'gpu', buffer, device: ctx.device, byteOffset: 0, dtype: 'float32', shape: [3, hidden] };
        const cpuBatch: Tensor = { kind: 'cpu', data: embeddings, shape: [3, hidden] };
        const resident = await stage.run({ request, embedding: packet(tensorRow(batch, 2)) });
        const shapedOnCpu = await stage.run({ request, embedding: packet(tensorRow(cpuBatch, 2)) });
        expect(resident.path).toBe('gpu');
        expect(resident.decision).toBe(shapedOnCpu.decision);
        const spikes = (r: typeof resident) => (r.output as { spikeCount: number }).spikeCount;
        expect(spikes(resident)).toBeGreaterThan(0);
        expect(spikes(resident)).toBe(spikes(shapedOnCpu));
      } finally {
        buffer.destroy();
        snn.destroy();
      }
    }));
});
