import { InvalidInputError, requireFiniteArray } from '../errors';

/** One request to the runtime. At least one of `text` and `series` is given. */
export interface AuraRequest {
  /** Caller's id; one is made when absent. */
  id?: string;
  /** Natural-language input (embedded by the language service). */
  text?: string;
  /** A numeric series: sensor readings, a time series, or spike counts per time bin. */
  series?: number[] | Float32Array;
  /** Milliseconds before the request fails with a TimeoutError. */
  timeoutMs?: number;
  /** Cancels the request. */
  signal?: AbortSignal;
}

export interface ValidRequest {
  id: string;
  text?: string;
  series?: Float32Array;
  timeoutMs: number;
  signal?: AbortSignal;
}

export const REQUEST_LIMITS = {
  maxTextChars: 10_000,
  maxSeriesLength: 100_000,
  maxTimeoutMs: 600_000,
  defaultTimeoutMs: 30_000,
} as const;

/** Checks a request that crossed a boundary (API, worker, HTTP) and returns it normalised. */
export function validateRequest(input: unknown): ValidRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidInputError(`a request must be an object, not ${input === null ? 'null' : typeof input}`, 'pass { text } or { series }');
  }
  const r = input as Record<string, unknown>;
  const id = r.id === undefined ? crypto.randomUUID() : r.id;
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
    throw new InvalidInputError('request.id must be a non-empty string of at most 200 characters', 'omit id to have one made');
  }
  if (r.text === undefined && r.series === undefined) {
    throw new InvalidInputError('the request has neither text nor series', 'pass { text: "…" } and/or { series: [numbers] }');
  }
  let text: string | undefined;
  if (r.text !== undefined) {
    if (typeof r.text !== 'string') throw new InvalidInputError(`request.text is a ${typeof r.text}`, 'request.text must be a string');
    if (r.text.trim().length === 0) throw new InvalidInputError('request.text is empty', 'pass some text, or leave text out');
    if (r.text.length > REQUEST_LIMITS.maxTextChars) {
      throw new InvalidInputError(`request.text has ${r.text.length} characters`, `send at most ${REQUEST_LIMITS.maxTextChars}; split longer text`);
    }
    text = r.text;
  }
  let series: Float32Array | undefined;
  if (r.series !== undefined) {
    if (!Array.isArray(r.series) && !(r.series instanceof Float32Array)) {
      throw new InvalidInputError('request.series is not an array', 'request.series must be an array of numbers');
    }
    if (r.series.length === 0) throw new InvalidInputError('request.series is empty', 'pass at least one number');
    if (r.series.length > REQUEST_LIMITS.maxSeriesLength) {
      throw new InvalidInputError(`request.series has ${r.series.length} values`, `send at most ${REQUEST_LIMITS.maxSeriesLength}`);
    }
    for (let i = 0; i < r.series.length; i++) {
      if (typeof r.series[i] !== 'number') throw new InvalidInputError(`request.series[${i}] is a ${typeof r.series[i]}`, 'every value must be a number');
    }
    requireFiniteArray('request.series', r.series as ArrayLike<number>);
    series = Float32Array.from(r.series as ArrayLike<number>);
  }
  const timeoutMs = r.timeoutMs ?? REQUEST_LIMITS.defaultTimeoutMs;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || timeoutMs > REQUEST_LIMITS.maxTimeoutMs) {
    throw new InvalidInputError(`request.timeoutMs is ${String(r.timeoutMs)}`, `pass a number of milliseconds from 1 to ${REQUEST_LIMITS.maxTimeoutMs}`);
  }
  const signal = r.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidInputError('request.signal is not an AbortSignal', 'pass an AbortController().signal');
  }
  return { id, text, series, timeoutMs, signal };
}
