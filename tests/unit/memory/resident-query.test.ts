import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors';
import { STORAGE, Usage, bufferFrom } from '../../../src/gpu/buffers';
import { acquireGpu } from '../../../src/gpu/device';
import { MEMORY_MAX_K } from '../../../src/kernels/memory-vector-search';
import type { GpuTensor } from '../../../src/gpu/tensor';
import { MemoryQueryTensorError, MemoryService, memoryQueryInfoCpu, memoryQueryInfoGpu, type MemoryMetric } from '../../../src/services/memory/index';
import { TOLERANCE, maxRelDiff, testGpu, withGpu } from '../../helpers/gpu';

// A query that already lives on the GPU (a row of a batch buffer, as the BERT stage leaves it) must
// give what the same values give from a Float32Array: the norm is summed on the GPU in another order,
// hence the reduction tolerance on scores; keys must be identical.

let counter = 0;
const uniqueName = () => `resident-${process.pid}-${counter++}`;

/** Deterministic values in [-1, 1) (a linear congruential generator), no ties in practice. */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

const DIM = 5;
const ROWS = 7;
const stored = values(ROWS * DIM, 1);
/** Three query rows in one buffer: row 1 starts at byte 20, not at a 256-byte boundary. */
const batch = values(3 * DIM, 2);
const ROW = 1;

function residentRow(device: GPUDevice, buffer: GPUBuffer, row = ROW): GpuTensor {
  return { kind: 'gpu', buffer, device, byteOffset: row * DIM * 4, dtype: 'float32', shape: [DIM] };
}

async function openWithItems(backend: 'gpu' | 'cpu', gpu?: Awaited<ReturnType<typeof testGpu>>) {
  // chunkRows 3: the 7 rows span three chunks, so the query feeds several distance passes.
  const m = await MemoryService.open({ name: uniqueName(), dimension: DIM, backend, gpu, chunkRows: 3 });
  await m.storeMany(Array.from({ length: ROWS }, (_, i) => ({ key: `v${i}`, data: i, vector: stored.subarray(i * DIM, (i + 1) * DIM) })));
  return m;
}

describe('memory-query-norm kernel against its CPU reference', () => {
  // 1 element, a non-multiple of the workgroup (255, 300), several elements per invocation (1000).
  for (const dim of [1, 255, 300, 1000]) {
    it(`dim = ${dim}: norm within the f32 reduction tolerance, finite`, () =>
      withGpu(async (ctx) => {
        const q = values(dim, dim);
        const gpu = await memoryQueryInfoGpu(ctx, q);
        const cpu = memoryQueryInfoCpu(q);
        expect(maxRelDiff([gpu.norm], [cpu.norm])).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
        expect(gpu.nonFinite).toBe(false);
      }));
  }

  it('flags NaN and ±Inf wherever they sit (checked on the bits)', () =>
    withGpu(async (ctx) => {
      for (const [at, bad] of [[0, NaN], [299, Infinity], [150, -Infinity]] as const) {
        const q = values(300, 3);
        q[at] = bad;
        expect(memoryQueryInfoCpu(q).nonFinite).toBe(true);
        expect((await memoryQueryInfoGpu(ctx, q)).nonFinite).toBe(true);
      }
    }));
});

describe('MemoryService.queryWithInfo with a GPU-resident query', () => {
  // k at its boundaries: 1, the number of stored rows, and the largest k accepted (more than stored).
  for (const metric of ['cosine', 'dot', 'l2'] as MemoryMetric[]) {
    for (const k of [1, ROWS, MEMORY_MAX_K]) {
      it(`${metric}, k = ${k}: same keys and scores as the Float32Array, handoff 'gpu' vs 'cpu→gpu'`, () =>
        withGpu(async (ctx) => {
          const m = await openWithItems('gpu', ctx);
          const buffer = bufferFrom(ctx.device, batch, STORAGE, 'batch');
          try {
            const resident = await m.queryWithInfo(residentRow(ctx.device, buffer), k, { metric });
            const uploaded = await m.queryWithInfo(batch.slice(ROW * DIM, (ROW + 1) * DIM), k, { metric });
            expect(m.device).toBe(ctx.device);
            expect(resident.handoff).toBe('gpu');
            expect(uploaded.handoff).toBe('cpu→gpu');
            expect(resident.path).toBe('gpu');
            expect(resident.results.length).toBe(Math.min(k, ROWS));
            expect(resident.results.map((r) => r.key)).toEqual(uploaded.results.map((r) => r.key));
            const diff = maxRelDiff(resident.results.map((r) => r.score), uploaded.results.map((r) => r.score));
            expect(diff).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
          } finally {
            buffer.destroy();
            await m.close();
          }
        }));
    }
  }

  it("a CPU memory reads the tensor back ('gpu→cpu') and answers exactly as for the array ('cpu')", () =>
    withGpu(async (ctx) => {
      const m = await openWithItems('cpu');
      const buffer = bufferFrom(ctx.device, batch, STORAGE, 'batch');
      try {
        const fromTensor = await m.queryWithInfo(residentRow(ctx.device, buffer, 2), 4, { metric: 'cosine' });
        const fromArray = await m.queryWithInfo(batch.slice(2 * DIM, 3 * DIM), 4, { metric: 'cosine' });
        expect(m.device).toBeUndefined();
        expect(fromTensor.handoff).toBe('gpu→cpu');
        expect(fromArray.handoff).toBe('cpu');
        expect(fromTensor.path).toBe('cpu');
        expect(fromTensor.results).toEqual(fromArray.results);
        // A CpuTensor is CPU values too.
        const cpuTensor = await m.queryWithInfo({ kind: 'cpu', data: batch.slice(2 * DIM, 3 * DIM), shape: [DIM] }, 4);
        expect(cpuTensor).toMatchObject({ handoff: 'cpu', results: fromArray.results });
      } finally {
        buffer.destroy();
        await m.close();
      }
    }));

  it("a tensor on another device is read back ('gpu→cpu') and searched on the memory's device", () =>
    withGpu(async (ctx) => {
      const other = await acquireGpu();
      const m = await openWithItems('gpu', ctx);
      const buffer = bufferFrom(other.device, batch, STORAGE, 'batch on another device');
      try {
        const info = await m.queryWithInfo(residentRow(other.device, buffer), 3, { metric: 'l2' });
        const same = await m.queryWithInfo(batch.slice(ROW * DIM, (ROW + 1) * DIM), 3, { metric: 'l2' });
        expect(info.handoff).toBe('gpu→cpu');
        expect(info.path).toBe('gpu');
        expect(info.results).toEqual(same.results);
      } finally {
        buffer.destroy();
        await m.close();
        other.destroy();
      }
    }));
});

