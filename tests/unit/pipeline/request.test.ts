import { describe, expect, it } from 'vitest';
import { validateRequest } from '../../../src/core/request';
import { Deadline } from '../../../src/core/deadline';
import { InvalidInputError } from '../../../src/errors';

describe('validateRequest', () => {
  it('accepts text, series or both and normalises them', () => {
    const r = validateRequest({ text: 'hello', series: [1, 2, 3] });
    expect(r.text).toBe('hello');
    expect(r.series).toEqual(new Float32Array([1, 2, 3]));
    expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.timeoutMs).toBe(30_000);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['null', null, /object/],
    ['an array', [1, 2], /object/],
    ['neither text nor series', {}, /neither/],
    ['empty text', { text: '   ' }, /empty/],
    ['a non-string text', { text: 42 }, /string/],
    ['an oversized text', { text: 'x'.repeat(10_001) }, /10001 characters/],
    ['an empty series', { series: [] }, /empty/],
    ['NaN in the series', { series: [1, NaN] }, /series\[1\] is NaN/],
    ['a string in the series', { series: [1, '2'] }, /series\[1\] is a string/],
    ['a negative timeout', { text: 'a', timeoutMs: -1 }, /timeoutMs/],
    ['a bad id', { text: 'a', id: '' }, /id/],
    ['a value finite in 64 bits but not in 32', { series: [1, 1e39] }, /series\[1\] is 1e\+39.*float32.*3\.4028234663852886e\+38/],
    ['1e308', { series: [1e308] }, /float32/],
  ];
  for (const [what, input, message] of bad) {
    it(`rejects ${what} with a typed error`, () => {
      expect(() => validateRequest(input)).toThrow(InvalidInputError);
      expect(() => validateRequest(input)).toThrow(message);
    });
  }
});

describe('validateRequest reads each field once', () => {
  it('a getter that changes between reads cannot slip past the checks', () => {
    let reads = 0;
    const request = {
      get text() {
        return reads++ === 0 ? 'hello' : (42 as unknown as string);
      },
    };
    const valid = validateRequest(request);
    expect(valid.text).toBe('hello');
    expect(reads).toBe(1);
  });

  it('reads each series value once, and keeps the float32 values the kernels see', () => {
    let reads = 0;
    const series = [1.1, 2, 3];
    Object.defineProperty(series, 1, { get: () => (reads++ === 0 ? 2 : 1e39), enumerable: true });
    const valid = validateRequest({ series });
    expect(reads).toBe(1);
    expect(Array.from(valid.series!)).toEqual([Math.fround(1.1), 2, 3]);
  });
});

describe('Deadline', () => {
  it('rejects a stalled stage with a TimeoutError naming the stage', async () => {
    const deadline = new Deadline(10);
    deadline.enter('services');
    await expect(deadline.race(new Promise(() => {}))).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('services') });
    deadline.dispose();
  });

  it('rejects on the caller’s AbortSignal with a CancelledError', async () => {
    const controller = new AbortController();
    const deadline = new Deadline(10_000, controller.signal);
    const pending = deadline.race(new Promise(() => {}));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    deadline.dispose();
  });

  it('passes results through before the deadline', async () => {
    const deadline = new Deadline(1000);
    expect(await deadline.race(Promise.resolve(7))).toBe(7);
    deadline.dispose();
  });
});
