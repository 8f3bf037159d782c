import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors';
import { STORAGE, bufferFrom, readFloat32 } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/device';
import { constantBufferCount } from '../../../src/gpu/constant-buffers';
import { gatingCpu } from '../../../src/kernels/gating-cpu';
import { gatingGpu } from '../../../src/kernels/gating-gpu';
import { ROUTER_LOGITS_WORKGROUP_SIZE, ROUTER_NO_ROW, routerLogitsCpu, routerLogitsGpu, type RouterLogitsShape } from '../../../src/kernels/router-logits';
import type { GpuTensor } from '../../../src/gpu/tensor';
import { TOLERANCE, maxAbsDiff, withGpu } from '../../helpers/gpu';

function seeded(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = (s / 2 ** 32) * 2 - 1;
  }
  return x;
}

function resident(ctx: GpuContext, data: Float32Array, shape: number[]): GpuTensor {
  return { kind: 'gpu', buffer: bufferFrom(ctx.device, data, STORAGE, 'test embeddings'), device: ctx.device, byteOffset: 0, dtype: 'float32', shape };
}

/** Tokens with and without embeddings; rows used in place at any start, including the last row. */
async function compare(shape: RouterLogitsShape, rows: number): Promise<void> {
  const { tokens, experts, hidden } = shape;
  const base = seeded(tokens * experts, 1);
  const weight = seeded(experts * hidden, 2);
  const embedding = seeded(rows * hidden, 3);
  const start = Uint32Array.from({ length: tokens }, (_, t) => (t % 3 === 2 ? ROUTER_NO_ROW : ((t * 7) % rows) * hidden));
  const cpu = routerLogitsCpu(base, start, embedding, weight, shape);
  const gpu = await withGpu(async (ctx) => {
    const tensor = resident(ctx, embedding, [rows, hidden]);
    const { logits } = await routerLogitsGpu(ctx, base, start, tensor, weight, shape);
    try {
      return await readFloat32(ctx.device, logits.buffer, tokens * experts);
    } finally {
      logits.destroy();
      tensor.buffer.destroy();
    }
  });
  // A dot product of `hidden` terms in f32: the GPU may fuse multiply-adds.
  expect(maxAbsDiff(gpu, cpu)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
  for (let t = 2; t < tokens; t += 3) expect(Array.from(gpu.slice(t * experts, (t + 1) * experts))).toEqual(Array.from(base.slice(t * experts, (t + 1) * experts)));
}

describe('router logits: the embedding part computed where the embedding lives', () => {
  it('uploads the weights once per device, also when a batch passes them in a new array', () =>
    withGpu(async (ctx) => {
      const shape = { tokens: 2, experts: 3, hidden: 4 };
      const tensor = resident(ctx, seeded(8, 5), [2, 4]);
      const start = Uint32Array.from([0, 4]);
      const before = constantBufferCount(ctx.device);
      const runs: Float32Array[] = [];
      for (let batch = 0; batch < 3; batch++) {
        const { logits } = await routerLogitsGpu(ctx, seeded(6, 1), start, tensor, seeded(12, 2), shape);
        runs.push(await readFloat32(ctx.device, logits.buffer, 6));
        logits.destroy();
      }
      expect(constantBufferCount(ctx.device) - before).toBe(1);
      expect(runs[2]).toEqual(runs[0]);
      tensor.buffer.destroy();
    }));

  it('equals the CPU reference for one token, one expert, one hidden unit', () => compare({ tokens: 1, experts: 1, hidden: 1 }, 1));
  it('equals the CPU reference past one workgroup (a non-multiple of its size)', () => compare({ tokens: ROUTER_LOGITS_WORKGROUP_SIZE + 3, experts: 5, hidden: 128 }, 9));
  it('equals the CPU reference at 64 experts', () => compare({ tokens: 7, experts: 64, hidden: 33 }, 4));

  it('feeds the gating kernel in place: the same choices as gating the CPU logits', async () => {
    const shape = { tokens: 33, experts: 5, hidden: 16 };
    const base = seeded(shape.tokens * shape.experts, 4);
    const weight = seeded(shape.experts * shape.hidden, 5);
    const embedding = seeded(shape.tokens * shape.hidden, 6);
    const start = Uint32Array.from({ length: shape.tokens }, (_, t) => t * shape.hidden);
    const options = { tokens: shape.tokens, experts: shape.experts, k: 2 };
    const cpu = gatingCpu(routerLogitsCpu(base, start, embedding, weight, shape), options);
    const gpu = await withGpu(async (ctx) => {
      const tensor = resident(ctx, embedding, [shape.tokens, shape.hidden]);
      const { logits } = await routerLogitsGpu(ctx, base, start, tensor, weight, shape);
      try {
        return await gatingGpu(ctx, logits, options);
      } finally {
        logits.destroy();
        tensor.buffer.destroy();
      }
    });
    expect(Array.from(gpu.indices)).toEqual(Array.from(cpu.indices));
    expect(maxAbsDiff(gpu.weights, cpu.weights)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
  });

  it('refuses wrong shapes and rows outside the buffer with typed errors', async () => {
    const shape = { tokens: 2, experts: 3, hidden: 4 };
    const base = new Float32Array(6);
    const weight = new Float32Array(12);
    expect(() => routerLogitsCpu(new Float32Array(5), new Uint32Array(2), new Float32Array(8), weight, shape)).toThrow(InvalidInputError);
    expect(() => routerLogitsCpu(base, new Uint32Array([0, 5]), new Float32Array(8), weight, shape)).toThrow(/past the 8 values/);
    expect(() => routerLogitsCpu(base, new Uint32Array(2), new Float32Array(8), Float32Array.of(...weight.slice(1), NaN), shape)).toThrow(InvalidInputError);
    await withGpu(async (ctx) => {
      const tensor = resident(ctx, new Float32Array(8), [2, 4]);
      try {
        await expect(routerLogitsGpu(ctx, base, new Uint32Array([0, 8]), tensor, weight, shape)).rejects.toThrow(InvalidInputError);
        await expect(gatingGpu(ctx, { ...tensor, shape: [3, 3] }, { tokens: 2, experts: 4, k: 1 })).rejects.toThrow(/shape \[3,3\]/);
      } finally {
        tensor.buffer.destroy();
      }
    });
  });
});
