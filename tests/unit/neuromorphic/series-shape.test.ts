import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors';
import { STORAGE, bufferFrom, readFloat32, readUint32 } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/device';
import { SERIES_SHAPE_MAX_LENGTH, SERIES_SHAPE_WORKGROUP_SIZE, resample, shapeSeriesCpu, shapeSeriesGpu, unitScale } from '../../../src/kernels/series-shape';
import type { GpuTensor } from '../../../src/gpu/tensor';
import { TOLERANCE, maxAbsDiff, withGpu } from '../../helpers/gpu';

/** A GPU tensor holding `values`, `pad` floats into its buffer (a non-zero byte offset when pad > 0). */
function resident(ctx: GpuContext, values: Float32Array, pad = 0): GpuTensor {
  const data = new Float32Array(pad + values.length + 3).fill(-777);
  data.set(values, pad);
  return { kind: 'gpu', buffer: bufferFrom(ctx.device, data, STORAGE, 'series'), device: ctx.device, byteOffset: pad * 4, dtype: 'float32', shape: [values.length] };
}

function series(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out[i] = (s / 2 ** 31) * 20 - 7 + Math.sin(i / 3);
  }
  return out;
}

async function gpuEqualsCpu(ctx: GpuContext, values: Float32Array, width: number, pad = 0): Promise<Float32Array> {
  const input = resident(ctx, values, pad);
  const shaped = await shapeSeriesGpu(ctx, input, width);
  try {
    expect(shaped.shape).toEqual([width]);
    expect(shaped.byteOffset).toBe(0);
    expect(shaped.device).toBe(ctx.device);
    const got = await readFloat32(ctx.device, shaped.buffer, width);
    const want = shapeSeriesCpu(values, width);
    expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(TOLERANCE.f32Elementwise);
    expect(await shaped.nonFinite()).toBe(false);
    for (const v of got) expect(v >= 0 && v <= 1).toBe(true);
    return got;
  } finally {
    shaped.destroy();
    input.buffer.destroy();
  }
}

describe('shapeSeriesCpu (the reference): unitScale(resample(x, width))', () => {
  it('resamples linearly and scales into [0, 1]', () => {
    expect(Array.from(resample([0, 10], 5))).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(Array.from(resample([1, 3, 2], 2))).toEqual([1, 2]);
    expect(Array.from(shapeSeriesCpu([0, 10], 5))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(shapeSeriesCpu([2, 4, 3], 3))).toEqual([0, 1, 0.5]);
  });

  it('a constant series and a single value map to 0.5', () => {
    expect(Array.from(shapeSeriesCpu([3, 3, 3], 4))).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(shapeSeriesCpu([-2], 3))).toEqual([0.5, 0.5, 0.5]);
    expect(Array.from(unitScale(new Float32Array([7])))).toEqual([0.5]);
  });

  it('stays within an ulp of the f64 formula it replaced', () => {
    const x = series(300);
    const width = 64;
    const got = shapeSeriesCpu(x, width);
    const exact = new Float64Array(width);
    for (let i = 0; i < width; i++) {
      const p = (i * (x.length - 1)) / (width - 1);
      const lo = Math.floor(p);
      const hi = Math.min(x.length - 1, lo + 1);
      exact[i] = x[lo] + (x[hi] - x[lo]) * (p - lo);
    }
    const min = Math.min(...exact);
    const span = Math.max(...exact) - min;
    expect(maxAbsDiff(got, exact.map((v) => (v - min) / span))).toBeLessThan(1e-6);
  });

  it('NaN or ±Infinity anywhere in the series gives all NaN (as the kernel flags it)', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const x = series(9);
      x[5] = bad;
      expect(Array.from(shapeSeriesCpu(x, 2)).every(Number.isNaN)).toBe(true); // even where resampling skips it
    }
  });

  it('an empty series or a bad width is an InvalidInputError', () => {
    expect(() => shapeSeriesCpu([], 4)).toThrow(InvalidInputError);
    expect(() => shapeSeriesCpu([1, 2], 0)).toThrow(InvalidInputError);
    expect(() => shapeSeriesCpu([1, 2], 2.5)).toThrow(InvalidInputError);
  });
});

