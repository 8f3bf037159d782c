import { InvalidInputError, requireFiniteArray } from '../../errors';

export const MAX_KEY_LENGTH = 512;

/** Keys are non-empty strings of at most 512 characters without control characters. */
export function requireMemoryKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidInputError(`key is ${key === '' ? 'an empty string' : typeof key}`, 'pass a non-empty string key');
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw new InvalidInputError(`key is ${key.length} characters long`, `keys may have at most ${MAX_KEY_LENGTH} characters`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) {
    throw new InvalidInputError('key contains a control character', 'use printable characters in keys');
  }
  return key;
}

/** A vector of exactly `dimension` finite numbers, copied into a Float32Array. */
export function requireMemoryVector(name: string, vector: unknown, dimension: number): Float32Array {
  if (!(vector instanceof Float32Array || vector instanceof Float64Array || Array.isArray(vector))) {
    throw new InvalidInputError(`${name} is ${typeof vector}`, `pass a Float32Array or number[] of length ${dimension}`);
  }
  if (vector.length !== dimension) {
    throw new InvalidInputError(`${name} has ${vector.length} dimensions`, `this memory holds vectors of ${dimension} dimensions`);
  }
  requireFiniteArray(name, vector as ArrayLike<number>);
  return Float32Array.from(vector as ArrayLike<number>);
}
