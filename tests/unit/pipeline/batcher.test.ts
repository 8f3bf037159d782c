import { describe, expect, it } from 'vitest';
import { Batcher } from '../../../src/pipeline/batcher';

describe('Batcher', () => {
  it('joins concurrent calls into batches of at most maxBatch, each caller gets its own result', async () => {
    const seen: number[][] = [];
    const batcher = new Batcher<number, number>(async (xs) => {
      seen.push(xs);
      return xs.map((x) => x * 2);
    }, { maxBatch: 4, maxWaitMs: 5 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.submit(i)));
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
    expect(seen.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(seen.flat()).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('runs a lone call after maxWaitMs', async () => {
    const batcher = new Batcher<string, string>(async (xs) => xs.map((x) => x.toUpperCase()), { maxBatch: 8, maxWaitMs: 1 });
    expect(await batcher.submit('a')).toBe('A');
    expect(batcher.batchSizes).toEqual([1]);
  });

  it('a failing batch rejects each of its callers, later batches still run', async () => {
    let calls = 0;
    const batcher = new Batcher<number, number>(async (xs) => {
      if (calls++ === 0) throw new Error('boom');
      return xs;
    }, { maxBatch: 2, maxWaitMs: 1 });
    const first = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await batcher.submit(3)).toBe(3);
  });

  it('a batch function returning the wrong number of results fails its callers', async () => {
    const batcher = new Batcher<number, number>(async () => [1], { maxBatch: 2, maxWaitMs: 1 });
    const settled = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(settled.every((r) => r.status === 'rejected')).toBe(true);
  });
});