describe('shapeSeriesGpu equals shapeSeriesCpu (within TOLERANCE.f32Elementwise)', () => {
  it('n = 1 (all 0.5)', () =>
    withGpu(async (ctx) => {
      expect(Array.from(await gpuEqualsCpu(ctx, new Float32Array([4.25]), 16))).toEqual(new Array(16).fill(0.5));
    }));

  it('n = width, width = 1 and down/up-sampling', () =>
    withGpu(async (ctx) => {
      await gpuEqualsCpu(ctx, series(16), 16);
      await gpuEqualsCpu(ctx, series(16), 1);
      await gpuEqualsCpu(ctx, series(768), 16);
      await gpuEqualsCpu(ctx, series(5), 300);
    }));

  it('n and width not multiples of the workgroup size, more than one per invocation', () =>
    withGpu(async (ctx) => {
      const n = 2 * SERIES_SHAPE_WORKGROUP_SIZE + 37;
      await gpuEqualsCpu(ctx, series(n, 5), SERIES_SHAPE_WORKGROUP_SIZE + 3);
    }));

  it('a constant input gives 0.5', () =>
    withGpu(async (ctx) => {
      expect(Array.from(await gpuEqualsCpu(ctx, new Float32Array(40).fill(-3.5), 7))).toEqual(new Array(7).fill(0.5));
    }));

  it('reads the tensor at a non-zero byte offset (not a binding-alignment multiple)', () =>
    withGpu(async (ctx) => {
      await gpuEqualsCpu(ctx, series(50, 9), 16, 3);
    }));

  it('NaN or ±Infinity in the input sets the flag and the output is NaN', () =>
    withGpu(async (ctx) => {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const x = series(33);
        x[31] = bad; // not on a resampled point for width 4
        const input = resident(ctx, x, 1);
        const shaped = await shapeSeriesGpu(ctx, input, 4);
        try {
          expect(await shaped.nonFinite()).toBe(true);
          expect((await readUint32(ctx.device, shaped.status, 1))[0]).toBe(1);
          expect(Array.from(await readFloat32(ctx.device, shaped.buffer, 4)).every(Number.isNaN)).toBe(true);
        } finally {
          shaped.destroy();
          input.buffer.destroy();
        }
      }
    }));

  it('bad tensors and sizes are InvalidInputErrors before any GPU work', () =>
    withGpu(async (ctx) => {
      const input = resident(ctx, series(8));
      try {
        await expect(shapeSeriesGpu(ctx, { ...input, shape: [2, 4] }, 4)).rejects.toThrow(InvalidInputError);
        await expect(shapeSeriesGpu(ctx, { ...input, byteOffset: 2 }, 4)).rejects.toThrow(InvalidInputError);
        await expect(shapeSeriesGpu(ctx, { ...input, byteOffset: 16 }, 4)).rejects.toThrow(/inside its buffer/);
        await expect(shapeSeriesGpu(ctx, { ...input, shape: [1, 8] }, 0)).rejects.toThrow(InvalidInputError);
        await expect(shapeSeriesGpu(ctx, input, SERIES_SHAPE_MAX_LENGTH + 1)).rejects.toThrow(/from 1 to 16384/);
        const long = { ...input, shape: [SERIES_SHAPE_MAX_LENGTH + 1] };
        await expect(shapeSeriesGpu(ctx, { ...long, buffer: { size: 4 * long.shape[0], usage: STORAGE } as GPUBuffer }, 4)).rejects.toThrow(/takes up to 16384/);
        await expect(shapeSeriesGpu(ctx, { ...input, device: {} as GPUDevice }, 4)).rejects.toThrow(/another GPU device/);
        await expect(shapeSeriesGpu(ctx, { ...input, dtype: 'float16' as 'float32' }, 4)).rejects.toThrow(InvalidInputError);
      } finally {
        input.buffer.destroy();
      }
    }));
});
