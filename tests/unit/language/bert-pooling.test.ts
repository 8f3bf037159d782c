import { describe, expect, it } from 'vitest';
import { bertMeanPoolCpu, bertMeanPoolGpu, BERT_POOL_WORKGROUP_SIZE } from '../../../src/kernels/bert-pooling';
import { InvalidInputError } from '../../../src/errors';
import { TOLERANCE, maxAbsDiff, withGpu } from '../../helpers/gpu';

function states(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = (((i * 7919) % 1013) - 506) / 97;
  return x;
}

/** Row b attends to its first (b % seq) + 1 tokens; every row has a different padded tail. */
function mask(batch: number, seq: number): Uint8Array {
  const m = new Uint8Array(batch * seq);
  for (let b = 0; b < batch; b++) for (let s = 0; s <= b % seq; s++) m[b * seq + s] = 1;
  return m;
}

describe('BERT mean pooling + L2 normalise: GPU kernel equals the CPU reference (sentence-transformers semantics)', () => {
  // hidden 1, a non-multiple of the workgroup, more than one stride; batches of 1 and 37.
  const shapes = [
    { batch: 1, seq: 1, hidden: 1 },
    { batch: 3, seq: 5, hidden: BERT_POOL_WORKGROUP_SIZE + 3 },
    { batch: 37, seq: 16, hidden: 128 },
    { batch: 2, seq: 7, hidden: 3 * BERT_POOL_WORKGROUP_SIZE + 1 },
  ];
  for (const shape of shapes) {
    for (const normalize of [true, false]) {
      it(`[${shape.batch}, ${shape.seq}, ${shape.hidden}] normalize=${normalize}`, () =>
        withGpu(async (ctx) => {
          const x = states(shape.batch * shape.seq * shape.hidden);
          const m = mask(shape.batch, shape.seq);
          const { pooled } = await bertMeanPoolGpu(ctx, x, m, shape, normalize);
          expect(maxAbsDiff(pooled, bertMeanPoolCpu(x, m, shape, normalize))).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
        }));
    }
  }

  it('the CPU reference: mean of attended tokens, unit L2 norm, padding ignored, all-padding row stays 0', () => {
    const shape = { batch: 2, seq: 3, hidden: 2 };
    const x = new Float32Array([3, 0, 1, 4, 100, 100, /* row 2, fully padded */ 5, 5, 5, 5, 5, 5]);
    const m = [1, 1, 0, 0, 0, 0];
    const raw = bertMeanPoolCpu(x, m, shape, false);
    expect([...raw]).toEqual([2, 2, 0, 0]);
    const unit = bertMeanPoolCpu(x, m, shape, true);
    expect(unit[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(unit[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect([unit[2], unit[3]]).toEqual([0, 0]);
  });

  it('rejects wrong shapes with typed errors', () =>
    withGpu(async (ctx) => {
      expect(() => bertMeanPoolCpu(new Float32Array(5), [1, 1], { batch: 1, seq: 2, hidden: 3 })).toThrow(InvalidInputError);
      await expect(bertMeanPoolGpu(ctx, new Float32Array(6), [1], { batch: 1, seq: 2, hidden: 3 })).rejects.toBeInstanceOf(InvalidInputError);
    }));
});
