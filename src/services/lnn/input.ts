import { InvalidInputError } from '../../errors';

/** A batch of equal-length sequences, flattened batch × steps × width. */
export interface LnnBatch {
  data: Float32Array;
  batch: number;
  steps: number;
  width: number;
}

/** One sequence: number[] (one feature per step) or number[][] (steps × features); a batch: number[][][]. */
export type LnnSequenceInput = number[] | number[][] | number[][][] | Float32Array;

/** The most steps × batch one call may carry (keeps one call's buffers well inside device limits). */
export const LNN_MAX_ELEMENTS = 1 << 24;

/**
 * Validates and flattens a sequence (or a batch of them) of `width` features per step. Ragged,
 * empty, non-finite and wrong-width input throw InvalidInputError naming the first bad place.
 */
export function toLnnBatch(name: string, input: unknown, width: number): LnnBatch {
  if (input instanceof Float32Array) input = Array.from(input);
  if (!Array.isArray(input) || input.length === 0) throw new InvalidInputError(`${name} is empty or not an array`, `pass at least one step: number[] for one feature, number[][] as steps × ${width} features, number[][][] as batch × steps × features`);
  let batch: unknown[][];
  if (typeof input[0] === 'number') {
    if (width !== 1) throw new InvalidInputError(`${name} has 1 feature per step; the model takes ${width}`, `pass ${name} as steps × ${width} (number[][])`);
    batch = [input.map((x) => [x])];
  } else if (Array.isArray(input[0]) && (input[0].length === 0 || !Array.isArray(input[0][0]))) {
    batch = [input as unknown[]];
  } else {
    batch = input as unknown[][];
  }
  const steps = Array.isArray(batch[0]) ? batch[0].length : 0;
  if (steps === 0) throw new InvalidInputError(`${name}[0] has no steps`, 'every sequence needs at least one step');
  if (batch.length * steps * width > LNN_MAX_ELEMENTS) throw new InvalidInputError(`${name} has ${batch.length * steps * width} values`, `split it into calls of at most ${LNN_MAX_ELEMENTS} values`);
  const data = new Float32Array(batch.length * steps * width);
  batch.forEach((seq, b) => {
    if (!Array.isArray(seq) || seq.length !== steps) throw new InvalidInputError(`${name}[${b}] has ${Array.isArray(seq) ? seq.length : 'no'} steps, ${name}[0] has ${steps}`, 'sequences in one batch must have the same length (ragged batches are not padded: split or pad them yourself)');
    seq.forEach((step: unknown, t) => {
      const features = typeof step === 'number' && width === 1 ? [step] : step;
      if (!Array.isArray(features) || features.length !== width) throw new InvalidInputError(`${name}[${b}][${t}] has ${Array.isArray(features) ? features.length : 'no'} features`, `the model takes ${width} features per step`);
      features.forEach((x: unknown, i) => {
        if (typeof x !== 'number' || !Number.isFinite(x)) throw new InvalidInputError(`${name}[${b}][${t}][${i}] is ${String(x)}`, `${name} must hold finite numbers only: remove or replace NaN and Infinity`);
        data[(b * steps + t) * width + i] = x;
      });
    });
  });
  return { data, batch: batch.length, steps, width };
}

/**
 * Elapsed time per step: absent (1.0 per step, ncps's default), one list for all rows, or one list per row.
 * Negative (and, for LTC, zero) elapsed times throw InvalidInputError.
 */
export function toLnnTimespans(timespans: unknown, batch: number, steps: number, allowZero: boolean): Float32Array {
  const out = new Float32Array(batch * steps).fill(1);
  if (timespans === undefined) return out;
  const rows: unknown[] = Array.isArray(timespans) && timespans.length > 0 && Array.isArray(timespans[0]) ? timespans : Array.from({ length: batch }, () => timespans);
  if (rows.length !== batch) throw new InvalidInputError(`timespans has ${rows.length} rows for a batch of ${batch}`, 'pass one list of elapsed times, or one per sequence');
  rows.forEach((row, b) => {
    const list = row instanceof Float32Array ? Array.from(row) : row;
    if (!Array.isArray(list) || list.length !== steps) throw new InvalidInputError(`timespans${batch > 1 ? `[${b}]` : ''} has ${Array.isArray(list) ? list.length : 'no'} entries for ${steps} steps`, 'pass one elapsed time per step');
    list.forEach((x: unknown, t) => {
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || (!allowZero && x === 0)) {
        throw new InvalidInputError(`timespans[${t}] is ${String(x)}`, allowZero ? 'elapsed times must be finite and ≥ 0' : 'elapsed times must be finite and > 0 (the LTC solver divides by them)');
      }
      out[b * steps + t] = x;
    });
  });
  return out;
}

/** Sequences with their next-value targets and elapsed times: what adapt() fits the readout on. */
export interface LnnSamples {
  batch: LnnBatch;
  targets: Float32Array;
  timespans: Float32Array;
}
