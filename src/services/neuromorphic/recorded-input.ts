import { InvalidInputError, requireFiniteArray } from '../../errors';
import type { SnnEncodingKind } from '../../kernels/snn-encode';
import { isTensor, requireGpuTensorLayout, tensorValues, type Tensor } from '../../gpu/tensor';
import { SnnEncodingRangeError } from './errors';

/** A recorded input as given: T × batch × width nested arrays, or a tensor of shape [T, batch, width]. */
export type RecordedInput = ArrayLike<ArrayLike<ArrayLike<number>>> | Tensor;

export interface RecordedLimits {
  width: number;
  maxSteps: number;
  maxBatch: number;
  maxCurrent: number;
}

/**
 * A recorded input current or spike train in snnTorch's time-first layout (T, B, N), flattened to
 * T × B × N floats, checked: every value finite; a current within ±maxCurrent; a spike train 0 or 1
 * (graded spikes would be counted as single events).
 */
export async function readRecordedInput(
  input: RecordedInput, kind: SnnEncodingKind, limits: RecordedLimits, timeSteps?: number,
): Promise<{ input: Float32Array; batch: number; timeSteps: number }> {
  const { width } = limits;
  const layout = `a recorded input is time-first, shape (T, B, N) = (steps, batch, ${width}), as snnTorch's spike trains are`;
  let data: Float32Array;
  let T: number;
  let B: number;
  if (isTensor(input)) {
    const shape = input.shape;
    if (!Array.isArray(shape) || shape.length !== 3 || shape[2] !== width) {
      throw new InvalidInputError(`recorded input has shape ${JSON.stringify(shape)}`, `${layout}: pass a tensor of shape [T, B, ${width}]`);
    }
    [T, B] = shape;
    if (input.kind === 'gpu') requireGpuTensorLayout(input, 'input');
    data = await tensorValues(input);
    if (data.length !== T * B * width) throw new InvalidInputError(`recorded input holds ${data.length} values for shape [${shape}]`, 'the data must hold T·B·N values');
  } else {
    if (!input || typeof input.length !== 'number' || input.length === 0) throw new InvalidInputError('recorded input is empty', `${layout}: pass at least one step`);
    T = input.length;
    B = input[0]?.length ?? 0;
    if (T <= limits.maxSteps && B >= 1 && B <= limits.maxBatch) {
      data = new Float32Array(T * B * width);
      for (let t = 0; t < T; t++) {
        const slice = input[t];
        if (!slice || slice.length !== B) throw new InvalidInputError(`recorded input step ${t} has ${slice?.length ?? 'no'} samples, step 0 has ${B}`, `${layout}: every step holds the same batch`);
        for (let b = 0; b < B; b++) {
          const row = slice[b];
          if (!row || typeof row.length !== 'number' || row.length !== width) {
            throw new InvalidInputError(`recorded input [${t}][${b}] has ${row?.length ?? 'no'} values`, `${layout}: each sample holds ${width} values`);
          }
          requireFiniteArray(`input[${t}][${b}]`, row);
          for (let n = 0; n < width; n++) data[(t * B + b) * width + n] = row[n];
        }
      }
    } else {
      data = new Float32Array(0);
    }
  }
  if (!Number.isInteger(T) || T < 1 || T > limits.maxSteps) throw new InvalidInputError(`recorded input has ${T} steps`, `send 1 to ${limits.maxSteps} steps`);
  if (!Number.isInteger(B) || B < 1 || B > limits.maxBatch) throw new InvalidInputError(`recorded input has a batch of ${B}`, `send 1 to ${limits.maxBatch} samples per step`);
  if (timeSteps !== undefined && timeSteps !== T) throw new InvalidInputError(`timeSteps is ${timeSteps} but the recorded input has ${T} steps`, 'leave timeSteps out (a recorded input sets it) or make them agree');
  requireFiniteArray('input', data);
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    const bad = kind === 'recorded-spikes' ? x !== 0 && x !== 1 : Math.abs(x) > limits.maxCurrent;
    if (bad) {
      const at = `[${Math.floor(i / (B * width))}][${Math.floor(i / width) % B}][${i % width}]`;
      throw new SnnEncodingRangeError(
        `recorded input${at} is ${x}`,
        kind === 'recorded-spikes' ? "a recorded spike train holds 0 or 1: pass real values as encoding 'recorded-current'" : `recorded currents must lie within ±${limits.maxCurrent}`,
      );
    }
  }
  return { input: data, batch: B, timeSteps: T };
}