describe('a resident query is validated', () => {
  it('wrong shape, dtype, offset or a buffer too small: InvalidInputError naming the expected size', () =>
    withGpu(async (ctx) => {
      const m = await openWithItems('gpu', ctx);
      const buffer = bufferFrom(ctx.device, batch, STORAGE, 'batch');
      const row = residentRow(ctx.device, buffer);
      try {
        for (const shape of [[DIM + 1], [1, DIM], [], [DIM - 1]]) {
          const error = await m.query({ ...row, shape }, 2).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(InvalidInputError);
          expect((error as Error).message).toContain(`[${DIM}]`);
        }
        await expect(m.query({ ...row, dtype: 'float16' as 'float32' }, 2)).rejects.toThrow(/dtype is 'float16'/);
        await expect(m.query({ ...row, byteOffset: 2 }, 2)).rejects.toBeInstanceOf(InvalidInputError);
        await expect(m.query({ ...row, byteOffset: 3 * DIM * 4 - 4 }, 2)).rejects.toThrow(/bytes 56\.\.76 of a 60-byte buffer/);
      } finally {
        buffer.destroy();
        await m.close();
      }
    }));

  it('a destroyed buffer, or one without COPY_SRC: MemoryQueryTensorError, on the GPU and the CPU memory', () =>
    withGpu(async (ctx) => {
      const onGpu = await openWithItems('gpu', ctx);
      const onCpu = await openWithItems('cpu');
      const destroyed = bufferFrom(ctx.device, batch, STORAGE, 'destroyed');
      destroyed.destroy();
      const noCopy = bufferFrom(ctx.device, batch, Usage.STORAGE, 'no copy-src');
      try {
        for (const m of [onGpu, onCpu]) {
          const error = await m.query(residentRow(ctx.device, destroyed), 2).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(MemoryQueryTensorError);
          expect((error as Error).message).toMatch(/could not be read/);
          await expect(m.query(residentRow(ctx.device, noCopy), 2)).rejects.toThrow(/lacks COPY_SRC/);
        }
        // The memory still answers afterwards.
        expect((await onGpu.query(batch.slice(0, DIM), 1)).length).toBe(1);
      } finally {
        noCopy.destroy();
        await onGpu.close();
        await onCpu.close();
      }
    }));

  for (const [metric, bad] of [['cosine', NaN], ['dot', Infinity], ['l2', -Infinity]] as const) {
    it(`${metric}: a ${bad} in the resident query → InvalidInputError, and the stored items are untouched`, () =>
      withGpu(async (ctx) => {
        const m = await openWithItems('gpu', ctx);
        const poisoned = batch.slice();
        poisoned[ROW * DIM + 3] = bad;
        const buffer = bufferFrom(ctx.device, poisoned, STORAGE, 'poisoned batch');
        try {
          const before = await m.query(stored.subarray(0, DIM), ROWS);
          const error = await m.queryWithInfo(residentRow(ctx.device, buffer), 3, { metric }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(InvalidInputError);
          expect((error as Error).message).toMatch(/NaN or infinite/);
          expect(m.keys().sort()).toEqual(Array.from({ length: ROWS }, (_, i) => `v${i}`));
          expect(await m.query(stored.subarray(0, DIM), ROWS)).toEqual(before);
          // The same row read back by a CPU memory is caught before the search, by value.
          const cpu = await openWithItems('cpu');
          await expect(cpu.query(residentRow(ctx.device, buffer), 3, { metric })).rejects.toThrow(/query tensor\[3\] is/);
          await cpu.close();
        } finally {
          buffer.destroy();
          await m.close();
        }
      }));
  }
});
