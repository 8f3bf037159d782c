import { describe, expect, it } from 'vitest';
import { GpuValidationError, InvalidInputError } from '../../../src/errors';
import { STORAGE, Usage, bufferFrom, readFloat32 } from '../../../src/gpu/buffers';
import { acquireGpu, type GpuContext } from '../../../src/gpu/device';
import { shapeSeriesCpu, shapeSeriesGpu } from '../../../src/kernels/series-shape';
import type { GpuTensor } from '../../../src/gpu/tensor';
import { SnnEncodingRangeError, SnnResidentLearningError } from '../../../src/services/neuromorphic/errors';
import { NeuromorphicService, type NeuromorphicRequest, type NeuromorphicResponse } from '../../../src/services/neuromorphic/service';
import { TOLERANCE, maxAbsDiff, withGpu } from '../../helpers/gpu';

const WIDTH = 16;
/** A text embedding stand-in (48 values), shaped to the network's width as the pipeline does. */
const embedding = Float32Array.from({ length: 48 }, (_, i) => Math.sin(i * 0.7) * 0.3 + (i % 5) * 0.01);
const shaped = shapeSeriesCpu(embedding, WIDTH);

/** `values` on `device`, `pad` floats into the buffer (a non-zero byte offset). */
function resident(device: GPUDevice, values: Float32Array, pad = 0, usage = STORAGE): GpuTensor {
  const data = new Float32Array(pad + values.length + 2).fill(9);
  data.set(values, pad);
  return { kind: 'gpu', buffer: bufferFrom(device, data, usage, 'resident-input'), device, byteOffset: pad * 4, dtype: 'float32', shape: [values.length] };
}

function sameResult(a: NeuromorphicResponse, b: NeuromorphicResponse): void {
  expect(a.path).toBe('gpu');
  expect(b.path).toBe('gpu');
  expect(Array.from(a.output)).toEqual(Array.from(b.output));
  expect(Array.from(a.membrane)).toEqual(Array.from(b.membrane));
  expect(Array.from(a.threshold)).toEqual(Array.from(b.threshold));
  expect(Array.from(a.raster?.spikes ?? [])).toEqual(Array.from(b.raster?.spikes ?? []));
  expect(a.spikeCount).toBe(b.spikeCount);
  expect(a.inputSpikeCount).toBe(b.inputSpikeCount);
  expect(a.synapticOps).toBe(b.synapticOps);
  expect(a.macs).toBe(b.macs);
  expect(a.energyPj).toBe(b.energyPj);
}

async function withService(ctx: GpuContext, body: (snn: NeuromorphicService) => Promise<void>): Promise<void> {
  const snn = new NeuromorphicService(ctx, { backend: 'gpu', inputSize: WIDTH });
  try {
    await body(snn);
  } finally {
    snn.destroy();
  }
}

