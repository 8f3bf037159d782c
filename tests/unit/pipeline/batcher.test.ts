import { describe, expect, it } from 'vitest';
import { Batcher } from '../../../src/core/batcher';

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

  it('a batch that fails is run again one member at a time: only the member that fails alone is rejected', async () => {
    const seen: number[][] = [];
    const batcher = new Batcher<number, number>(async (xs) => {
      seen.push(xs);
      const bad = xs.find((x) => x < 0);
      if (bad !== undefined) throw new RangeError(`negative ${bad}`);
      return xs.map((x) => x * 10);
    }, { maxBatch: 4, maxWaitMs: 1 });
    const settled = await Promise.allSettled([1, -2, 3, -4].map((x) => batcher.submit(x)));
    expect(settled[0]).toEqual({ status: 'fulfilled', value: 10 });
    expect(settled[2]).toEqual({ status: 'fulfilled', value: 30 });
    expect(settled[1]).toMatchObject({ status: 'rejected', reason: { message: 'negative -2' } });
    expect(settled[3]).toMatchObject({ status: 'rejected', reason: { message: 'negative -4' } });
    expect(seen[0]).toEqual([1, -2, 3, -4]);
    expect(seen.slice(1).every((b) => b.length === 1)).toBe(true);
    expect(await batcher.submit(5)).toBe(50);
  });

  it('a lone member that fails gets its own error, and is run once', async () => {
    let calls = 0;
    const batcher = new Batcher<number, number>(async () => {
      calls++;
      throw new Error('boom');
    }, { maxBatch: 2, maxWaitMs: 1 });
    await expect(batcher.submit(1)).rejects.toThrow('boom');
    expect(calls).toBe(1);
  });

  it('a batch function returning the wrong number of results fails its callers', async () => {
    const batcher = new Batcher<number, number>(async () => [1], { maxBatch: 2, maxWaitMs: 1 });
    const settled = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(settled.every((r) => r.status === 'rejected')).toBe(true);
  });

  it('maxWaitMs 0: the calls made in one turn run as one batch at the next turn; a later call starts another', async () => {
    const seen: number[][] = [];
    const batcher = new Batcher<number, number>(async (xs) => {
      seen.push(xs);
      return xs.map((x) => -x);
    }, { maxBatch: 8, maxWaitMs: 0 });
    const first = Promise.all([1, 2, 3].map((x) => batcher.submit(x)));
    expect(seen).toEqual([]); // not run inside the turn that submitted
    expect(await first).toEqual([-1, -2, -3]);
    expect(await batcher.submit(4)).toBe(-4);
    expect(seen).toEqual([[1, 2, 3], [4]]);
  });

  it('maxWaitMs 0: a batch filled to maxBatch runs at once, the rest at the next turn', async () => {
    const seen: number[][] = [];
    const batcher = new Batcher<number, number>(async (xs) => {
      seen.push(xs);
      return xs;
    }, { maxBatch: 2, maxWaitMs: 0 });
    expect(await Promise.all([1, 2, 3, 4, 5].map((x) => batcher.submit(x)))).toEqual([1, 2, 3, 4, 5]);
    expect(seen).toEqual([[1, 2], [3, 4], [5]]);
  });
});
