import { InvalidInputError } from '../errors';

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

/** The largest finite float32: what a series value must stay within once the kernels read it. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Checks a request that crossed a boundary (API, worker, HTTP) and returns it normalised. Each field
 * (and each series value) is read exactly once, so a getter that changes between reads cannot pass
 * one value to the checks and another to the kernels; the series is checked as the float32 values
 * the kernels will see.
 */
export function validateRequest(input: unknown): ValidRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidInputError(`a request must be an object, not ${input === null ? 'null' : typeof input}`, 'pass { text } or { series }');
  }
  const { id: rawId, text: rawText, series: rawSeries, timeoutMs: rawTimeout, signal } = readFields(input as Record<string, unknown>);
  const id = rawId === undefined ? crypto.randomUUID() : rawId;
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
    throw new InvalidInputError('request.id must be a non-empty string of at most 200 characters', 'omit id to have one made');
  }
  if (rawText === undefined && rawSeries === undefined) {
    throw new InvalidInputError('the request has neither text nor series', 'pass { text: "…" } and/or { series: [numbers] }');
  }
  const text = rawText === undefined ? undefined : checkText(rawText);
  const series = rawSeries === undefined ? undefined : float32Series(rawSeries);
  const timeoutMs = rawTimeout ?? REQUEST_LIMITS.defaultTimeoutMs;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || timeoutMs > REQUEST_LIMITS.maxTimeoutMs) {
    throw new InvalidInputError(`request.timeoutMs is ${String(rawTimeout)}`, `pass a number of milliseconds from 1 to ${REQUEST_LIMITS.maxTimeoutMs}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidInputError('request.signal is not an AbortSignal', 'pass an AbortController().signal');
  }
  return { id, text, series, timeoutMs, signal };
}

/** Copies the fields once; a getter that throws is the caller's bad input, not a crash. */
function readFields(r: Record<string, unknown>) {
  try {
    const { id, text, series, timeoutMs, signal } = r;
    return { id, text, series, timeoutMs, signal };
  } catch (error) {
    throw new InvalidInputError(`reading the request threw: ${(error as Error)?.message ?? String(error)}`, 'pass a plain object of data');
  }
}

function checkText(text: unknown): string {
  if (typeof text !== 'string') throw new InvalidInputError(`request.text is a ${typeof text}`, 'request.text must be a string');
  if (text.trim().length === 0) throw new InvalidInputError('request.text is empty', 'pass some text, or leave text out');
  if (text.length > REQUEST_LIMITS.maxTextChars) {
    throw new InvalidInputError(`request.text has ${text.length} characters`, `send at most ${REQUEST_LIMITS.maxTextChars}; split longer text`);
  }
  return text;
}

function readValue(series: ArrayLike<unknown>, i: number): unknown {
  try {
    return series[i];
  } catch (error) {
    throw new InvalidInputError(`reading request.series[${i}] threw: ${(error as Error)?.message ?? String(error)}`, 'pass an array of numbers');
  }
}

/** The series as float32, each value read once and checked after rounding to 32 bits. */
function float32Series(series: unknown): Float32Array {
  if (!Array.isArray(series) && !(series instanceof Float32Array)) {
    throw new InvalidInputError('request.series is not an array', 'request.series must be an array of numbers');
  }
  const length = series.length;
  if (length === 0) throw new InvalidInputError('request.series is empty', 'pass at least one number');
  if (length > REQUEST_LIMITS.maxSeriesLength) {
    throw new InvalidInputError(`request.series has ${length} values`, `send at most ${REQUEST_LIMITS.maxSeriesLength}`);
  }
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const v = readValue(series, i);
    if (typeof v !== 'number') throw new InvalidInputError(`request.series[${i}] is a ${typeof v}`, 'every value must be a number');
    if (!Number.isFinite(v)) {
      throw new InvalidInputError(`request.series[${i}] is ${v}`, 'request.series must hold finite numbers only: remove or replace NaN and Infinity');
    }
    const f = Math.fround(v);
    if (!Number.isFinite(f)) {
      throw new InvalidInputError(
        `request.series[${i}] is ${v}, outside the float32 range`,
        `the kernels compute in float32: keep every value within ±${FLOAT32_MAX} (scale the series down)`,
      );
    }
    out[i] = f;
  }
  return out;
}
