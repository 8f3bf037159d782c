import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { MalformedMessageError } from './errors';

/** Plain JSON data: what a proposed value may be. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Canonical JSON: object keys sorted, no whitespace. Signatures and digests are taken over this text,
 * so two replicas that hold equal data always produce equal bytes.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new MalformedMessageError(`number ${value} is not JSON`, 'use finite numbers only');
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    default:
      throw new MalformedMessageError(`a ${typeof value} is not JSON`, 'values must be JSON data: null, booleans, numbers, strings, arrays, objects');
  }
}

/** SHA-256 of a string (UTF-8), as hex. Synchronous so the replica stays a pure state machine. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** Digest of anything JSON-shaped: SHA-256 of its canonical JSON. */
export function digestOf(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

const MAX_DEPTH = 16;

/** Checks that `value` is plain JSON data of bounded depth and size; returns its canonical text length. */
export function requireJson(name: string, value: unknown, maxBytes: number): void {
  const visit = (v: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) throw new MalformedMessageError(`${name} is nested deeper than ${MAX_DEPTH}`, 'flatten the value');
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new MalformedMessageError(`${name} holds ${v}`, 'values must hold finite numbers only');
      return;
    }
    if (Array.isArray(v)) {
      for (const item of v) visit(item, depth + 1);
      return;
    }
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      for (const item of Object.values(v as object)) visit(item, depth + 1);
      return;
    }
    throw new MalformedMessageError(`${name} holds a ${typeof v} that is not plain JSON`, 'values must be JSON data (no functions, classes, undefined, bigint)');
  };
  visit(value, 0);
  const size = canonicalJson(value).length;
  if (size > maxBytes) throw new MalformedMessageError(`${name} is ${size} bytes of JSON`, `keep it at most ${maxBytes} bytes`);
}