describe('NeuromorphicService.process with a GPU-resident input', () => {
  it('exposes its device (undefined on the CPU backend)', () =>
    withGpu(async (ctx) => {
      await withService(ctx, async (snn) => expect(snn.device).toBe(ctx.device));
      expect(new NeuromorphicService(null, { backend: 'cpu' }).device).toBeUndefined();
    }));

  it('gives exactly the output, counts and energy of the same values as a Float32Array (rate, at a byte offset)', () =>
    withGpu(async (ctx) =>
      withService(ctx, async (snn) => {
        const request = { timeSteps: 25, encoding: { kind: 'rate', seed: 3 }, raster: true } as const;
        const tensor = resident(ctx.device, shaped, 5);
        try {
          const fromArray = await snn.process({ ...request, input: shaped });
          const fromGpu = await snn.process({ ...request, input: tensor });
          sameResult(fromGpu, fromArray);
          expect(fromGpu.spikeCount).toBeGreaterThan(0);
          // A CpuTensor and a [1, width] GpuTensor take the same values.
          sameResult(await snn.process({ ...request, input: { kind: 'cpu', data: shaped, shape: [WIDTH] } }), fromArray);
          sameResult(await snn.process({ ...request, input: { ...tensor, shape: [1, WIDTH] } }), fromArray);
        } finally {
          tensor.buffer.destroy();
        }
      })));

  it('direct currents: the same, with dense MACs counted', () =>
    withGpu(async (ctx) =>
      withService(ctx, async (snn) => {
        const currents = shaped.map((x) => x * 3 - 1);
        const tensor = resident(ctx.device, currents);
        try {
          const request = { timeSteps: 8, encoding: 'direct' } as const;
          const a = await snn.process({ ...request, input: tensor });
          sameResult(a, await snn.process({ ...request, input: currents }));
          expect(a.macs).toBe(8 * WIDTH * 64);
        } finally {
          tensor.buffer.destroy();
        }
      })));

  it('the pipeline case: an embedding shaped on the GPU by shapeSeriesGpu, never read back', () =>
    withGpu(async (ctx) =>
      withService(ctx, async (snn) => {
        const source = resident(ctx.device, embedding, 1);
        const input = await shapeSeriesGpu(ctx, source, snn.inputWidth);
        try {
          const request = { timeSteps: 25, encoding: 'rate', raster: true } as const;
          // The test's own read-back: the shaped values within TOLERANCE of the CPU's, and the run equal to theirs.
          const values = await readFloat32(ctx.device, input.buffer, WIDTH);
          expect(maxAbsDiff(values, shaped)).toBeLessThanOrEqual(TOLERANCE.f32Elementwise);
          sameResult(await snn.process({ ...request, input }), await snn.process({ ...request, input: values }));
        } finally {
          input.destroy();
          source.buffer.destroy();
        }
      })));

  it('out-of-range or non-finite resident values are the typed errors of the array path, after the run', () =>
    withGpu(async (ctx) =>
      withService(ctx, async (snn) => {
        const cases: Array<[number, string, new (...args: never[]) => Error, RegExp]> = [
          [1.5, 'rate', SnnEncodingRangeError, /input\[6\] \(GPU-resident\) is outside the rate encoder's range/],
          [-0.25, 'latency', SnnEncodingRangeError, /outside the latency/],
          [2e6, 'direct', SnnEncodingRangeError, /outside the direct/],
          [NaN, 'rate', InvalidInputError, /input\[6\] \(GPU-resident\) is NaN or ±Infinity/],
          [-Infinity, 'direct', InvalidInputError, /NaN or ±Infinity/],
        ];
        for (const [value, kind, type, message] of cases) {
          const values = shaped.slice();
          values[6] = value;
          values[11] = value;
          const tensor = resident(ctx.device, values, 2);
          try {
            const run = snn.process({ input: tensor, timeSteps: 5, encoding: kind as NeuromorphicRequest['encoding'] });
            await expect(run).rejects.toThrow(type);
            await expect(run).rejects.toThrow(message);
          } finally {
            tensor.buffer.destroy();
          }
        }
        // In range for direct (|x| ≤ 1e6) though not for rate: accepted.
        const loud = resident(ctx.device, shaped.map((x) => x * 1000 - 500));
        try {
          await expect(snn.process({ input: loud, timeSteps: 2, encoding: 'direct' })).resolves.toMatchObject({ path: 'gpu' });
        } finally {
          loud.buffer.destroy();
        }
      })));

  it('with a reward it is refused up front, and the weights do not change', () =>
    withGpu(async (ctx) =>
      withService(ctx, async (snn) => {
        const tensor = resident(ctx.device, shaped);
        try {
          const before = await snn.layerWeights(1);
          await expect(snn.process({ input: tensor, timeSteps: 10, encoding: 'rate', reward: 1 })).rejects.toThrow(SnnResidentLearningError);
          await expect(snn.process({ input: tensor, timeSteps: 10, encoding: 'rate', reward: 1 })).rejects.toThrow(/pass the values as an array/);
          expect(Array.from(await snn.layerWeights(1))).toEqual(Array.from(before));
          // The same values as an array learn.
          await snn.process({ input: shaped, timeSteps: 10, encoding: 'rate', reward: 1 });
          expect(Array.from(await snn.layerWeights(1))).not.toEqual(Array.from(before));
        } finally {
          tensor.buffer.destroy();
        }
      })));

  it('a wrong shape, offset or buffer is a typed error', () =>
    withGpu(async (ctx) =>
      withService(ctx, async (snn) => {
        const tensor = resident(ctx.device, shaped);
        const noCopy = resident(ctx.device, shaped, 0, Usage.STORAGE);
        try {
          const run = (input: NeuromorphicRequest['input']) => snn.process({ input, timeSteps: 2, encoding: 'rate' });
          await expect(run({ ...tensor, shape: [WIDTH - 1] })).rejects.toThrow(/input has 15 values/);
          await expect(run({ ...tensor, shape: [2, WIDTH] })).rejects.toThrow(InvalidInputError);
          await expect(run({ ...tensor, byteOffset: 6 })).rejects.toThrow(/byteOffset/);
          await expect(run({ ...tensor, byteOffset: 12 })).rejects.toThrow(/inside its buffer/);
          await expect(run({ ...tensor, dtype: 'int32' as 'float32' })).rejects.toThrow(InvalidInputError);
          await expect(run(noCopy)).rejects.toThrow(/COPY_SRC/);
          await expect(run({ kind: 'cpu', data: shaped.subarray(1), shape: [WIDTH] })).rejects.toThrow(InvalidInputError);
          // A failed request does not block the next one.
          await expect(run(tensor)).resolves.toMatchObject({ path: 'gpu' });
        } finally {
          tensor.buffer.destroy();
          noCopy.buffer.destroy();
        }
      })));

  it("another device's tensor is read back and gives the same result; a CPU backend reads it back too", () =>
    withGpu(async (ctx) => {
      const other = await acquireGpu();
      const elsewhere = resident(other.device, shaped, 3);
      const cpu = new NeuromorphicService(null, { backend: 'cpu', inputSize: WIDTH });
      try {
        await withService(ctx, async (snn) => {
          const request = { timeSteps: 25, encoding: { kind: 'rate', seed: 8 }, raster: true } as const;
          sameResult(await snn.process({ ...request, input: elsewhere }), await snn.process({ ...request, input: shaped }));
          // A tensor that names this device but holds another device's buffer fails the copy: typed.
          await expect(snn.process({ ...request, input: { ...elsewhere, device: ctx.device } })).rejects.toThrow(GpuValidationError);
          const onCpu = await cpu.process({ ...request, input: elsewhere });
          const fromArray = await cpu.process({ ...request, input: shaped });
          expect(onCpu.path).toBe('cpu');
          expect(Array.from(onCpu.output)).toEqual(Array.from(fromArray.output));
          expect(onCpu.energyPj).toBe(fromArray.energyPj);
          // The CPU backend may learn from a GPU tensor: its values were read back and checked first.
          await expect(cpu.process({ ...request, input: elsewhere, reward: 0.5 })).resolves.toMatchObject({ path: 'cpu' });
        });
      } finally {
        elsewhere.buffer.destroy();
        other.destroy();
      }
    }));
});
