import { describe, expect, it } from 'vitest';
import { STORAGE, bufferFrom } from '../../../src/gpu/buffers';
import { SharedTensor } from '../../../src/pipeline/handoff';
import { rowsOnDevice } from '../../../src/gpu/tensor';
import { tensorValues, type CpuTensor, type GpuTensor } from '../../../src/gpu/tensor';
import { withGpu } from '../../helpers/gpu';

const width = 3;
const data = Float32Array.from({ length: 4 * width }, (_, i) => i + 0.5);
const rowValues = (row: number) => Array.from(data.subarray(row * width, (row + 1) * width));

describe('a batch tensor handed to stages on their paths', () => {
  it('a GPU stage on the same device gets the row in place; a CPU stage gets it read back once', () =>
    withGpu(async (ctx) => {
      let disposed = 0;
      const buffer = bufferFrom(ctx.device, data, STORAGE, 'batch');
      const source: GpuTensor = { kind: 'gpu', buffer, device: ctx.device, byteOffset: 0, dtype: 'float32', shape: [4, width] };
      const shared = new SharedTensor(source, 2, () => (disposed++, buffer.destroy()));
      const onGpu = await shared.row(2, 'gpu', ctx.device);
      expect(onGpu.handoff).toBe('gpu');
      expect(onGpu.tensor).toMatchObject({ kind: 'gpu', buffer, byteOffset: 2 * width * 4, shape: [width] });
      expect(Array.from(await tensorValues(onGpu.tensor))).toEqual(rowValues(2));
      const onCpu = await shared.row(1, 'cpu');
      expect(onCpu.handoff).toBe('gpu→cpu');
      expect(Array.from((onCpu.tensor as CpuTensor).data)).toEqual(rowValues(1));
      expect(shared.onCpu()).toBe(shared.onCpu()); // one read-back serves every row
      // A device other than the tensor's cannot read the buffer: the row crosses through the CPU.
      expect((await shared.row(0, 'gpu', {} as GPUDevice)).handoff).toBe('gpu→cpu');
      shared.release();
      expect(disposed).toBe(0);
      shared.release();
      expect(disposed).toBe(1);
    }));

  it('a CPU tensor stays on the CPU, and is marked for upload to a GPU stage', async () => {
    const shared = new SharedTensor({ kind: 'cpu', data, shape: [4, width] }, 1);
    const cpu = await shared.row(3, 'cpu');
    expect(cpu.handoff).toBe('cpu');
    expect(Array.from((cpu.tensor as CpuTensor).data)).toEqual(rowValues(3));
    expect((await shared.row(3, 'gpu')).handoff).toBe('cpu→gpu');
  });

  it('rows of one buffer are used in place; rows of several buffers are gathered on the device', () =>
    withGpu(async (ctx) => {
      const buffer = bufferFrom(ctx.device, data, STORAGE, 'batch');
      const other = bufferFrom(ctx.device, Float32Array.of(9, 8, 7), STORAGE, 'other');
      const row = (r: number, b = buffer): GpuTensor => ({ kind: 'gpu', buffer: b, device: ctx.device, byteOffset: r * width * 4, dtype: 'float32', shape: [width] });
      try {
        const inPlace = rowsOnDevice(ctx.device, [row(3), row(1)], width);
        expect(inPlace.starts).toEqual([3 * width, width]);
        expect(inPlace.tensor.buffer).toBe(buffer);
        const gathered = rowsOnDevice(ctx.device, [row(2), row(0, other)], width);
        expect(gathered.starts).toEqual([0, width]);
        expect(Array.from(await tensorValues(gathered.tensor))).toEqual([...rowValues(2), 9, 8, 7]);
        gathered.release();
      } finally {
        buffer.destroy();
        other.destroy();
      }
    }));
});
