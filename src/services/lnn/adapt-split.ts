import { InvalidInputError } from '../../errors';

interface Shape {
  batch: number;
  steps: number;
}

export interface AdaptSplit {
  trainSet: { count: number; steps: number; skip: number; batches: number };
  heldSet: { count: number; steps: number; skip: number; rowOffset: number; targetOffset: number };
}

function requireSteps(steps: number, washout: number, min: number, name: string): void {
  if (steps - washout < min) throw new InvalidInputError(`${name} has ${steps} steps; washout is ${washout}`, `give sequences of at least ${washout + min} steps`);
}

/**
 * Which samples adapt() trains on and which judge the update (README): the given held-out set; else the
 * last quarter of the sequences (at least one); else, for one sequence, the last quarter of its steps
 * after the washout. `rows` is the readout's width (targets per step).
 */
export function splitAdaptSamples(train: Shape, held: Shape | undefined, washout: number, rows: number): AdaptSplit {
  const w = washout;
  if (held) {
    requireSteps(train.steps, w, 1, 'inputs');
    requireSteps(held.steps, w, 1, 'heldOut.inputs');
    return {
      trainSet: { count: train.batch * (train.steps - w), steps: train.steps, skip: w, batches: train.batch },
      heldSet: { count: held.batch * (held.steps - w), steps: held.steps, skip: w, rowOffset: 0, targetOffset: train.batch * train.steps * rows },
    };
  }
  const T = train.steps;
  if (train.batch >= 2) {
    requireSteps(T, w, 1, 'inputs');
    const heldRows = Math.max(1, Math.floor(train.batch / 4));
    const trainRows = train.batch - heldRows;
    return {
      trainSet: { count: trainRows * (T - w), steps: T, skip: w, batches: trainRows },
      heldSet: { count: heldRows * (T - w), steps: T, skip: w, rowOffset: trainRows * T, targetOffset: trainRows * T * rows },
    };
  }
  requireSteps(T, w, 2, 'inputs');
  const split = w + Math.min(T - w - 1, Math.ceil(0.75 * (T - w)));
  return {
    trainSet: { count: split - w, steps: T, skip: w, batches: 1 },
    heldSet: { count: T - split, steps: T, skip: split, rowOffset: 0, targetOffset: 0 },
  };
}

/** Train then held-out targets in one buffer (the held set's targetOffset points past the train targets). */
export function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
